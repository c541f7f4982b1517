// The page frame: top bar (model, tabs, progress, theme, scale, help), the
// current tab, the first-visit help and notices.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/core/app_norm.h"
#include "app/core/model_library.h"
#include "app/panels.h"
#include "app/ui.h"
#include "interpret/numbers.h"

namespace lens {

// --- top bar -----------------------------------------------------------------------

// The name already says the layers; add the test accuracy.
static std::string model_label(const LoadedModel& m) {
  char acc[32] = "";
  if (m.bundle.info.test_accuracy >= 0) std::snprintf(acc, sizeof acc, "  |  %s", pct(m.bundle.info.test_accuracy, 1).c_str());
  return m.bundle.info.name + acc;
}

static void view_controls(AppState& s, float x, bool same_row = true, bool stacked = false);
static void model_picker(AppState& s, double now_ms, bool with_remove);
static void remove_current_model(AppState& s, double now_ms);
static float view_controls_width();

// with_remove: the list ends with "Remove this model" (where the header has no room for the button).
static void model_picker(AppState& s, double now_ms, bool with_remove) {
  const float em = ui::em();
  // The name when it fits the box, else the id (never a name cut off mid-word).
  std::string shown = s.model() ? model_label(*s.model()) : "no model";
  const float room = ImGui::CalcItemWidth() - ImGui::GetFrameHeight() - 2 * ImGui::GetStyle().FramePadding.x;
  if (s.model() && ImGui::CalcTextSize(shown.c_str()).x > room) shown = s.model()->bundle.info.id;
  if (ui::combo_begin("##model", "Model", shown.c_str())) {
    for (std::size_t i = 0; i < s.models.size(); ++i) {
      if (s.models[i].removed) continue;
      ImGui::PushID(int(i));
      if (ui::option(model_label(s.models[i]).c_str(), int(i) == s.current)) app_select_model(s, int(i), now_ms);
      if (ImGui::IsItemHovered() && !s.models[i].bundle.info.notes.empty()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(em * 26);
        ImGui::TextUnformatted(s.models[i].bundle.info.notes.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
      ImGui::PopID();
    }
    if (with_remove) {
      ImGui::Separator();
      if (ui::option("Remove this model", false)) remove_current_model(s, now_ms);
      ui::track("Remove model");
    }
    ui::combo_end();
  }
  if (ImGui::IsItemHovered() && s.model()) ImGui::SetTooltip("The network being explained. Every model is pre-trained on MNIST (XOR on its four points).");
}

// A model loaded or trained here can be removed, which frees its memory for another one.
static float remove_button_width(const char* label) {
  return ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x + ImGui::GetStyle().ItemSpacing.x;
}

static void remove_current_model(AppState& s, double now_ms) {
  if (const auto r = model_library_remove(s, s.current, now_ms); !r) notice_error(s.notice, r.error);
}

static void remove_button(AppState& s, double now_ms) {
  ImGui::SameLine(0, 4);
  const bool clicked = ui::small_button("Remove", "Remove this model from the page (the models that ship with it stay); its memory goes to the next model you load");
  ui::track("Remove model");
  if (clicked) remove_current_model(s, now_ms);
}

static const char* kTabLabels[] = {"Explore", "Neuron", "Outputs", "Network", "Train"};
static const char* kTabHelp[] = {"Draw a digit and watch every neuron respond.",
                                 "One neuron up close: what it looks for, how it votes, its formula.",
                                 "What the network thinks each digit looks like.",
                                 "The whole network in words: accuracy, dead neurons, which features carry the work.",
                                 "Train a network here and watch its neurons form, or die."};

static float tab_buttons_width() {
  float w = 0;
  for (const char* label : kTabLabels) w += ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x + 4;
  return w;
}

static void tab_buttons(AppState& s, bool narrow) {
  for (int t = 0; t < kTabCount; ++t) {
    if (t > 0 || !narrow) ImGui::SameLine(0, t == 0 ? ui::em() : 4);
    const bool on = int(s.tab) == t;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
    if (ui::button(kTabLabels[t], nullptr, A11yRole::Tab, on ? 1 : 0)) s.tab = Tab(t);
    if (t == 0) ui::track("tab bar");  // where the header's last row is
    if (on) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", kTabHelp[t]);
  }
}

// The tabs as one list (a phone at a large text size).
static void tab_list(AppState& s) {
  float widest = 0;
  for (const char* label : kTabLabels) widest = std::max(widest, ImGui::CalcTextSize(label).x);
  ImGui::SetNextItemWidth(widest + ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x);
  if (ui::combo_begin("##tabs", "Tab", kTabLabels[int(s.tab)])) {
    for (int t = 0; t < kTabCount; ++t) {
      if (ui::option(kTabLabels[t], int(s.tab) == t)) s.tab = Tab(t);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", kTabHelp[t]);
    }
    ui::combo_end();
  }
  ui::track("tab bar");
}

// The view controls in a menu (a phone at a large text size): theme, text size, share, export, help.
static void view_menu(AppState& s) {
  if (ui::small_button("Menu", "Theme, text size, share, export and help")) ImGui::OpenPopup("##view-menu");
  ui::track("Menu");
  if (!ImGui::BeginPopup("##view-menu")) return;
  view_controls(s, 0.f, false, true);
  ImGui::EndPopup();
}

void panel_top_bar(AppState& s, double now_ms) {
  const float em = ui::em();
  // The name of the page gives way when it would push the view controls off the first row (a
  // 720p projector at 250% text): two rows of header, not three.
  const float brand = ImGui::CalcTextSize("MNIST Lens").x + em;
  if (ImGui::GetContentRegionAvail().x >= brand + 7.f * em + view_controls_width()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::palette(s.dark).accent);
    ImGui::TextUnformatted("MNIST Lens");
    ImGui::PopStyleColor();
    ImGui::SameLine(0, em);
  }
  // The model list gives way to the view controls on the same row (it shows the id when its name
  // does not fit); on a phone they do not fit beside it even so, and get a row of their own.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float controls = view_controls_width();
  // Remove (a model loaded or trained here) moves into the model list before the header takes a
  // third row (a 720p projector at 250%).
  const bool removable = model_library_removable(s, s.current);
  const bool controls_row = avail < 6.f * em + controls + em;
  const bool remove_button_shown = removable && (controls_row || avail >= 6.f * em + remove_button_width("Remove") + controls + em);
  const float remove = remove_button_shown ? remove_button_width("Remove") : 0.f;
  // At least 6 em for the list itself: a model's id ("trained-1") stays readable beside Remove.
  ImGui::SetNextItemWidth(controls_row ? std::min(22.f * em, avail) - remove
                                       : std::max(6.f * em, std::min({22.f * em, avail * 0.45f, avail - controls - em}) - remove));
  model_picker(s, now_ms, removable && !remove_button_shown);
  if (remove_button_shown) remove_button(s, now_ms);
  const bool narrow = controls_row || ImGui::GetContentRegionAvail().x < 48 * em + controls;
  const float right = ImGui::GetWindowContentRegionMax().x;
  const float row = right - ImGui::GetWindowContentRegionMin().x;
  // A phone at a large text size: where the tabs or the view controls do not fit one row, they
  // become a list and a menu, side by side, so the header stays two rows and the tab has the screen.
  const bool compact = tab_buttons_width() > row || controls > row;
  if (narrow && !compact) {  // model and view controls on the first row(s), tabs and progress on the next
    view_controls(s, right - controls, !controls_row);
  }
  if (compact) {
    tab_list(s);
    ImGui::SameLine();
    view_menu(s);
  } else {
    tab_buttons(s, narrow);
  }
  // Progress of the model analysis, then (wide layout) theme, scale, help.
  ModelAnalysis* a = s.analysis();
  if (a && !a->done()) {
    if (!ui::same_line_if_fits(6.f * em)) ImGui::SameLine(0, em);
    const float w = std::max(4.f * em, (narrow ? right : right - controls) - ImGui::GetCursorPosX() - em);
    char label[96];
    std::snprintf(label, sizeof label, "%s %d%%", a->phase_label, int(100 * a->progress()));
    char shown[16];  // the percentage alone where the bar is too short for the phase's name
    std::snprintf(shown, sizeof shown, "%d%%", int(100 * a->progress()));
    const bool fits = ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x <= w;
    ImGui::ProgressBar(a->progress(), ImVec2(w, 0), fits ? label : shown);
    ui::declare(A11yRole::Text, label);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s. %s", label,
                        a->actmax_late_round
                            ? "The explanations are written; the maximization images of this convnet's later layers, which repeat every convolution at each step, are being computed in the background, a few milliseconds per frame."
                            : "Computing statistics and maximization images for this model in the background, a few milliseconds per frame, so the page never freezes.");
  }
  if (!narrow) view_controls(s, right - controls);
}

// Copying needs the click's user activation, so the shell runs it (share_wanted) in this frame.
static void share_menu(AppState& s) {
  if (!ImGui::BeginPopup("##share")) return;
  const bool link = ui::small_button("Copy link to this view", "The address of exactly what you see: model, tab, neuron, drawing");
  ui::track("Copy link to this view");
  if (link) s.share_wanted = ShareRequest::Link, ImGui::CloseCurrentPopup();
  const bool code = ui::small_button("Copy embed code", "An <iframe> snippet of this view for a blog post or slides (700x500)");
  ui::track("Copy embed code");
  if (code) s.share_wanted = ShareRequest::EmbedCode, ImGui::CloseCurrentPopup();
  const bool full = ui::small_button("Full screen (F)", "Fill the screen; Esc leaves full screen");
  ui::track("Full screen (F)");
  if (full) s.fullscreen_wanted = true, ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

// Theme, text size, share and export menus and help: the width they take, and the controls.
static float view_controls_width() {
  const ImGuiStyle& st = ImGui::GetStyle();
  const auto button = [&](const char* t) { return ImGui::CalcTextSize(t).x + 2 * st.FramePadding.x + st.ItemSpacing.x; };
  return button("Contrast") + 4.5f * ui::em() + st.ItemSpacing.x + button("Share") + button("Export") + button("?") + ui::em();
}

// Stacked: one under the other (in the header's menu on a phone).
static void view_controls(AppState& s, float x, bool same_row, bool stacked) {
  const float em = ui::em();
  if (same_row) ImGui::SameLine(x);
  else if (!stacked) ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), x));  // a row of their own, right-aligned
  // Dark -> light -> high contrast (black on white, for a washed-out projector) -> dark.
  const char* next = s.contrast ? "Dark" : s.dark ? "Light" : "Contrast";
  const std::string theme_name = std::string("Theme: switch to ") + (s.contrast ? "dark" : s.dark ? "light" : "high contrast");
  const bool theme = ui::small_button(next, "Switch the theme: dark, light, or high contrast for a projector", theme_name.c_str());
  ui::track(next);
  if (theme) {
    if (s.contrast) s.contrast = false, s.dark = true;
    else if (s.dark) s.dark = false;
    else s.contrast = true;
  }
  // Each control beside the one before while it fits, else on the next row (a phone at 200%).
  const ImGuiStyle& st = ImGui::GetStyle();
  const auto beside = [&](const char* label) {
    if (!stacked) ui::same_line_if_fits(ImGui::CalcTextSize(label).x + 2 * st.FramePadding.x);
  };
  if (!stacked) ui::same_line_if_fits(4.5f * em);
  ImGui::SetNextItemWidth(4.5f * em);
  char current[16];
  std::snprintf(current, sizeof current, "%s", pct(s.ui_scale, 0).c_str());
  if (ui::combo_begin("##scale", "Text size", current, ImGuiComboFlags_NoArrowButton)) {
    for (float v : kTextScales) {
      char label[16];
      std::snprintf(label, sizeof label, "%s", pct(v, 0).c_str());
      if (ui::option(label, std::abs(s.ui_scale - v) < 0.01f)) s.ui_scale = v;
    }
    ui::combo_end();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Text size: 200%% to 300%% for a projector (+ and - keys)");
  beside("Share");
  if (ui::small_button("Share", "A link to this view, the code to embed it in a post, full screen")) ImGui::OpenPopup("##share");
  ui::track("Share");
  share_menu(s);
  beside("Export");
  panel_export_menu(s);
  beside("?");
  if (ui::small_button("?", "How to use this page", "Help")) s.show_help = true;
}

