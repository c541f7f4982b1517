#include "app/ui.h"

#include <imgui_internal.h>  // the text wrap position in force (phrases)

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <vector>

#include "figures/colormap.h"

namespace lens::ui {

float em() { return ImGui::GetFontSize(); }

// The theme lives in ImGui's style, which is global to the ImGui context; whether it is the
// high-contrast one is kept beside it, for palette().
static bool contrast_applied = false;

const Palette& palette(bool dark) {
  // Projectors wash out greys and light tints: pure black text on white, saturated colours, dark borders.
  static const Palette kContrast{IM_COL32(0, 60, 220, 255),   IM_COL32(0, 60, 220, 60),    IM_COL32(230, 110, 0, 255),
                                 IM_COL32(110, 0, 170, 255),   IM_COL32(200, 0, 0, 255),    IM_COL32(40, 40, 40, 255),
                                 IM_COL32(255, 255, 255, 255), IM_COL32(0, 0, 0, 255),      IM_COL32(215, 215, 215, 255),
                                 IM_COL32(255, 255, 255, 255), IM_COL32(0, 0, 0, 255)};
  if (!dark && contrast_applied) return kContrast;
  static const Palette kDark{IM_COL32(96, 165, 250, 255),  IM_COL32(96, 165, 250, 70),  IM_COL32(253, 174, 97, 255),
                             IM_COL32(153, 142, 195, 255), IM_COL32(239, 83, 80, 255),  IM_COL32(150, 156, 168, 255),
                             IM_COL32(34, 37, 44, 255),    IM_COL32(60, 65, 76, 255),   IM_COL32(48, 52, 61, 255),
                             IM_COL32(0, 0, 0, 255),       IM_COL32(255, 255, 255, 255)};
  static const Palette kLight{IM_COL32(37, 99, 235, 255),   IM_COL32(37, 99, 235, 50),   IM_COL32(224, 130, 20, 255),
                              IM_COL32(84, 39, 136, 255),   IM_COL32(211, 47, 47, 255),  IM_COL32(95, 100, 110, 255),
                              IM_COL32(255, 255, 255, 255), IM_COL32(205, 210, 218, 255), IM_COL32(226, 230, 236, 255),
                              IM_COL32(255, 255, 255, 255), IM_COL32(0, 0, 0, 255)};
  return dark ? kDark : kLight;
}

void apply_theme(bool dark, bool contrast, float scale) {
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  contrast_applied = contrast && !dark;
  if (contrast_applied) {
    ImGui::StyleColorsLight();
    ImVec4* c = st.Colors;
    c[ImGuiCol_WindowBg] = c[ImGuiCol_ChildBg] = c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.16f, 0.16f, 0.16f, 1);
    c[ImGuiCol_Border] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_FrameBg] = ImVec4(0.88f, 0.88f, 0.88f, 1);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.8f, 0.86f, 1, 1);
    c[ImGuiCol_Button] = ImVec4(0.86f, 0.9f, 1, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.7f, 0.8f, 1, 1);
    c[ImGuiCol_ButtonActive] = c[ImGuiCol_Header] = c[ImGuiCol_HeaderActive] = ImVec4(1, 0.8f, 0.1f, 1);  // black text stays legible
    c[ImGuiCol_HeaderHovered] = ImVec4(1, 0.9f, 0.5f, 1);
    c[ImGuiCol_CheckMark] = c[ImGuiCol_SliderGrab] = ImVec4(0, 0.24f, 0.86f, 1);
    st.FrameBorderSize = 1.f;
    st.ChildBorderSize = 2.f;
  } else if (dark) {
    ImGui::StyleColorsDark();
    st.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.f);
    st.Colors[ImGuiCol_ChildBg] = ImVec4(0.11f, 0.12f, 0.145f, 1.f);
    st.Colors[ImGuiCol_Text] = ImVec4(0.92f, 0.93f, 0.95f, 1.f);
    // ImGui's blues under white text measure 3.1:1 (pressed, a selected tab) and 2.9:1 (hovered);
    // these keep its hue at 5.9:1 and 4.7:1 (WCAG 1.4.3 asks 4.5:1; a11y.test.mjs measures it).
    st.Colors[ImGuiCol_ButtonHovered] = ImVec4(0.145f, 0.40f, 0.77f, 1.f);
    st.Colors[ImGuiCol_ButtonActive] = ImVec4(0.106f, 0.337f, 0.69f, 1.f);
    // Secondary text (ImGui's grey is 4.4:1 here) in the palette's dim colour: 5.5:1 on a card.
    st.Colors[ImGuiCol_TextDisabled] = ImVec4(0.588f, 0.612f, 0.659f, 1.f);
  } else {
    ImGui::StyleColorsLight();
    st.Colors[ImGuiCol_WindowBg] = ImVec4(0.96f, 0.965f, 0.975f, 1.f);
    st.Colors[ImGuiCol_ChildBg] = ImVec4(1.f, 1.f, 1.f, 1.f);
    st.Colors[ImGuiCol_Text] = ImVec4(0.08f, 0.09f, 0.11f, 1.f);
    // Frames (sliders, checkboxes) must stand out from the white panels.
    st.Colors[ImGuiCol_FrameBg] = ImVec4(0.86f, 0.88f, 0.91f, 1.f);
    st.Colors[ImGuiCol_FrameBgHovered] = ImVec4(0.78f, 0.84f, 0.93f, 1.f);
    st.Colors[ImGuiCol_Border] = ImVec4(0.75f, 0.77f, 0.8f, 1.f);
    st.Colors[ImGuiCol_TextDisabled] = ImVec4(0.373f, 0.392f, 0.431f, 1.f);  // ImGui's grey is 2.8:1 on white; this 6:1
  }
  st.WindowRounding = 0.f;
  st.ChildRounding = 6.f;
  st.FrameRounding = 5.f;
  st.GrabRounding = 5.f;
  st.PopupRounding = 6.f;
  st.WindowPadding = ImVec2(12, 10);
  st.FramePadding = ImVec2(8, 5);
  st.ItemSpacing = ImVec2(8, 7);
  st.ScrollbarSize = 16.f;  // wide enough for a finger
  // Panels are told apart by their borders, on one ground: the frame is cleared to the panel
  // colour and child windows draw no background of their own. On software WebGL each layer
  // of full-screen fill costs frame rate (drawing at 1280x800: 16 -> 22+ frames/s).
  st.Colors[ImGuiCol_WindowBg] = st.Colors[ImGuiCol_ChildBg];
  st.Colors[ImGuiCol_ChildBg].w = 0.f;
  st.ScaleAllSizes(scale);
}

