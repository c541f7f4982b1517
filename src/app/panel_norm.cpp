// The input normalization of the model shown (app/core/app_norm.h): what the network sees of a
// pixel and where that map came from, in the Network tab, and for a model loaded into the page the
// control that changes it: raw pixels, MNIST's, [-1, 1] (each with its measured accuracy), or a
// mean and std typed in and checked.
#include <imgui.h>

#include "app/core/app_norm.h"
#include "app/panels.h"
#include "app/ui.h"
#include "interpret/numbers.h"

namespace lens {

constexpr int kCustomChoice = 3;  // after norm_candidates()' three

// The line for a map the file records or the loader gave (a measured or chosen one has its sentence).
static std::string stated_line(const LoadedModel& m) {
  const InputNorm& n = m.bundle.net.norm;
  if (m.norm.origin == NormOrigin::Given) return "Input: " + norm_formula(n) + ", as given when the model was loaded.";
  if (n.identity()) return "Input: raw pixels in [0, 1] (the model records no normalization).";
  return "Input: " + norm_formula(n) + ", the normalization the model was trained with.";
}

// Which of the control's choices the map is: a candidate, or custom.
static int choice_of(const InputNorm& n) {
  const int k = norm_candidate_index(n);
  return k >= 0 ? k : kCustomChoice;
}

// A choice as the list shows it, "MNIST (0.1307, 0.3081): 91.3% on 1,000 test digits" when it was
// measured; the closed list's shorter, to fit a phone: "MNIST (0.1307, 0.3081): 91.3%".
static std::string choice_label(const LoadedModel& m, int k, bool in_list) {
  if (k == kCustomChoice) return "Custom mean and std";
  std::string label = norm_candidates()[std::size_t(k)].label;
  if (m.norm.search) label += ": " + pct(m.norm.search->accuracy(k));
  if (m.norm.search && in_list) label += " on " + with_commas(m.norm.search->digits) + " test digits";
  return label;
}

// The form follows the model shown: a model newly shown starts from its own map.
static void sync_form(AppState& s) {
  AppState::NormForm& f = s.norm_form;
  if (f.model == s.current) return;
  const InputNorm& n = s.model()->bundle.net.norm;
  f = AppState::NormForm{s.current, choice_of(n) == kCustomChoice, n.mean, n.std, ""};
}

static void apply(AppState& s, double mean, double std, double now_ms) {
  const auto r = app_set_normalization(s, s.current, mean, std, now_ms);
  s.norm_form.error = r ? "" : "Not applied: " + r.error + ".";
  if (r) s.norm_form.custom = choice_of(s.model()->bundle.net.norm) == kCustomChoice;
}

static void choice_list(AppState& s, double now_ms) {
  const LoadedModel& m = *s.model();
  AppState::NormForm& f = s.norm_form;
  const int shown = f.custom ? kCustomChoice : choice_of(m.bundle.net.norm);
  const std::string preview = choice_label(m, shown, false);
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, ImGui::CalcTextSize(preview.c_str()).x + 3 * ui::em()));
  if (!ui::combo_begin("##norm", "Input normalization", preview.c_str())) return;
  for (int k = 0; k <= kCustomChoice; ++k) {
    ImGui::PushID(k);
    if (ui::option(choice_label(m, k, true).c_str(), k == shown)) {
      if (k == kCustomChoice) {
        f.custom = true;
        f.error.clear();
      } else {
        f.custom = false;
        apply(s, norm_candidates()[std::size_t(k)].norm.mean, norm_candidates()[std::size_t(k)].norm.std, now_ms);
      }
    }
    if (k == shown) ImGui::SetItemDefaultFocus();
    ImGui::PopID();
  }
  ui::combo_end();
}

// Mean and std typed in, applied together (a half-typed pair never reaches the model).
static void custom_fields(AppState& s, double now_ms) {
  AppState::NormForm& f = s.norm_form;
  const float field = 7 * ui::em();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("(pixel -");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field);
  ui::input_float("##norm-mean", "Mean", &f.mean, -1e4f, 1e4f, 1e-4f, "%.6g");
  ImGui::SameLine();
  ImGui::TextUnformatted(") /");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field);
  ui::input_float("##norm-std", "Std", &f.std, 1e-4f, 1e4f, 1e-4f, "%.6g");
  ui::same_line_if_fits(ImGui::CalcTextSize("Apply").x + 2 * ImGui::GetStyle().FramePadding.x);
  if (ui::button("Apply##norm", "Apply the normalization")) apply(s, f.mean, f.std, now_ms);
  ui::track("Apply normalization");
}

void panel_norm(AppState& s, double now_ms) {
  const LoadedModel& m = *s.model();
  const std::string sentence = app_norm_sentence(s, s.current);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ui::rich_text(s, Paragraph{Span{sentence.empty() ? stated_line(m) : sentence}});  // never broken inside a number
  ImGui::PopStyleColor();
  if (!app_norm_changeable(s, s.current)) return;
  sync_form(s);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Input normalization");
  ImGui::SameLine();
  ui::help_marker("What the network sees of each pixel x in [0, 1]: (x - mean) / std. A model must see its pixels as it was "
                  "trained to: torchvision's Normalize((0.1307,), (0.3081,)) is MNIST's, Normalize((0.5,), (0.5,)) maps "
                  "pixels to [-1, 1], and Keras models usually take raw pixels. Changing it measures everything again.");
  ui::same_line_if_fits(12 * ui::em());
  choice_list(s, now_ms);
  ui::track("Input normalization");
  if (s.norm_form.custom) custom_fields(s, now_ms);
  if (!s.norm_form.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui::palette(s.dark).dead));  // the error colour, as a notice's
    ui::rich_text(s, Paragraph{Span{s.norm_form.error}});
    ImGui::PopStyleColor();
  }
}

}  // namespace lens