// Embed mode has no tabs: away from the drawing (a card, a neuron link or a key opened another
// view), a big button at the start of its row goes back, as Esc does. Returns the row's height.
static float back_to_drawing_button(AppState& s) {
  const char* label = s.is_image_model() ? "\u2190 Back to the drawing" : "\u2190 Back to the plane";
  const ImVec2 size(std::max(ui::kTouchTargetPx, ImGui::CalcTextSize(label).x + 2 * ui::em()),
                    std::max(ui::kTouchTargetPx, ImGui::GetFrameHeight()));
  const ui::Palette& p = ui::palette(s.dark);
  ImGui::PushStyleColor(ImGuiCol_Button, p.accent);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.accent);
  ImGui::PushStyleColor(ImGuiCol_Text, p.paper);
  const bool back = ui::button(label, "Back to the drawing", A11yRole::Button, -1, size);
  ImGui::PopStyleColor(3);
  ui::track("Back to the drawing");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to where you draw (Esc)");
  if (back) app_back_to_drawing(s);
  return size.y;
}

// Embed mode's one row: the way back (away from the drawing), the name (a link to the full
// page), the model, and the embed code.
static void panel_embed_bar(AppState& s, double now_ms) {
  if (app_away_from_drawing(s)) {
    const float y = ImGui::GetCursorPosY(), h = back_to_drawing_button(s);
    ImGui::SameLine();
    ImGui::SetCursorPosY(y + 0.5f * (h - ImGui::GetFrameHeight()));  // the rest centred on it
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ui::palette(s.dark).accent);
  if (ui::small_button("MNIST Lens", "Open the full page in a new tab", "MNIST Lens: open the full page")) s.share_wanted = ShareRequest::OpenFullPage;
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(16.f * ui::em(), ImGui::GetContentRegionAvail().x * 0.5f));
  model_picker(s, now_ms, model_library_removable(s, s.current));  // the embed bar has no Remove button
  ImGui::SameLine();
  if (ui::small_button("Embed", "Copy the <iframe> code of this view, to put it in your own post"))
    s.share_wanted = ShareRequest::EmbedCode;
  ui::track("Embed");
}