void help_marker(const char* help) {
  same_line_if_fits(ImGui::CalcTextSize("(?)").x);  // on the next line rather than cut off
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.f);
    ImGui::TextUnformatted(help);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void title(const char* text, const char* help, float width) {
  // Narrow columns (a projector's large type) wrap the title instead of cutting it off.
  const float right = width > 0 ? ImGui::GetCursorPosX() + width : ImGui::GetContentRegionMax().x;
  ImGui::PushTextWrapPos(right - (help ? ImGui::CalcTextSize(" (?)").x + 8 : 0));
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  declare(A11yRole::Heading, text);
  if (help) help_marker(help);
}

bool same_line_if_fits(float width, float right) {
  const float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetStyle().ItemSpacing.x;
  const bool fits = used + width <= (right > 0 ? right : ImGui::GetContentRegionMax().x);
  if (fits) ImGui::SameLine();
  return fits;
}

void bar(float w, float h, float value, ImU32 color, const char* label) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const bool dark = ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x < 0.5f;
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), palette(dark).bar_bg, 3.f);
  const float v = std::clamp(value, 0.f, 1.f);
  if (v > 0) dl->AddRectFilled(p, ImVec2(p.x + std::max(2.f, w * v), p.y + h), color, 3.f);
  if (label) {
    const ImVec2 ts = ImGui::CalcTextSize(label);
    dl->AddText(ImVec2(p.x + 6, p.y + (h - ts.y) * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), label);
  }
  ImGui::Dummy(ImVec2(w, h));
}

void signed_bar(float w, float h, float value, ImU32 pos, ImU32 neg) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const bool dark = ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x < 0.5f;
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), palette(dark).bar_bg, 3.f);
  const float mid = p.x + w * 0.5f, v = std::clamp(value, -1.f, 1.f);
  if (v > 0) dl->AddRectFilled(ImVec2(mid, p.y), ImVec2(mid + v * w * 0.5f, p.y + h), pos, 2.f);
  if (v < 0) dl->AddRectFilled(ImVec2(mid + v * w * 0.5f, p.y), ImVec2(mid, p.y + h), neg, 2.f);
  dl->AddLine(ImVec2(mid, p.y), ImVec2(mid, p.y + h), ImGui::GetColorU32(ImGuiCol_TextDisabled));
  ImGui::Dummy(ImVec2(w, h));
}

