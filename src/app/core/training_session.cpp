#include "app/core/training_session.h"

#include <algorithm>

#include "core/constants.h"
#include "core/training/recipe.h"
#include "core/training/train_budget.h"

namespace lens {

using nlohmann::json;

// The page's limits on a convnet ("" for an MLP or a convnet within them): the number and size of
// its "conv" layers, then what one step costs, since a frame runs a convnet's step whole.
static std::string page_conv_problem(const TrainConfig& c) {
  if (c.conv.empty()) return "";
  const std::string tail = "; lens-train takes more (docs/training.md)";
  if (int(c.conv.size()) > kTrainMaxConvLayers)
    return "recipe: the page trains convnets with at most " + std::to_string(kTrainMaxConvLayers) + " \"conv\" layers (this one has " +
           std::to_string(c.conv.size()) + ")" + tail;
  for (std::size_t l = 0; l < c.conv.size(); ++l) {
    const ConvSpec& k = c.conv[l];
    const std::string layer = "recipe: \"conv\" layer " + std::to_string(l + 1) + " has ";
    if (k.channels > kTrainMaxConvChannels)
      return layer + std::to_string(k.channels) + " channels; the page trains at most " + std::to_string(kTrainMaxConvChannels) +
             " a layer" + tail;
    if (k.kernel > kTrainMaxConvKernel)
      return layer + "a " + std::to_string(k.kernel) + " x " + std::to_string(k.kernel) + " kernel; the page trains kernels up to " +
             std::to_string(kTrainMaxConvKernel) + " x " + std::to_string(kTrainMaxConvKernel) + tail;
  }
  const std::uint64_t step = 3 * std::uint64_t(std::max(c.batch, 1)) * train_sample_macs(c);
  if (step > std::uint64_t(kTrainMaxConvStepMacs))
    return "recipe: one step of this convnet at batch " + std::to_string(c.batch) + " is " + count_with_commas(step) +
           " multiply-adds; the page runs a convnet's step within one frame and takes at most " +
           count_with_commas(std::uint64_t(kTrainMaxConvStepMacs)) + ": lower \"batch\" or the channels" + tail;
  return "";
}

Result<TrainRequest> train_request_from_recipe(const json& recipe) {
  using R = Result<TrainRequest>;
  // The page's own range first, so a refusal names the limits that apply here (lens-train's
  // 0 to 100,000 are not the page's).
  const bool xor_lesson = recipe.is_object() && recipe.contains("dataset") && recipe["dataset"] == "xor";
  const int max_epochs = xor_lesson ? kXorMaxEpochs : kTrainMaxEpochs;
  if (recipe.is_object() && recipe.contains("epochs")) {
    const json& e = recipe["epochs"];
    if (!e.is_number_integer() || e.get<std::int64_t>() < 1 || e.get<std::int64_t>() > max_epochs) {
      const std::string got = e.dump();
      return R::fail("recipe: \"epochs\" must be an integer from 1 to " + std::to_string(max_epochs) + " in the page" +
                     (xor_lesson ? " for XOR" : "") + " (got " + (got.size() <= 40 ? got : got.substr(0, 37) + "...") + ")");
    }
  }
  if (auto text = recipe_text_check(recipe); !text) return R::fail(text.error);
  auto config = train_config_from_json(recipe);
  if (!config) return R::fail(config.error);
  if (std::string why = page_conv_problem(*config); !why.empty()) return R::fail(why);
  TrainRequest t;
  t.config = *config;
  t.recipe = recipe;
  const std::string dataset = recipe.value("dataset", "mnist");
  const std::vector<int>& s = t.config.sizes;
  const int hidden = int(s.size()) - 2;
  const bool conv = !t.config.conv.empty();
  if (dataset == "xor") {
    if (s.size() != 3 || s.front() != 2 || s.back() != 1 || s[1] < kXorMinHidden || s[1] > kXorMaxHidden)
      return R::fail("recipe: the XOR lesson trains 2-H-1 networks with H from " + std::to_string(kXorMinHidden) + " to " +
                     std::to_string(kXorMaxHidden));
    if (t.config.head != Head::Sigmoid) return R::fail("recipe: XOR needs \"head\": \"sigmoid\"");
    t.dataset = "xor";
  } else if (dataset == "mnist" || dataset == "mnist-subset") {
    // After "conv" layers, s.front() is their flattened maps ("auto" resolved), not 784.
    if (conv && (hidden < 0 || hidden > kTrainMaxHiddenLayers || s.back() != kClasses))
      return R::fail("recipe: after its \"conv\" layers the page trains 0 to " + std::to_string(kTrainMaxHiddenLayers) +
                     " hidden dense layers and " + std::to_string(kClasses) + " outputs (\"layers\": [\"auto\", 10] or [\"auto\", 64, 10])");
    if (!conv && (hidden < 1 || hidden > kTrainMaxHiddenLayers || s.front() != kPixels || s.back() != kClasses))
      return R::fail("recipe: the page trains 784-...-10 networks with 1 or 2 hidden layers");
    for (int l = 1; l <= hidden; ++l)
      if (s[std::size_t(l)] < kTrainMinWidth || s[std::size_t(l)] > kTrainMaxWidth)
        return R::fail("recipe: hidden layers must have " + std::to_string(kTrainMinWidth) + " to " + std::to_string(kTrainMaxWidth) +
                       " neurons in the page (this one has " + std::to_string(s[std::size_t(l)]) + ")");
    if (t.config.head != Head::Softmax) return R::fail("recipe: MNIST needs \"head\": \"softmax\"");
    if (t.config.epochs < 1)  // no "epochs" key: the default, 10, is in range
      return R::fail("recipe: \"epochs\" must be an integer from 1 to " + std::to_string(kTrainMaxEpochs) + " in the page");
    if (t.config.validation < 0 || t.config.validation >= kTrainSubsetImages / 2)
      return R::fail("recipe: \"validation\" must hold out fewer than half of the " + std::to_string(kTrainSubsetImages) +
                     " training images");
    t.dataset = "mnist-subset";
  } else {
    return R::fail("recipe: unknown dataset \"" + dataset + "\" (mnist, mnist-subset or xor)");
  }
  t.recipe["dataset"] = t.dataset;
  t.name = recipe.value("name", "");
  return R::ok(std::move(t));
}

json train_preset_healthy() {
  return {{"dataset", "mnist-subset"}, {"layers", {784, 32, 10}}, {"activation", "relu"}, {"init", "he"}, {"bias_init", 0.0},
          {"optimizer", "adam"}, {"lr", 0.003}, {"batch", 32}, {"epochs", 2}, {"l2", 0.0}, {"seed", 1u}, {"validation", 2000},
          {"schedule", "constant"}};
}

// Heavy momentum makes the learning rate's effect grow over the first hundred steps (the
// velocity adds up to 100 times a step), so the six neurons start alive and die one after
// another as it builds: from seed 2, at epochs 0.1, 0.3, 0.4, 0.9 and 1.1 (measured ten times
// an epoch), and neuron 1 survives. Biases starting at -2 (mlp6-dead's recipe) kill them
// before the first step instead.
json train_preset_kill() {
  return {{"dataset", "mnist-subset"}, {"layers", {784, 6, 10}}, {"activation", "relu"}, {"init", "he"}, {"bias_init", 0.0},
          {"optimizer", "sgd"}, {"momentum", 0.99}, {"lr", 0.1}, {"batch", 64}, {"epochs", 2}, {"l2", 0.0}, {"seed", 2u},
          {"validation", 2000}, {"schedule", "constant"}};
}

int train_preset_pace(const std::string& name) { return name == "kill" ? kTrainLessonPace : 0; }

Result<int> train_pace_from_json(const json& speed) {
  if (speed.is_string() && speed == "lesson") return Result<int>::ok(kTrainLessonPace);
  if (speed.is_string() && speed == "full") return Result<int>::ok(0);
  if (speed.is_number() && speed.get<double>() >= kTrainMinPace && speed.get<double>() <= kTrainMaxPace)
    return Result<int>::ok(int(std::lround(speed.get<double>())));
  const std::string got = speed.dump();
  return Result<int>::fail("speed must be \"lesson\" (" + std::to_string(kTrainLessonPace) + " samples a second), \"full\" or a number of " +
                           "samples a second from " + std::to_string(kTrainMinPace) + " to " + count_with_commas(kTrainMaxPace) + " (got " +
                           (got.size() <= 40 ? got : got.substr(0, 37) + "...") + ")");
}

// cnn's layers (tools/recipes/cnn.json) trained for two epochs of the subset, whose validation
// split is the MLP presets'. cnn's own batch 64 at learning rate 0.002 suits its 55,000 images
// over 6 epochs; over these 562 steps batch 32 at 0.005 does best of the few tried (test accuracy,
// lens-train: 97.61%, against 95.71% with cnn's; 0.003 and 0.01 at batch 32: 97.34, 97.21%), and
// a step of 31 M multiply-adds fits one frame's kTrainFrameMacs.
json train_preset_convnet() {
  return {{"dataset", "mnist-subset"},
          {"conv", {{{"channels", 8}, {"kernel", 5}, {"stride", 1}, {"pad", 0}, {"pool", 2}},
                    {{"channels", 16}, {"kernel", 5}, {"stride", 1}, {"pad", 0}, {"pool", 2}}}},
          {"layers", {"auto", 10}}, {"activation", "relu"}, {"init", "he"}, {"bias_init", 0.0}, {"normalize", {0.1307, 0.3081}},
          {"optimizer", "adam"}, {"lr", 0.005}, {"schedule", "cosine"}, {"batch", 32}, {"epochs", 2}, {"l2", 0.0}, {"seed", 5u},
          {"validation", 2000}};
}

json train_preset_xor() {
  return {{"dataset", "xor"}, {"layers", {2, 2, 1}}, {"activation", "tanh"}, {"head", "sigmoid"}, {"init", "xavier"},
          {"optimizer", "adam"}, {"lr", 0.05}, {"batch", 16}, {"epochs", 100}, {"seed", 2u}, {"validation", 0}};
}

TrainConfig train_config_of(const json& preset) {
  auto c = train_config_from_json(preset);
  return c ? *c : TrainConfig{};
}

std::optional<Liveness> TrainingSession::liveness(int layer, int unit) const {
  if (layer < 0 || std::size_t(layer) >= firing.size() || unit < 0 || unit >= firing[std::size_t(layer)].size()) return std::nullopt;
  return liveness_of(firing[std::size_t(layer)](unit), firing_images);
}

double TrainingSession::epoch() const {
  if (!run || run->steps_per_epoch() == 0) return 0;
  return run->epoch() + double(run->step_in_epoch()) / run->steps_per_epoch();
}

double TrainingSession::samples_per_second() const {
  return compute_ms > 0 && run ? double(run->samples_seen()) / (compute_ms / 1000.0) : 0;
}

const char* training_status_name(TrainingSession::Status s) {
  switch (s) {
    case TrainingSession::Status::Idle: return "idle";
    case TrainingSession::Status::WaitingForData: return "waiting for data";
    case TrainingSession::Status::Running: return "running";
    case TrainingSession::Status::Paused: return "paused";
    case TrainingSession::Status::Done: return "done";
    case TrainingSession::Status::Diverged: return "diverged";
  }
  return "idle";
}

}  // namespace lens