// The sentences of a paragraph that fit in about `width` of text, whole (at least the first):
// a sentence may run across spans (a neuron link inside it), so the cut is made only where one ends.
static Paragraph leading_sentences(const Paragraph& p, float width) {
  Paragraph out, whole;  // whole: `out` up to its last complete sentence
  float used = 0;
  for (const Span& span : p) {
    Span part = span;
    part.text.clear();
    for (std::size_t i = 0; i < span.text.size(); ++i) {
      part.text += span.text[i];
      const bool end = span.text[i] == '.' && (i + 1 == span.text.size() || span.text[i + 1] == ' ');
      if (!end) continue;
      const bool fits = used + ImGui::CalcTextSize(part.text.c_str()).x <= width;
      if (!fits && !whole.empty()) return whole;
      whole = out;
      whole.push_back(part);
      if (!fits) return whole;
    }
    used += ImGui::CalcTextSize(span.text.c_str()).x;
    out.push_back(span);
  }
  return out;
}

void panel_story_banner(AppState& s) {
  ModelAnalysis* a = s.analysis();
  const bool facts = a && a->has_facts;
  // How the input is normalized, when the page found or was told it rather than read it from the
  // file: said before anything is measured with it.
  // On a short screen (a projector at 200% or more, an iframe) the banner keeps to two lines,
  // the sentences that fit, the story told survivors first: it must not take the canvas's room.
  const bool short_screen = s.embed || ImGui::GetContentRegionAvail().y < 30 * ui::em();
  const std::string norm = !s.model() ? "" : short_screen ? app_norm_sentence_short(s, s.current) : app_norm_sentence(s, s.current);
  if (!facts && norm.empty()) return;
  // A recorded accuracy the page cannot reproduce comes first: every other measurement
  // depends on feeding the model what it was trained on.
  const Paragraph check = facts ? accuracy_check(a->network) : Paragraph{};
  Paragraph story = !check.empty() ? check : !norm.empty() ? Paragraph{Span{norm}}
                    : short_screen ? dead_story_short(a->network) : dead_story(a->network);
  if (story.empty()) return;  // the story is for networks that lost most of their neurons
  // Where the normalization can be changed, the banner that is about it leads there (not in an
  // embed, which shows no tabs).
  const bool about_norm = !check.empty() || !norm.empty();
  const bool change = about_norm && !s.embed && s.tab != Tab::Network && app_norm_changeable(s, s.current);
  const float width = ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().WindowPadding.x - ImGui::GetStyle().ScrollbarSize;
  if (short_screen) story = leading_sentences(story, 1.6f * width);
  // In a narrow column (the short layout's right-hand side) its one sentence takes up to four lines.
  const float most = short_screen ? (width < 30 * ui::em() ? 4.f : 2.f) : !about_norm ? (width < 50 * ui::em() ? 4.f : 2.f) : (width < 50 * ui::em() ? 7.f : 3.f);
  // No taller than its text: a story that fits one line leaves the second to the canvas and cards.
  const float text_lines = std::ceil(ImGui::CalcTextSize(render_plain(story).c_str(), nullptr, false, width).y / ImGui::GetTextLineHeight());
  const float lines = std::clamp(text_lines, 1.f, most);
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(ui::palette(s.dark).accent_soft));
  const float button_row = change ? ImGui::GetFrameHeightWithSpacing() : 0.f;
  const float h = ImGui::GetTextLineHeightWithSpacing() * lines + button_row + 2 * ImGui::GetStyle().WindowPadding.y;
  ImGui::BeginChild("##story", ImVec2(0, h), true);
  int layer = 0, unit = 0;
  if (ui::rich_text(s, story, &layer, &unit)) s.sel_layer = layer, s.sel_unit = unit, s.tab = Tab::Neuron;
  if (change && ui::small_button(short_screen ? "Change##norm" : "Change the input normalization##norm",
                                 "The Network tab's control: raw pixels, MNIST's, [-1, 1] or your own mean and std",
                                 "Change the input normalization"))
    s.tab = Tab::Network;
  if (change) ui::track("Change the input normalization");
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

