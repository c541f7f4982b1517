// Small drawing helpers shared by the panels: theme colours, section titles
// with an explanation on hover, bars, and image cards. Sizes are in "em"
// (the font size), so the presentation scale enlarges everything together.
#pragma once
#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

#include "app/core/app_state.h"
#include "interpret/prose.h"

namespace lens::ui {

float em();  // current font size in pixels
// The smallest button a finger hits reliably, in CSS pixels (WCAG 2.5.5's 44 x 44 target).
constexpr float kTouchTargetPx = 44.f;

struct Palette {
  ImU32 accent, accent_soft, positive, negative, dead, text_dim, card_bg, card_border, bar_bg, paper, ink;
};
// The colours of the theme last applied: dark, light, or (light with contrast) black on white.
const Palette& palette(bool dark);
void apply_theme(bool dark, bool contrast, float scale);

// A section title; hovering the (?) shows `help`.
// width > 0: wrap within that width from the cursor (a title over a picture), else at the window's edge.
void title(const char* text, const char* help = nullptr, float width = 0);
void help_marker(const char* help);
// Horizontal bar of width w: value in [0,1] of the full width, colour c, with a label drawn over it.
void bar(float w, float h, float value, ImU32 color, const char* label);
// Signed bar around a centre line, value in [-1, 1].
void signed_bar(float w, float h, float value, ImU32 pos, ImU32 neg);
// A diverging colour legend with labels at both ends.
void diverging_legend(float w, float h, float limit, const char* what);
bool small_button(const char* label, const char* tooltip);
// What the last frame drew, for the browser tests only (lens._test.itemRect, lens._test.shownText),
// not product state: the shell owns one and points ImGui's io.UserData at it (main.cpp).
struct FrameRecord {
  std::vector<std::pair<std::string, AppState::Rect>> items;  // tracked items by label, in CSS pixels
  std::vector<std::string> text;                              // explanation paragraphs, as plain text
  std::vector<std::string> cut_off;  // windows whose content overflows where no scrollbar reaches it
};
// Notes where the item just drawn is, under its label, so a browser test can click it like a person.
void track(const char* label);
// The same for a shape drawn straight into a draw list (a mark on a chart), from lo to hi.
void track_rect(const char* label, ImVec2 lo, ImVec2 hi);
// SameLine() when an item `width` wide still fits on the current line, else a new line;
// says which.
// `right`: where the line ends (window-relative x); by default the window's content edge.
bool same_line_if_fits(float width, float right = 0.f);
void wrapped(const std::string& text);
// `label`, or `shorter` where the control would not fit the row with the whole label (a phone at
// a large text size); `extra` is what the control adds to its text (padding, a check box).
const char* fitting_label(const char* label, const char* shorter, float extra);
// Phrases kept whole, side by side while they fit and on the next line when not (an equation's
// "= tanh(+2.85)" never breaks inside a number). A phrase wider than the line wraps at spaces.
void phrases(const std::vector<std::string>& parts);
// A paragraph of the explanations (interpret/prose.h), wrapped at the available width,
// never inside a word or number. Strong spans are bold-ish; neuron references are links:
// clicking one stores it in *layer, *unit and returns true. max_width > 0 caps the line length.
// Each link is tracked as "link:L.U" (its first word), so a browser test can click it.
bool rich_text(const Paragraph& p, bool dark, int* layer = nullptr, int* unit = nullptr, float max_width = 0);
// The same, noting the paragraph's text in the FrameRecord (browser tests read what a person reads).
bool rich_text(AppState& s, const Paragraph& p, int* layer = nullptr, int* unit = nullptr, float max_width = 0);

}  // namespace lens::ui
