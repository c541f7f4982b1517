// The Train tab: a recipe (presets for a healthy network and for killing the
// neurons), play / pause / step / reset, the curves, when each neuron died, and
// the network's neuron cards refreshing as its weights move. Drawing keeps working.
#include <imgui.h>

#include <algorithm>
#include <limits>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "app/core/app_training.h"
#include "app/js_api.h"
#include "core/formats/bundle.h"
#include "app/panels.h"
#include "app/ui.h"
#include "interpret/numbers.h"

namespace lens {

static void set_form(AppState& s, const nlohmann::json& recipe) {
  if (auto c = train_config_from_json(recipe)) s.train_form = *c;
}

// The recipe's controls share one width; where their labels do not fit beside them (a phone
// at 200%), each label goes above its control.
struct FieldLayout {
  float width = 0;
  bool label_above = false;
};

static std::string field(const FieldLayout& f, const char* label) {
  if (f.label_above) ImGui::TextUnformatted(label);
  ImGui::SetNextItemWidth(f.width);
  return f.label_above ? std::string("##") + label : std::string(label);
}

static void combo(const FieldLayout& f, const char* label, int& value, const char* const* names, int count) {
  ui::combo(field(f, label).c_str(), label, &value, names, count);
}

// The recipe the form describes, as lens-train would read it.
static nlohmann::json form_recipe(const AppState& s) {
  nlohmann::json r = train_config_to_json(s.train_form);
  r["dataset"] = "mnist-subset";
  return r;
}

static void recipe_controls(AppState& s, float width) {
  TrainConfig& c = s.train_form;
  const float em = ui::em();
  float label_w = 0;  // the controls take what their longest label leaves
  for (const char* label : {"hidden layers", "layer 0 width", "learning rate", "weight init", "activation"})
    label_w = std::max(label_w, ImGui::CalcTextSize(label).x);
  const float beside = width - label_w - ImGui::GetStyle().ItemInnerSpacing.x;
  const FieldLayout f = beside >= 5 * em ? FieldLayout{beside, false} : FieldLayout{width, true};
  ui::title("Recipe", "The same settings lens-train takes. Training uses the first 20,000 MNIST training images "
                      "(a validation split is held out); the test accuracy is measured on the 10,000 test images.");
  if (ui::small_button("Healthy", "784-32-10 ReLU, Adam: about 93% after 2 epochs, at full speed")) {
    set_form(s, train_preset_healthy());
    app_train_set_pace(s, train_preset_pace("healthy"));
  }
  ui::track("Healthy");
  ui::same_line_if_fits(ImGui::CalcTextSize("Kill the neurons").x + 2 * ImGui::GetStyle().FramePadding.x);
  if (ui::small_button("Kill the neurons", "784-6-10 ReLU, SGD at learning rate 0.1 with momentum 0.99, at lesson pace: the "
                                           "six neurons start alive, and most of them die one after another while it "
                                           "trains, as in mlp6-dead. Each death is marked on the curves."))
  {
    set_form(s, train_preset_kill());
    app_train_set_pace(s, train_preset_pace("kill"));
  }
  ui::track("Kill the neurons");
  ui::same_line_if_fits(ImGui::CalcTextSize("Convnet").x + 2 * ImGui::GetStyle().FramePadding.x);
  if (ui::small_button("Convnet", "cnn's layers: 8 then 16 filters of 5x5, each with 2x2 max pooling, then 256 -> 10; Adam "
                                  "for 2 epochs at full speed: about 97.6%. Each step is a frame's work, so it trains slower than the MLPs."))
  {
    set_form(s, train_preset_convnet());
    app_train_set_pace(s, train_preset_pace("convnet"));
  }
  ui::track("Convnet");
  // A convnet's "conv" layers are the preset's (lens.train takes others); the dense layers after
  // them are the form's, from their flattened maps.
  const bool conv = !c.conv.empty();
  if (conv) {
    std::string text = "conv layers:";
    for (std::size_t l = 0; l < c.conv.size(); ++l)
      text += (l ? ", then " : " ") + std::to_string(c.conv[l].channels) + " filters of " + std::to_string(c.conv[l].kernel) + "x" +
              std::to_string(c.conv[l].kernel) + (c.conv[l].pool >= 2 ? ", pool " + std::to_string(c.conv[l].pool) : "");
    ImGui::TextWrapped("%s", text.c_str());
    ui::declare(A11yRole::Text, text);
  }
  int hidden = int(c.sizes.size()) - 2;
  if (ui::slider_int(field(f, "hidden layers").c_str(), "hidden layers", &hidden, conv ? 0 : 1, kTrainMaxHiddenLayers)) {
    std::vector<int> sizes = {c.sizes.front()};  // 784, or a convnet's flattened maps
    for (int l = 0; l < hidden; ++l) sizes.push_back(l + 1 < int(c.sizes.size()) - 1 ? c.sizes[std::size_t(l) + 1] : 32);
    sizes.push_back(kClasses);
    c.sizes = sizes;
  }
  for (int l = 1; l + 1 < int(c.sizes.size()); ++l) {
    char label[32];
    std::snprintf(label, sizeof label, "layer %d width", l - 1);
    ui::slider_int(field(f, label).c_str(), label, &c.sizes[std::size_t(l)], kTrainMinWidth, kTrainMaxWidth);
  }
  static const char* acts[] = {"relu", "leaky_relu", "sigmoid", "tanh"};
  static const Activation act_values[] = {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh};
  int a = int(std::find(act_values, act_values + 4, c.hidden) - act_values) % 4;
  combo(f, "activation", a, acts, 4);
  c.hidden = act_values[a];
  static const char* inits[] = {"he", "xavier", "uniform"};
  int init = int(c.init);
  combo(f, "weight init", init, inits, 3);
  c.init = Init(init);
  ui::slider_float(field(f, "bias start").c_str(), "bias start", &c.bias_init, -3.f, 1.f, "%.2f", 0.05f);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Hidden biases at the start. Negative values switch ReLUs off before they learn anything.");
  static const char* opts[] = {"sgd", "adam"};
  int opt = int(c.optimizer);
  combo(f, "optimizer", opt, opts, 2);
  c.optimizer = Optimizer(opt);
  ui::slider_float(field(f, "learning rate").c_str(), "learning rate", &c.lr, 1e-4f, 1.f, "%.4f", 1e-4f, ImGuiSliderFlags_Logarithmic);
  if (c.optimizer == Optimizer::Sgd) {
    ui::slider_float(field(f, "momentum").c_str(), "momentum", &c.momentum, 0.f, 0.99f, "%.2f", 0.01f);
  }
  static const char* schedules[] = {"constant", "step", "cosine"};
  int sch = int(c.schedule);
  combo(f, "schedule", sch, schedules, 3);
  c.schedule = Schedule(sch);
  static const char* batches[] = {"16", "32", "64", "128", "256"};
  static const int batch_values[] = {16, 32, 64, 128, 256};
  int b = int(std::find(batch_values, batch_values + 5, c.batch) - batch_values) % 5;
  combo(f, "batch", b, batches, 5);
  c.batch = batch_values[b];
  ui::slider_float(field(f, "L2").c_str(), "L2 weight decay", &c.l2, 0.f, 0.01f, "%.4f", 1e-4f);
  ui::slider_int(field(f, "epochs").c_str(), "epochs", &c.epochs, 1, kTrainMaxEpochs);
  int seed = int(c.seed);
  if (ui::input_int(field(f, "seed").c_str(), "seed", &seed, 0, std::numeric_limits<int>::max())) c.seed = std::uint64_t(std::max(0, seed));
}

bool training_buttons(AppState& s, bool active, bool with_stop, double now_ms) {
  TrainingSession& t = s.training;
  if (!active) {
    const bool pressed = ui::button("Train", nullptr);
    ui::track("Train");
    return pressed;
  }
  const char* toggle = t.running() ? "Pause" : "Play";
  if (ui::button(toggle, nullptr)) t.running() ? app_train_pause(s) : app_train_resume(s);
  ui::track(toggle);
  const float pad = 2 * ImGui::GetStyle().FramePadding.x;
  ui::same_line_if_fits(ImGui::CalcTextSize("Step").x + pad);
  if (ui::button("Step", "Step one mini-batch")) app_train_step_once(s, now_ms);
  ui::track("Step");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One mini-batch, then pause.");
  if (with_stop) {
    ui::same_line_if_fits(ImGui::CalcTextSize("Stop").x + pad);
    if (ui::button("Stop", nullptr)) app_train_stop(s, now_ms);
    ui::track("Stop");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("End now: the model keeps its weights and is measured on the test set.");
  }
  return false;
}

// The speed control: a slider over kTrainPaceStops, then full speed. It applies to the run under
// way and to the next ones.
static void speed_control(AppState& s) {
  const int pace = s.training.pace, stops = int(std::size(kTrainPaceStops));
  int at = stops;  // full speed
  for (int i = 0; i < stops && at == stops; ++i)
    if (pace > 0 && pace <= kTrainPaceStops[i]) at = i;
  // ImGui prints this label as the slider's format: it holds no '%'.
  const std::string label = pace <= 0 ? std::string("full speed")
                                      : with_commas(pace) + " samples/s" + (pace == kTrainLessonPace ? " (lesson pace)" : "");
  ImGui::SetNextItemWidth(std::max(4 * ui::em(), ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("speed").x - ImGui::GetStyle().ItemInnerSpacing.x));
  if (ui::slider_int("speed", "Training speed", &at, 0, stops, label.c_str(), ImGuiSliderFlags_NoInput))
    app_train_set_pace(s, at == stops ? 0 : kTrainPaceStops[at]);
  ui::track("speed");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("How fast training runs, now and in the next run. Lesson pace, %s samples a second, trains an epoch "
                      "in about a minute, so a class can follow the curves and watch the neurons die; full speed trains as "
                      "fast as the page's frame budget allows.", with_commas(kTrainLessonPace).c_str());
}

static void run_controls(AppState& s, double now_ms) {
  TrainingSession& t = s.training;
  const bool active = t.active();
  if (training_buttons(s, active, true, now_ms)) {
    auto r = train_request_from_recipe(form_recipe(s));
    if (r) app_train_start(s, std::move(*r), now_ms);
    else notice_error(s.notice, r.error);
  }
  ui::same_line_if_fits(ImGui::CalcTextSize("New seed").x + 2 * ImGui::GetStyle().FramePadding.x);
  if (ui::button("New seed", "New seed: start again from other random weights")) {
    s.train_form.seed += 1;
    if (active) app_train_reset(s, s.train_form.seed, now_ms);
  }
  ui::track("New seed");
  if (t.model >= 0 && t.status == TrainingSession::Status::Done) {
    const Bundle& b = s.models[std::size_t(t.model)].bundle;
    if (ui::button("Download .lens", "Download the trained model (.lens)")) js_download(b.info.id + ".lens", bundle_write(b));
    ui::track("Download .lens");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The trained weights with their recipe and seed: drop the file on the page again, or run lens-report on it.");
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start again from other random weights (the seed goes up by one).");
  speed_control(s);
  if (t.status == TrainingSession::Status::Diverged) {  // no model was kept: say why, whole
    ImGui::TextWrapped("Stopped: %s. The model was not kept.", t.error.c_str());
    return;
  }
  char line[160];
  switch (t.status) {
    case TrainingSession::Status::Idle: std::snprintf(line, sizeof line, "Pick a recipe and press Train."); break;
    case TrainingSession::Status::WaitingForData:
      std::snprintf(line, sizeof line, "Fetching the 20,000 training images (3.2 MB)...");
      break;
    default:  // at a pace, the pace; else how fast it trains
      if (t.tested >= 0) {  // a convnet's last frames: its weights are final
        std::snprintf(line, sizeof line, "%s: measuring the test digits, %s of %s", training_status_name(t.status),
                      with_commas(t.tested).c_str(), with_commas(s.test.size()).c_str());
        break;
      }
      std::snprintf(line, sizeof line, "%s: epoch %s of %d, %s samples/s%s%s%s", training_status_name(t.status), fmt("%.2f", t.epoch()).c_str(),
                    t.request.config.epochs, with_commas(t.pace > 0 && t.active() ? t.pace : (long long)t.samples_per_second()).c_str(),
                    t.pace > 0 && t.active() ? " (paced)" : "", t.test_accuracy >= 0 ? ", test accuracy " : "",
                    t.test_accuracy >= 0 ? pct(t.test_accuracy, 2).c_str() : "");
  }
  ImGui::TextWrapped("%s", line);
  ui::declare(A11yRole::Text, line);
}

// A mark on the curves where each neuron died: a tick up from the chart's foot at the epoch of its
// death, topped by its number. Numbers of deaths close together stack upwards.
static void death_marks(const TrainingSession& t, const ui::Palette& pal, ImVec2 p, float w, float h, double epochs) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight(), tick = 0.6f * line;
  std::vector<float> placed;  // x of the marks drawn so far
  for (std::size_t l = 0; l < t.died_at.size(); ++l)
    for (std::size_t u = 0; u < t.died_at[l].size(); ++u) {
      const double at = t.died_at[l][u];
      if (std::isnan(at)) continue;
      const float x = p.x + float(std::clamp(at / epochs, 0.0, 1.0)) * w;
      const std::string number = t.died_at.size() > 1 ? std::to_string(l) + "." + std::to_string(u) : std::to_string(u);
      const float nw = ImGui::CalcTextSize(number.c_str()).x;
      int below = 0;  // marks already drawn whose numbers this one's would overlap
      for (float q : placed) below += std::abs(q - x) < nw + 0.3f * line;
      placed.push_back(x);
      const float top = p.y + h - tick - float(below + 1) * line;
      dl->AddLine(ImVec2(x, p.y + h), ImVec2(x, p.y + h - tick), pal.dead, 2.f);
      dl->AddText(ImVec2(x - nw / 2, top), pal.dead, number.c_str());
      const std::string label = "death mark " + std::to_string(l) + "." + std::to_string(u);
      ui::track_rect(label.c_str(), ImVec2(x - 1, top), ImVec2(x + 1, p.y + h));
    }
}

// What the curves show, in words: where they end and when neurons died.
static std::string curves_description(const TrainingSession& t) {
  if (t.curve.empty()) return "Learning curves: no training yet.";
  const TrainingPoint& first = t.curve.front();
  const TrainingPoint& last = t.curve.back();
  std::string d = "Learning curves over " + fmt("%.2f", last.epoch) + " epochs: training loss from " + fmt("%.3f", first.loss) +
                  " to " + fmt("%.3f", last.loss) + ", validation loss from " + fmt("%.3f", first.val_loss) + " to " +
                  fmt("%.3f", last.val_loss) + ", validation accuracy from " + pct(first.val_accuracy) + " to " + pct(last.val_accuracy) + ".";
  int deaths = 0;
  for (const auto& layer : t.died_at)
    for (double at : layer) deaths += !std::isnan(at);
  if (deaths > 0) d += " " + std::to_string(deaths) + (deaths == 1 ? " neuron died" : " neurons died") + ", marked on the curves.";
  return d;
}

// Loss (train and validation) on the left axis, validation accuracy on the right, over epochs.
void draw_training_curves(const AppState& s, float w, float h) {
  const TrainingSession& t = s.training;
  const ui::Palette& pal = ui::palette(s.dark);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, h));
  ui::track("learning curves");
  ui::declare(A11yRole::Image, curves_description(t));
  dl->AddRect(p, ImVec2(p.x + w, p.y + h), pal.card_border);
  if (t.curve.empty()) {
    ImGui::TextDisabled("(no training yet)");
    return;
  }
  float top = 0.f;
  for (const TrainingPoint& q : t.curve)
    for (float v : {q.loss, q.val_loss})
      if (std::isfinite(v)) top = std::max(top, v);
  top = std::max(top, 1e-3f);
  const double epochs = std::max(1, t.request.config.epochs);
  auto at = [&](double epoch, float v, float scale) {
    return ImVec2(p.x + float(epoch / epochs) * w, p.y + h - std::clamp(v / scale, 0.f, 1.f) * h);
  };
  auto series = [&](float TrainingPoint::*field, float scale, ImU32 color) {
    for (std::size_t i = 1; i < t.curve.size(); ++i) {
      const float a = t.curve[i - 1].*field, b = t.curve[i].*field;
      if (std::isfinite(a) && std::isfinite(b))
        dl->AddLine(at(t.curve[i - 1].epoch, a, scale), at(t.curve[i].epoch, b, scale), color, 2.f);
    }
  };
  series(&TrainingPoint::loss, top, pal.accent);
  series(&TrainingPoint::val_loss, top, pal.negative);
  series(&TrainingPoint::val_accuracy, 1.f, pal.positive);
  death_marks(t, pal, p, w, h, epochs);
  const TrainingPoint& last = t.curve.back();
  // The legend: each key whole, on the next line where the row is full (a projector, a phone).
  const float line = ImGui::GetTextLineHeight();
  auto key = [&](ImU32 color, const std::string& text, bool first) {
    if (!first) ui::same_line_if_fits(line * 2.2f + ImGui::CalcTextSize(text.c_str()).x);
    ImGui::BeginGroup();
    const ImVec2 q = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(ImVec2(q.x, q.y + line * 0.4f), ImVec2(q.x + line, q.y + line * 0.6f), color);
    ImGui::Dummy(ImVec2(line * 1.2f, line));
    ImGui::SameLine(0, 0);
    ImGui::TextUnformatted(text.c_str());
    ImGui::EndGroup();
  };
  key(pal.accent, "training loss " + fmt("%.3f", last.loss), true);
  key(pal.negative, "validation loss " + fmt("%.3f", last.val_loss), false);
  key(pal.positive, "validation accuracy " + pct(last.val_accuracy), false);
}