// A bullet whose text wraps at the window edge (BulletText does not wrap).
static void help_bullet(const char* text) {
  ImGui::Bullet();
  ImGui::TextWrapped("%s", text);
  ui::declare(A11yRole::Text, text);
}

void panel_help(AppState& s) {
  if (!s.show_help) return;
  const float em = ui::em();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float width = std::min(34 * em, vp->WorkSize.x - 2 * em);
  if (vp->WorkSize.y > 1.25f * vp->WorkSize.x) {
    // Portrait (a phone, a tablet held upright): the canvas is at the top, so the help sits in
    // the lower part, scrolling if it must, and never covers where one draws.
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y - em),
                            ImGuiCond_Always, ImVec2(0.5f, 1.f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(width, vp->WorkSize.y * 0.42f));
    ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);
  } else {
    // Centred, and never taller than the screen (a projector at 200% or more): its title stays
    // on screen and the bullets scroll.
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(width, vp->WorkSize.y - em));
    ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);
  }
  ImGui::SetNextWindowFocus();
  if (ImGui::Begin("How to use MNIST Lens", &s.show_help, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                                            ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
    const ImVec2 title_lo = ImGui::GetWindowPos();
    ui::declare_at(A11yRole::Heading, "How to use MNIST Lens", title_lo,
                   ImVec2(title_lo.x + ImGui::GetWindowWidth(), title_lo.y + ImGui::GetFrameHeight()));
    ImGui::PushTextWrapPos(0.f);
    help_bullet("Draw a digit in the black square with a mouse, pen or finger. The bars show what the network "
                      "thinks it is, updated as you draw.");
    help_bullet("Without a pointer: in the Explore tab the arrow keys move a pen over the square (Shift: finer), "
                "Space puts the ink down or lifts it, Esc puts the pen away.");
    help_bullet("Each card is a hidden neuron: its picture is the input that excites it most, the bar under it "
                      "how strongly it responds to your digit right now. Grey cards are dead neurons.");
    help_bullet("Click a card to inspect the neuron: what it responds to, how it votes, its formula with your "
                      "numbers, and a switch that turns it off.");
    help_bullet("Pick another model at the top: mlp6-dead is a network whose neurons died in training; XOR is "
                      "small enough to read from its weights.");
    help_bullet("Keys: Z or Backspace undo, C or Delete clear, R random test digit, M next misclassified digit, "
                "N / P (or the arrows in the Neuron tab) next / previous neuron, [ and ] previous / next model, "
                "1-5 the tabs, ? this help, Esc closes it.");
    ui::switch_box("single-key shortcuts", "Single-key shortcuts", &s.shortcuts);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Off: letters, digits and symbols do nothing (for speech input and screen readers); the arrows, "
                        "Space, Esc, Backspace and Delete still work.");
    ui::track("single-key shortcuts");
    help_bullet("The address bar always holds a link to what you see (model, tab, neuron): copy it into slides or a post.");
    help_bullet("Train: train a network here and watch its neurons form, or die (try the \"Kill the neurons\" preset).");
    help_bullet("Trained your own model with lens-train, PyTorch or Keras? Drop its .lens or .onnx file onto the page to inspect it.");
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    if (ui::button("Got it", "Got it: close the help", A11yRole::Button, -1, ImVec2(8 * em, 0))) s.show_help = false;
    const ImVec2 p = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    s.help_rect = AppState::Rect{p.x, p.y, size.x, size.y};
    ui::track_rect("help window", p, ImVec2(p.x + size.x, p.y + size.y));
  }
  ImGui::End();
}