void diverging_legend(float w, float h, float limit, const char* what) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const int steps = 48;
  for (int i = 0; i < steps; ++i) {
    const Rgb c = colormap_diverging(-1.f + 2.f * (float(i) + 0.5f) / float(steps));
    dl->AddRectFilled(ImVec2(p.x + w * float(i) / steps, p.y), ImVec2(p.x + w * float(i + 1) / steps + 1, p.y + h),
                      IM_COL32(c[0], c[1], c[2], 255));
  }
  ImGui::Dummy(ImVec2(w, h));
  char lo[32], hi[32];
  std::snprintf(lo, sizeof lo, "%+.2f", -double(limit));
  std::snprintf(hi, sizeof hi, "%+.2f", double(limit));
  ImGui::TextDisabled("%s", lo);
  ImGui::SameLine();
  const float tw = ImGui::CalcTextSize(what).x;
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.f, (w - tw) * 0.5f - ImGui::CalcTextSize(lo).x - 8));
  ImGui::TextDisabled("%s", what);
  ImGui::SameLine();
  ImGui::SetCursorScreenPos(ImVec2(p.x + w - ImGui::CalcTextSize(hi).x, ImGui::GetCursorScreenPos().y));
  ImGui::TextDisabled("%s", hi);
}

bool small_button(const char* label, const char* tooltip, const char* name) {
  const bool pressed = button(label, name);
  if (tooltip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tooltip);
  return pressed;
}

void wrapped(const std::string& text) {
  ImGui::PushTextWrapPos(0.f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  declare(A11yRole::Text, text);
}

void note(const std::string& text) {
  const bool wrap_here = ImGui::GetCurrentWindow()->DC.TextWrapPos < 0;  // else the caller's wrap position holds
  if (wrap_here) ImGui::PushTextWrapPos(0.f);
  ImGui::TextDisabled("%s", text.c_str());
  if (wrap_here) ImGui::PopTextWrapPos();
  declare(A11yRole::Text, text);
}

const char* fitting_label(const char* label, const char* shorter, float extra) {
  return ImGui::CalcTextSize(label, nullptr, true).x + extra <= ImGui::GetContentRegionAvail().x ? label : shorter;
}

void phrases(const std::vector<std::string>& parts) {
  // The line ends at the wrap position in force (a column's), else at the window's edge.
  const float wrap = ImGui::GetCurrentWindow()->DC.TextWrapPos;
  const float end = wrap > 0 ? wrap : ImGui::GetContentRegionMax().x;
  ImVec2 lo(FLT_MAX, FLT_MAX), hi(-FLT_MAX, -FLT_MAX);
  std::string said;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) same_line_if_fits(ImGui::CalcTextSize(parts[i].c_str()).x, end);
    ImGui::TextWrapped("%s", parts[i].c_str());
    lo = ImMin(lo, ImGui::GetItemRectMin()), hi = ImMax(hi, ImGui::GetItemRectMax());
    said += (i ? " " : "") + parts[i];
  }
  if (!parts.empty()) declare_at(A11yRole::Text, said, lo, hi);  // one paragraph for the mirror
}

static FrameRecord* frame_record() { return static_cast<FrameRecord*>(ImGui::GetIO().UserData); }

// --- the accessible mirror ------------------------------------------------------------

// What a label shows: ImGui's "##id" or "###id" suffix is no part of it.
static std::string shown_part(const char* label) {
  const char* end = std::strstr(label, "##");
  return end ? std::string(label, end) : std::string(label);
}

void declare_at(A11yNode n, ImVec2 lo, ImVec2 hi) {
  FrameRecord* r = frame_record();
  if (!r || n.name.empty()) return;
  n.x = lo.x, n.y = lo.y, n.w = std::max(0.f, hi.x - lo.x), n.h = std::max(0.f, hi.y - lo.y);
  a11y_add(r->a11y, std::move(n));
}

void declare_at(A11yRole role, const std::string& name, ImVec2 lo, ImVec2 hi) {
  A11yNode n;
  n.role = role, n.name = name;
  if (role == A11yRole::Heading) n.level = 2;
  declare_at(std::move(n), lo, hi);
}