// One row per hidden neuron that has died: from the epoch it died to now.
static void death_timeline(const AppState& s, float w) {
  const TrainingSession& t = s.training;
  const ui::Palette& pal = ui::palette(s.dark);
  int dead = 0, all = 0;
  for (const auto& layer : t.died_at)
    for (double at : layer) dead += !std::isnan(at), ++all;
  char title[96];
  std::snprintf(title, sizeof title, "Dead neurons: %d of %d", dead, all);
  ui::title(title, "A neuron counts as dead while it fires on none of the test digits its card is measured on (2,000 while "
                   "it trains, all 10,000 once it is done), so the list and the cards agree. Each row "
                   "starts at the epoch it died; a neuron that comes back to life leaves the list.");
  const double epochs = std::max(1, t.request.config.epochs);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float row = ImGui::GetTextLineHeight();
  for (std::size_t l = 0; l < t.died_at.size(); ++l)
    for (std::size_t u = 0; u < t.died_at[l].size(); ++u) {
      const double at = t.died_at[l][u];
      if (std::isnan(at)) continue;
      const ImVec2 p = ImGui::GetCursorScreenPos();
      char label[64];
      if (t.died_at.size() > 1) std::snprintf(label, sizeof label, "layer %zu, neuron %zu died at epoch %s", l, u, fmt("%.2f", at).c_str());
      else std::snprintf(label, sizeof label, "neuron %zu died at epoch %s", u, fmt("%.2f", at).c_str());
      const float x0 = p.x + float(at / epochs) * w, x1 = p.x + float(t.epoch() / epochs) * w;
      dl->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + w, p.y + row - 2), pal.bar_bg);
      dl->AddRectFilled(ImVec2(x0, p.y + 2), ImVec2(std::max(x0 + 2, x1), p.y + row - 2), pal.dead);
      dl->AddText(ImVec2(p.x + 4, p.y), ImGui::GetColorU32(ImGuiCol_Text), label);
      ImGui::Dummy(ImVec2(w, row));
      ui::declare(A11yRole::Text, std::string(1, char(std::toupper(label[0]))) + (label + 1) + ".");
    }
}