// The notice (app/core/notice.h) on a tint of its own: an error in the error colour, a success
// (with a check mark) or news in the text colour on the accent's soft tint. It wraps rather
// than run off the edge: an error must be read to the end.
static void panel_notice(AppState& s) {
  if (s.notice.empty()) return;
  const ui::Palette& p = ui::palette(s.dark);
  const bool error = s.notice.kind == NoticeKind::Error;
  const std::string text = (s.notice.kind == NoticeKind::Success ? "\u2713 " : "") + s.notice.text;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float dismiss = ImGui::CalcTextSize("dismiss").x + 2 * st.FramePadding.x + 2 * st.ItemSpacing.x;
  const float pad = 0.4f * ui::em(), wrap = std::max(8 * ui::em(), ImGui::GetContentRegionAvail().x - dismiss - 2 * pad);
  const ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + pad);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImU32 tint = error ? (p.dead & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 40) : p.accent_soft;
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x - pad, at.y - 0.5f * pad), ImVec2(at.x + size.x + pad, at.y + size.y + 0.5f * pad),
                                            tint, 0.3f * ui::em());
  ImGui::PushStyleColor(ImGuiCol_Text, error ? ImGui::ColorConvertU32ToFloat4(p.dead) : st.Colors[ImGuiCol_Text]);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ui::track("notice");
  ui::declare(A11yRole::Status, "Notice", -1, text);  // a second polite live region: errors are heard
  ImGui::SameLine(0, pad + st.ItemSpacing.x);
  if (ImGui::SmallButton("dismiss")) notice_clear(s.notice);
  ui::declare(A11yRole::Button, "Dismiss the notice");
}