// A control scrolled out of its window's view is declared at the edge of the view it is
// nearest, 0 high, so that Tab still reaches it; when the DOM focuses it (a11y.js asks), its
// window scrolls it to the middle of the view in this frame. Text is declared at the part in view.
static ImRect place_in_view(A11yNode& n) {
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  const bool text = n.role == A11yRole::Heading || n.role == A11yRole::Text || n.role == A11yRole::Status;
  if (text || clip.Overlaps(r)) {
    r.ClipWithFull(clip);
    return r;
  }
  n.offscreen = true;
  FrameRecord* rec = frame_record();
  if (rec && rec->inbox && !rec->inbox->reveal.empty() && rec->inbox->reveal == a11y_next_id(rec->a11y, n.role, n.name)) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    ImGui::SetScrollFromPosY(0.5f * (r.Min.y + r.Max.y) - w->Pos.y, 0.5f);
    ImGui::SetScrollFromPosX(0.5f * (r.Min.x + r.Max.x) - w->Pos.x, 0.5f);
  }
  const float y = r.Min.y < clip.Min.y ? clip.Min.y : clip.Max.y;
  const float x = std::clamp(r.Min.x, clip.Min.x, clip.Max.x);
  return ImRect(ImVec2(x, y), ImVec2(std::clamp(r.Max.x, x, clip.Max.x), y));
}

void declare(A11yRole role, const std::string& name, int state, const std::string& value, const std::string& grid) {
  A11yNode n;
  n.role = role, n.name = name, n.state = state, n.value = value, n.grid = grid;
  if (role == A11yRole::Heading) n.level = 2;
  const ImRect r = place_in_view(n);
  declare_at(std::move(n), r.Min, r.Max);
}

bool button(const char* label, const char* name, A11yRole role, int state, ImVec2 size) {
  const bool pressed = ImGui::Button(label, size);
  declare(role, name ? std::string(name) : shown_part(label), state);
  return pressed;
}

bool invisible_button(const char* id, ImVec2 size, A11yRole role, const std::string& name, const std::string& grid) {
  const bool pressed = ImGui::InvisibleButton(id, size);
  declare(role, name, -1, "", grid);
  return pressed;
}

bool switch_box(const char* label, const char* name, bool* on) {
  const bool changed = ImGui::Checkbox(label, on);
  declare(A11yRole::Switch, name, *on ? 1 : 0);
  return changed;
}

// The value the DOM set for the slider or number field about to be declared under `name`, if any.
static bool value_from_dom(A11yRole role, const std::string& name, double* v) {
  FrameRecord* r = frame_record();
  return r && r->inbox && a11y_take_value(*r->inbox, a11y_next_id(r->a11y, role, name), v);
}

static void declare_value(A11yRole role, const std::string& name, double now, double min, double max, double step, const std::string& shown) {
  A11yNode n;
  n.role = role, n.name = name, n.value = shown, n.now = now, n.min = min, n.max = max, n.step = step;
  const ImRect r = place_in_view(n);
  declare_at(std::move(n), r.Min, r.Max);
}

bool slider_int(const char* id, const char* name, int* v, int min, int max, const char* format, ImGuiSliderFlags flags) {
  double set = 0;
  const bool from_dom = value_from_dom(A11yRole::Slider, name, &set);
  if (from_dom) *v = int(std::clamp(std::round(set), double(min), double(max)));
  const bool dragged = ImGui::SliderInt(id, v, min, max, format, flags);
  char shown[96];
  std::snprintf(shown, sizeof shown, format, *v);
  declare_value(A11yRole::Slider, name, float(*v), float(min), float(max), 1.f, shown);
  return dragged || from_dom;
}

// A float slider's value as the DOM gets it: on its step, in ten digits at most (0.003, not the
// float's 0.00299999992; 0, not 4.5e-08).
static double on_step(float v, float step) {
  const double snapped = step > 0 ? std::round(double(v) / double(step)) * double(step) : double(v);
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", snapped);
  return std::strtod(text, nullptr);
}

bool slider_float(const char* id, const char* name, float* v, float min, float max, const char* format, float step,
                  ImGuiSliderFlags flags) {
  double set = 0;
  const bool from_dom = value_from_dom(A11yRole::Slider, name, &set);
  if (from_dom) *v = std::clamp(float(set), min, max);
  const bool dragged = ImGui::SliderFloat(id, v, min, max, format, flags);
  char shown[96];
  std::snprintf(shown, sizeof shown, format, double(*v));
  declare_value(A11yRole::Slider, name, on_step(*v, step), on_step(min, step), on_step(max, step), on_step(step, 0), shown);
  return dragged || from_dom;
}