void panel_train(AppState& s, Gfx& g, double now_ms) {
  const float em = ui::em();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The curves and the cards beside the recipe whenever a 16 em column fits beside it (a
  // projector at 200-300% text too: the recipe column narrows to 40% of the width), else below it.
  const float beside = std::min(22 * em, 0.4f * avail.x);
  const bool wide = avail.x - beside - em >= 16 * em;
  const float left = wide ? beside : avail.x;
  // Beside the curves the recipe scrolls on its own; above them (a phone) it is part of the tab.
  if (wide) ImGui::BeginChild("##recipe", ImVec2(left, 0), false);
  else ImGui::BeginGroup();
  recipe_controls(s, ImGui::GetContentRegionAvail().x - (wide ? 0.f : em));
  ImGui::Separator();
  run_controls(s, now_ms);
  if (wide) ImGui::EndChild();
  else ImGui::EndGroup();
  if (wide) ImGui::SameLine(0, em);
  ImGui::BeginGroup();
  const float right = wide ? avail.x - left - em : avail.x;
  const TrainingSession& t = s.training;
  ui::title("Learning curves", "Training loss (blue: the mean over the epoch so far), validation loss (purple) and "
                               "validation accuracy (orange, right axis 0 to 100%), measured ten times per epoch on 1,000 "
                               "held-out training images.");
  draw_training_curves(s, right, 7 * em);
  const bool showing = t.model >= 0 && s.current == t.model && s.is_image_model();
  const float side = std::min(11 * em, right * 0.3f);
  // Drawing keeps working while it trains: the answer is the current network's. The canvas, the
  // bars and the deaths side by side where they fit, else each below the one before (the tab scrolls).
  if (showing) {
    ImGui::BeginGroup();
    panel_draw(s, g, side);
    ImGui::EndGroup();
    const float bars = std::min(13 * em, right);
    ui::same_line_if_fits(bars + em);
    ImGui::BeginGroup();
    panel_prediction(s, bars);
    ImGui::EndGroup();
  }
  if (!t.died_at.empty()) {
    if (showing) ui::same_line_if_fits(12 * em);
    ImGui::BeginGroup();
    death_timeline(s, std::max(8 * em, ImGui::GetContentRegionAvail().x));
    ImGui::EndGroup();
  }
  if (showing) panel_neuron_grid(s, g, 0, right, std::max(6 * em, ImGui::GetContentRegionAvail().y));
  ImGui::EndGroup();
}

}  // namespace lens