void panel_page(AppState& s, Gfx& g, double now_ms) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  // No background: main.cpp clears the frame to the window colour already, and on software
  // WebGL every full-screen fill costs frame rate.
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
  if (ImGui::Begin("##page", nullptr, flags)) {
    if (s.embed) panel_embed_bar(s, now_ms);
    else panel_top_bar(s, now_ms);
    panel_notice(s);
    for (const std::string& e : s.load_errors) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", e.c_str());
    ImGui::Separator();
    // The tab's own area: a tab longer than the screen (a projector at 300%, a phone) scrolls
    // here, with a scrollbar, under a header that stays put.
    ImGui::BeginChild("##body", ImVec2(0, 0), false);
    if (!s.model()) {
      ImGui::TextUnformatted("No model could be loaded.");
    } else {
      // A model of the plane (XOR) has one view: the plane, its lines and every weight.
      if (s.tab == Tab::Train) panel_train(s, g, now_ms);
      else if (!s.is_image_model()) panel_xor(s, g, now_ms);
      else switch (s.tab) {
        case Tab::Explore: panel_explore(s, g); break;
        case Tab::Neuron: panel_neuron(s, g); break;
        case Tab::Outputs: panel_outputs(s, g); break;
        case Tab::Network: panel_network(s, now_ms); break;
        case Tab::Train: break;
      }
    }
    ImGui::EndChild();
  }
  ImGui::End();
  if (!s.embed) panel_help(s);
}

}  // namespace lens