bool input_int(const char* id, const char* name, int* v, int min, int max) {
  double set = 0;
  const bool from_dom = value_from_dom(A11yRole::Number, name, &set);
  if (from_dom) *v = int(std::clamp(std::round(set), double(min), double(max)));
  const bool typed = ImGui::InputInt(id, v);
  if (typed) *v = std::clamp(*v, min, max);
  declare_value(A11yRole::Number, name, *v, min, max, 1, std::to_string(*v));
  return typed || from_dom;
}

bool input_float(const char* id, const char* name, float* v, float min, float max, float step, const char* format) {
  double set = 0;
  const bool from_dom = value_from_dom(A11yRole::Number, name, &set);
  if (from_dom) *v = float(set);
  const bool typed = ImGui::InputFloat(id, v, 0.f, 0.f, format);
  char shown[64];
  std::snprintf(shown, sizeof shown, format, double(*v));
  declare_value(A11yRole::Number, name, on_step(*v, 0), on_step(min, 0), on_step(max, 0), on_step(step, 0), shown);
  return typed || from_dom;
}

bool combo(const char* id, const char* name, int* value, const char* const* names, int count) {
  bool picked = false;
  if (!combo_begin(id, name, *value >= 0 && *value < count ? names[*value] : "")) return false;
  for (int k = 0; k < count; ++k) {
    ImGui::PushID(k);
    if (option(names[k], k == *value) && k != *value) *value = k, picked = true;
    if (k == *value) ImGui::SetItemDefaultFocus();
    ImGui::PopID();
  }
  combo_end();
  return picked;
}

bool radio(const char* label, bool chosen) {
  const bool pressed = ImGui::RadioButton(label, chosen);
  declare(A11yRole::Button, shown_part(label), chosen ? 1 : 0);
  return pressed;
}

bool menu_item(const char* label, bool enabled) {
  const bool pressed = ImGui::MenuItem(label, nullptr, false, enabled);
  if (enabled) declare(A11yRole::Button, shown_part(label));
  return pressed;
}

bool combo_begin(const char* id, const char* name, const char* preview, ImGuiComboFlags flags) {
  FrameRecord* r = frame_record();
  // Declared before its options (reading order); its rectangle is known once ImGui has drawn it.
  const std::size_t at = r ? r->a11y.nodes.size() : 0;
  if (r) {
    A11yNode n;
    n.role = A11yRole::Combobox, n.name = name, n.value = preview;
    a11y_add(r->a11y, std::move(n));
  }
  const bool open = ImGui::BeginCombo(id, preview, flags);
  if (!r) return open;
  r->a11y.nodes[at].state = open ? 1 : 0;
  if (open) r->open_combos.push_back(at);
  else r->a11y.nodes[at].x = ImGui::GetItemRectMin().x, r->a11y.nodes[at].y = ImGui::GetItemRectMin().y,
       r->a11y.nodes[at].w = ImGui::GetItemRectSize().x, r->a11y.nodes[at].h = ImGui::GetItemRectSize().y;
  return open;
}

void combo_end() {
  ImGui::EndCombo();  // the combo is the last item again (ImGui restores it when the list ends)
  FrameRecord* r = frame_record();
  if (!r || r->open_combos.empty()) return;
  A11yNode& n = r->a11y.nodes[r->open_combos.back()];
  r->open_combos.pop_back();
  n.x = ImGui::GetItemRectMin().x, n.y = ImGui::GetItemRectMin().y, n.w = ImGui::GetItemRectSize().x, n.h = ImGui::GetItemRectSize().y;
}

bool option(const char* label, bool selected) {
  const bool picked = ImGui::Selectable(label, selected);
  declare(A11yRole::Option, shown_part(label), selected ? 1 : 0);
  return picked;
}

void live_status(const std::string& sentence, ImVec2 lo, ImVec2 hi) {
  A11yNode n;
  n.role = A11yRole::Status, n.name = "Prediction", n.value = sentence;
  declare_at(std::move(n), lo, hi);
}

void track(const char* label) { track_rect(label, ImGui::GetItemRectMin(), ImGui::GetItemRectMax()); }

