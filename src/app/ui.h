// Small drawing helpers shared by the panels: theme colours, section titles
// with an explanation on hover, bars, and image cards. Sizes are in "em"
// (the font size), so the presentation scale enlarges everything together.
#pragma once
#include <imgui.h>

#include <string>

#include "app/core/app_state.h"
#include "interpret/prose.h"

namespace lens::ui {

float em();  // current font size in pixels

struct Palette {
  ImU32 accent, accent_soft, positive, negative, dead, text_dim, card_bg, card_border, bar_bg, paper, ink;
};
// The colours of the theme last applied: dark, light, or (light with contrast) black on white.
const Palette& palette(bool dark);
void apply_theme(bool dark, bool contrast, float scale);

// A section title; hovering the (?) shows `help`.
void title(const char* text, const char* help = nullptr);
void help_marker(const char* help);
// Horizontal bar of width w: value in [0,1] of the full width, colour c, with a label drawn over it.
void bar(float w, float h, float value, ImU32 color, const char* label);
// Signed bar around a centre line, value in [-1, 1].
void signed_bar(float w, float h, float value, ImU32 pos, ImU32 neg);
// A diverging colour legend with labels at both ends.
void diverging_legend(float w, float h, float limit, const char* what);
bool small_button(const char* label, const char* tooltip);
// Notes where the item just drawn is, under its label (AppState::button_rects).
void track(AppState& s, const char* label);
// SameLine() when an item `width` wide still fits on the current line, else a new line.
void same_line_if_fits(float width);
void wrapped(const std::string& text);
// A paragraph of the explanations (interpret/prose.h), wrapped at the available width,
// never inside a word or number. Strong spans are bold-ish; neuron references are links:
// clicking one stores it in *layer, *unit and returns true. max_width > 0 caps the line length.
bool rich_text(const Paragraph& p, bool dark, int* layer = nullptr, int* unit = nullptr, float max_width = 0);
// The same, noting the paragraph's text in AppState::shown_text.
bool rich_text(AppState& s, const Paragraph& p, int* layer = nullptr, int* unit = nullptr, float max_width = 0);

}  // namespace lens::ui
