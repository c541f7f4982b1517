// Small drawing helpers shared by the panels: theme colours, section titles
// with an explanation on hover, bars, and image cards. Sizes are in "em"
// (the font size), so the presentation scale enlarges everything together.
#pragma once
#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

#include "app/core/a11y.h"
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
// A button declared to the accessible mirror under its label (less any "##id"), or under `name`
// where the label is a symbol ("?").
bool small_button(const char* label, const char* tooltip, const char* name = nullptr);
// What the last frame drew: for the browser tests (lens._test.itemRect, lens._test.shownText)
// and for the accessible mirror (a11y, web/a11y.js). The shell owns one and points ImGui's
// io.UserData at it (main.cpp).
struct FrameRecord {
  std::vector<std::pair<std::string, AppState::Rect>> items;  // tracked items by label, in CSS pixels
  std::vector<std::string> text;                              // explanation paragraphs, as plain text
  std::vector<std::string> cut_off;  // windows whose content overflows where no scrollbar reaches it
  A11yTree a11y;                     // what the panels declared they drew, in reading order
  A11yInbox* inbox = nullptr;        // what the DOM mirror asked for (presses, slider values); the shell's
  std::vector<std::size_t> open_combos;  // combo nodes whose rectangle is known after their list (combo_end)
};

// --- the accessible mirror (app/core/a11y.h): each helper draws an item and declares it ---
// Declares the item just drawn, at its rectangle (clipped to the window, as it shows).
// `grid`: the group of controls laid out as a grid it belongs to (A11yNode::grid), if any.
void declare(A11yRole role, const std::string& name, int state = -1, const std::string& value = "", const std::string& grid = "");
// Declares a node at a rectangle of its own (a paragraph, a live status).
void declare_at(A11yNode n, ImVec2 lo, ImVec2 hi);
void declare_at(A11yRole role, const std::string& name, ImVec2 lo, ImVec2 hi);
// A button that shows `label` (or an ImGui::Button of `size` when given), declared as `role`
// (Button or Tab) with `name`; state as A11yNode::state (a tab's "selected").
bool button(const char* label, const char* name, A11yRole role = A11yRole::Button, int state = -1, ImVec2 size = ImVec2(0, 0));
// An ImGui::InvisibleButton (a card, the canvas) declared as `role` with `name`.
bool invisible_button(const char* id, ImVec2 size, A11yRole role, const std::string& name, const std::string& grid = "");
// A checkbox declared as a switch named `name`.
bool switch_box(const char* label, const char* name, bool* on);
// Sliders declared with their range; a value the DOM set (arrow keys) is applied as a drag's
// would be: the call returns true, so the caller's side effects run.
bool slider_int(const char* id, const char* name, int* v, int min, int max, const char* format = "%d", ImGuiSliderFlags flags = 0);
bool slider_float(const char* id, const char* name, float* v, float min, float max, const char* format, float step,
                  ImGuiSliderFlags flags = 0);
// ImGui::InputInt declared as a number field named `name`, its value kept in [min, max].
bool input_int(const char* id, const char* name, int* v, int min, int max);
// ImGui::InputFloat declared as a number field named `name`. min, max and step are the DOM
// field's hints only: *v keeps whatever was typed, for the caller to check and, if it must, refuse
// with a reason (a clamped value would hide the mistake).
bool input_float(const char* id, const char* name, float* v, float min, float max, float step, const char* format);
// ImGui::Combo over `names`, declared as a combobox named `name` whose items are options.
bool combo(const char* id, const char* name, int* value, const char* const* names, int count);
// One choice of a few (ImGui::RadioButton), declared as a toggle button, pressed when chosen.
bool radio(const char* label, bool chosen);
// A menu's item (ImGui::MenuItem), declared as a button.
bool menu_item(const char* label, bool enabled = true);
// ImGui::BeginCombo declared as a combobox named `name` showing `preview`; its items are
// options (ui::option). combo_end only when combo_begin returned true.
bool combo_begin(const char* id, const char* name, const char* preview, ImGuiComboFlags flags = 0);
void combo_end();
// A list's item (ImGui::Selectable), declared as an option.
bool option(const char* label, bool selected);
// The prediction's live status (aria-live): `sentence` is announced when it changes (the mirror
// is not updated while a stroke is drawn: main.cpp).
void live_status(const std::string& sentence, ImVec2 lo, ImVec2 hi);
// Notes where the item just drawn is, under its label, so a browser test can click it like a person.
void track(const char* label);
// The same for a shape drawn straight into a draw list (a mark on a chart), from lo to hi.
void track_rect(const char* label, ImVec2 lo, ImVec2 hi);
// SameLine() when an item `width` wide still fits on the current line, else a new line;
// says which.
// `right`: where the line ends (window-relative x); by default the window's content edge.
bool same_line_if_fits(float width, float right = 0.f);
void wrapped(const std::string& text);
// Secondary text (ImGui's disabled colour), wrapped where wrapping is in force, and declared.
void note(const std::string& text);
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