void track_rect(const char* label, ImVec2 lo, ImVec2 hi) {
  if (FrameRecord* r = frame_record()) r->items.push_back({label, AppState::Rect{lo.x, lo.y, hi.x - lo.x, hi.y - lo.y}});
}

// Words keep their trailing space, so a line never starts with one.
static std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text) {
    w += c;
    if (c == ' ') out.push_back(std::move(w)), w.clear();
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// A link span of a paragraph and where its first word is drawn.
struct LinkPlace {
  const Span* span;
  ImVec2 lo, hi;
};
static bool draw_rich_text(const Paragraph& p, bool dark, int* layer, int* unit, float max_width, std::vector<LinkPlace>* links);

bool rich_text(AppState& s, const Paragraph& p, int* layer, int* unit, float max_width) {
  const std::string plain = render_plain(p);
  if (FrameRecord* r = frame_record()) r->text.push_back(plain);
  std::vector<LinkPlace> links;
  const bool clicked = draw_rich_text(p, s.dark, layer, unit, max_width, &links);
  declare(A11yRole::Text, plain);  // the paragraph's box (its Dummy)
  // Its neuron links, where the panel follows them, as buttons after it: a press clicks the link.
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  if (unit)
    for (const LinkPlace& l : links) {
      if (!clip.Contains(ImRect(l.lo, l.hi))) continue;  // a press must land on the link itself
      A11yNode n;
      n.role = A11yRole::Button;
      n.name = "Open neuron " + std::to_string(l.span->unit) + (l.span->layer > 0 ? " of hidden layer " + std::to_string(l.span->layer) : "");
      declare_at(std::move(n), l.lo, l.hi);
    }
  return clicked;
}

bool rich_text(const Paragraph& p, bool dark, int* layer, int* unit, float max_width) {
  return draw_rich_text(p, dark, layer, unit, max_width, nullptr);
}

static bool draw_rich_text(const Paragraph& p, bool dark, int* layer, int* unit, float max_width, std::vector<LinkPlace>* links) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  float width = std::max(4 * em(), ImGui::GetContentRegionAvail().x);
  if (max_width > 0) width = std::min(width, max_width);
  const float right = start.x + width;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Links are lighter (dark theme) or darker (light) than the accent: on the story banner's
  // tinted ground the accent measured 3.9:1, these 5.5:1 and 5.1:1 (a11y.test.mjs).
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 link = contrast_applied ? palette(dark).accent : dark ? IM_COL32(147, 197, 253, 255) : IM_COL32(29, 78, 216, 255);
  const bool hovered_window = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
  ImVec2 pos = start;
  bool clicked = false;
  for (const Span& span : p) {
    const bool is_link = span.unit >= 0;
    for (const std::string& w : words(span.text)) {
      const float width = ImGui::CalcTextSize(w.c_str()).x;
      std::size_t visible = w.size();
      while (visible > 0 && w[visible - 1] == ' ') --visible;
      const float ink = ImGui::CalcTextSize(w.c_str(), w.c_str() + visible).x;
      if (pos.x + ink > right && pos.x > start.x) pos = ImVec2(start.x, pos.y + line);
      const ImU32 color = is_link ? link : text;
      dl->AddText(pos, color, w.c_str(), w.c_str() + visible);
      if (span.style == Span::Style::Strong) dl->AddText(ImVec2(pos.x + 1, pos.y), color, w.c_str(), w.c_str() + visible);
      if (is_link) {
        const ImVec2 lo = pos, hi(pos.x + ink, pos.y + ImGui::GetTextLineHeight());
        track_rect(("link:" + std::to_string(span.layer) + "." + std::to_string(span.unit)).c_str(), lo, hi);  // its first word
        if (links && (links->empty() || links->back().span != &span)) links->push_back({&span, lo, hi});
        const bool over = hovered_window && ImGui::IsMouseHoveringRect(lo, hi);
        if (over) {
          dl->AddLine(ImVec2(lo.x, hi.y), hi, color, 1.f);
          ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
          if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
            clicked = true;
            if (layer) *layer = span.layer;
            if (unit) *unit = span.unit;
          }
        }
      }
      pos.x += width;
    }
  }
  ImGui::SetCursorScreenPos(start);
  ImGui::Dummy(ImVec2(right - start.x, pos.y + line - start.y));
  return clicked;
}

}  // namespace lens::ui
