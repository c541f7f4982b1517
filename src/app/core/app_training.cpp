#include "app/core/app_training.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "app/core/model_library.h"
#include "core/constants.h"
#include "core/training/recipe.h"
#include "core/training/train_budget.h"
#include "interpret/liveness.h"
#include "interpret/units.h"

namespace lens {

constexpr int kProbeImages = 1000;          // validation images measured at each curve point
// A convnet's curve point measures fewer: cnn's forward pass is 13 times an MLP's of 32 units, and
// a point is measured within one frame.
constexpr int kConvProbeImages = 250;
constexpr double kMnistProbeEvery = 0.1;    // epochs between curve points
constexpr double kXorProbeEvery = 1.0;
constexpr int kLiveTestImages = 2000;       // test images the live analysis measures on
constexpr double kTrainShare = 0.7;         // of the frame budget; the live analysis gets the rest
// XOR trains in well under a second; a few mini-batches a frame make it something to watch
// (100 epochs of 25 batches in about 10 s at 60 frames a second).
constexpr int kXorStepsPerFrame = 4;

AnalysisSettings live_analysis_settings() {
  AnalysisSettings a;
  a.hidden.steps = 48;
  a.output.steps = 48;
  a.importance = false;
  return a;
}

static bool is_xor(const TrainingSession& t) { return t.request.dataset == "xor"; }
static bool is_conv(const TrainingSession& t) { return !t.request.config.conv.empty(); }

// The speed control. At a pace, each frame adds the samples the time since the last frame allows
// (a gap longer than kPaceMaxGapMs counts as that long: a hidden tab does not save up a burst),
// and the frame trains only the mini-batches that credit pays for.
constexpr double kPaceMaxGapMs = 250;

static void pace_restart(TrainingSession& t) {
  t.pace_credit = 0;
  t.pace_clock_ms = -1;
}

// Mini-batches this frame may finish: all it can at full speed.
static int pace_allows(TrainingSession& t, double now_ms) {
  if (t.pace <= 0) return std::numeric_limits<int>::max();
  const double gap = t.pace_clock_ms < 0 ? 0 : std::clamp(now_ms - t.pace_clock_ms, 0.0, kPaceMaxGapMs);
  t.pace_clock_ms = now_ms;
  t.pace_credit = std::min(t.pace_credit + t.pace * gap / 1000.0, t.run->batch() + t.pace * kPaceMaxGapMs / 1000.0);
  return int(t.pace_credit / t.run->batch());
}

static std::string default_name(const TrainRequest& r) {
  std::string layers;
  for (const ConvSpec& c : r.config.conv) layers += (layers.empty() ? "conv " : "-") + std::to_string(c.channels);
  if (!layers.empty()) layers += ", ";
  for (std::size_t l = 0; l < r.config.sizes.size(); ++l) layers += (l ? "-" : "") + std::to_string(r.config.sizes[l]);
  return (r.dataset == "xor" ? "XOR " : "Trained ") + layers + " (seed " + std::to_string(r.config.seed) + ")";
}

// The test images the live analysis measures the neuron cards on while a model trains; null
// before the test set has arrived.
static const DataSet* live_test_images(AppState& s) {
  if (s.test.size() == 0) return nullptr;
  if (s.test_probe.size() == 0) s.test_probe = dataset_slice(s.test, 0, std::min(kLiveTestImages, s.test.size()));
  return &s.test_probe;
}

static void restart_live_analysis(AppState& s) {
  TrainingSession& t = s.training;
  if (is_xor(t) || t.model < 0) return;
  auto& a = s.analyses[std::size_t(t.model)];
  if (!a) a = std::make_unique<ModelAnalysis>();
  analysis_start(*a, s.models[std::size_t(t.model)].bundle, live_test_images(s), 0, live_analysis_settings());
}

// Copies the run's weights into the model on show; the live input is recomputed with them.
static void publish_weights(AppState& s) {
  const int m = s.training.model;
  if (m >= 0 && s.prior.galleries.size() > std::size_t(m)) s.prior.galleries[std::size_t(m)].reset();  // new weights, new images
  TrainingSession& t = s.training;
  s.models[std::size_t(t.model)].bundle.net = t.run->net();
  ++t.version;
  if (s.current == t.model) s.live_dirty = true;
}

// The images the list of dead neurons is measured on: those the neuron cards are measured on
// (the live analysis's test images while the model trains, the whole test set once it is done),
// so that the list and the cards read the same firing counts by the same rule (liveness.h).
// Without test images (XOR, or before they arrive): the validation images of the curve.
static const DataSet& liveness_images(AppState& s, bool done) {
  TrainingSession& t = s.training;
  if (is_xor(t) || s.test.size() == 0) return t.probe;
  return done ? s.test : *live_test_images(s);
}

// Notes the epoch at which each hidden unit died (NaN while it lives; a unit that comes back to
// life leaves the list). Forward passes of a bounded number of images: the whole test set too.
static void measure_liveness(TrainingSession& t, const Mlp& net, const DataSet& images, double epoch) {
  constexpr int kSlice = 1000;
  std::vector<Eigen::VectorXi> firing(net.layers.size() - 1);
  for (int first = 0; first < images.size(); first += kSlice) {
    Trace trace;
    mlp_forward_trace(net, images.images.middleCols(first, std::min(kSlice, images.size() - first)), trace);
    for (std::size_t l = 0; l < firing.size(); ++l) {
      const Eigen::VectorXi count = liveness_count_firing(unit_responses(net.layers[l], trace.layers[l]), net.layers[l].act);
      firing[l] = first == 0 ? count : Eigen::VectorXi(firing[l] + count);
    }
  }
  t.died_at.resize(firing.size());
  t.firing = firing;
  t.firing_images = images.size();
  for (std::size_t l = 0; l < firing.size(); ++l) {
    t.died_at[l].resize(std::size_t(firing[l].size()), NAN);
    for (Eigen::Index u = 0; u < firing[l].size(); ++u) {
      double& at = t.died_at[l][std::size_t(u)];
      if (liveness_of(firing[l](u), images.size()) != Liveness::Dead) at = NAN;
      else if (std::isnan(at)) at = epoch;
    }
  }
}

static void measure_probe(AppState& s, bool done = false) {
  TrainingSession& t = s.training;
  const Mlp& net = t.run->net();
  TrainingPoint p;
  p.epoch = t.epoch();
  p.loss = t.run->epoch_loss();
  p.samples = t.run->samples_seen();
  p.compute_ms = t.compute_ms;
  if (t.probe.size() > 0) {
    const Evaluation e = evaluate(net, t.probe);
    p.val_loss = e.loss, p.val_accuracy = e.accuracy;
  }
  // A convnet's channels are not timed (the whole test set's forward passes would take seconds in
  // one frame): its cards judge them from their analysis (app_card_liveness).
  if (const DataSet& images = liveness_images(s, done); images.size() > 0 && !is_conv(t)) measure_liveness(t, net, images, p.epoch);
  t.curve.push_back(p);
}

static void diverged(AppState& s, double now_ms, const std::string& why);

static void complete(AppState& s);

static void finish(AppState& s) {
  TrainingSession& t = s.training;
  if (!t.run) return;
  if (t.tested >= 0) {  // a convnet's test set is being measured: that goes on
    t.status = TrainingSession::Status::Running;
    return;
  }
  // Stopped between the trainer's own checks (once an epoch): weights a bundle cannot hold are
  // no model to keep, download or measure.
  if (std::string problem = bundle_weights_problem(t.run->net()); !problem.empty()) {
    char at[64];
    std::snprintf(at, sizeof at, "training diverged by epoch %.2f: ", t.epoch());
    return diverged(s, 0, at + problem + "; try a smaller learning rate");
  }
  publish_weights(s);
  measure_probe(s, /*done=*/true);
  if (is_conv(t) && s.test.size() > 0) {  // measured over the next frames (measure_test)
    t.tested = 0;
    t.test_correct = 0;
    t.status = TrainingSession::Status::Running;
    return;
  }
  complete(s);
}

// The end of a run whose weights are final: Done, its test accuracy, its analysis.
static void complete(AppState& s) {
  TrainingSession& t = s.training;
  t.status = TrainingSession::Status::Done;
  Bundle& b = s.models[std::size_t(t.model)].bundle;
  const DataSet corners = is_xor(t) ? xor_points() : DataSet{};
  const DataSet& test = is_xor(t) ? corners : s.test;
  if (t.tested >= 0 && t.tested == test.size()) t.test_accuracy = float(t.test_correct) / float(t.tested);
  else if (test.size() > 0) t.test_accuracy = evaluate(b.net, test).accuracy;
  if (t.test_accuracy >= 0) b.info.test_accuracy = t.test_accuracy;
  t.tested = -1;
  // The finished model is analysed like any shipped one, on the whole test set.
  if (!is_xor(t)) {
    auto& a = s.analyses[std::size_t(t.model)];
    if (!a) a = std::make_unique<ModelAnalysis>();
    analysis_start(*a, b, s.test.size() ? &s.test : nullptr, 0);
  }
}

// A run that diverged leaves nothing behind: its model leaves the picker (it was there from
// the first step), the model shown before comes back, and the notice says what happened.
static void diverged(AppState& s, double now_ms, const std::string& why) {
  TrainingSession& t = s.training;
  const std::size_t m = std::size_t(t.model);
  t.error = why;
  t.tested = -1;
  t.status = TrainingSession::Status::Diverged;
  t.run.reset();
  t.model = -1;
  s.models.erase(s.models.begin() + std::ptrdiff_t(m));
  if (m < s.analyses.size()) s.analyses.erase(s.analyses.begin() + std::ptrdiff_t(m));
  if (m < s.prior.galleries.size()) s.prior.galleries.erase(s.prior.galleries.begin() + std::ptrdiff_t(m));
  if (s.model_wanted == int(m)) s.model_wanted = -1;
  else if (s.model_wanted > int(m)) --s.model_wanted;
  const int back = model_library_find(s, t.shown_before);
  s.current = -1;
  if (!s.models.empty()) app_select_model(s, back >= 0 ? back : 0, now_ms);
  notice_error(s.notice, "Training stopped: " + t.error + ". The model was not kept.");
}

static void begin(AppState& s, double now_ms) {
  TrainingSession& t = s.training;
  const TrainConfig& c = t.request.config;
  // As lens-train makes them: the same recipe trains the same bytes.
  auto data = recipe_data(t.request.dataset, c, s.train_subset);
  if (!data) {  // train_request_from_recipe refuses such recipes first
    t.status = TrainingSession::Status::Idle;
    notice_error(s.notice, "Training cannot start: " + data.error + ".");
    return;
  }
  t.train = std::move(data->train);
  t.validation = std::move(data->validation);
  const int probe = is_conv(t) ? kConvProbeImages : kProbeImages;
  t.probe = is_xor(t) ? t.validation : dataset_slice(t.validation, 0, std::min(probe, t.validation.size()));
  t.run = std::make_unique<Training>(c, t.train);
  t.curve.clear();
  t.died_at.clear();
  t.firing.clear();
  t.firing_images = 0;
  pace_restart(t);
  t.next_probe_epoch = 0;
  t.compute_ms = 0;
  t.test_accuracy = -1;
  t.tested = -1;
  t.error.clear();
  if (t.model < 0 || s.current != t.model) t.shown_before = s.model() ? s.model()->bundle.info.id : "";
  Bundle b;
  b.info.name = t.request.name.empty() ? default_name(t.request) : t.request.name;
  b.info.dataset = t.request.dataset;
  b.info.seed = c.seed;
  b.info.training = t.request.recipe;
  b.info.training["seed"] = c.seed;
  b.info.notes = "Trained in the page on " + std::string(is_xor(t) ? "the XOR point cloud" : "the first 20,000 MNIST training images") + ".";
  b.net = t.run->net();
  if (t.model < 0) {
    const std::string base = is_xor(t) ? "xor-trained-" : "trained-";
    b.info.id = base + std::to_string(++t.trained_count);
    for (int k = 2; model_library_find(s, b.info.id) >= 0; ++k) b.info.id = base + std::to_string(t.trained_count) + "-" + std::to_string(k);
    s.models.push_back(LoadedModel(std::move(b), "(trained in the page)"));
    s.analyses.resize(s.models.size());
    t.model = int(s.models.size()) - 1;
  } else {
    b.info.id = s.models[std::size_t(t.model)].bundle.info.id;
    s.models[std::size_t(t.model)].bundle = std::move(b);
  }
  s.analyses[std::size_t(t.model)].reset();
  if (s.prior.galleries.size() > std::size_t(t.model)) s.prior.galleries[std::size_t(t.model)].reset();  // new weights, new images
  t.status = TrainingSession::Status::Running;
  const int index = t.model;
  s.current = -1;  // re-select: the ablation and selection are sized for the new network
  app_select_model(s, index, now_ms);
  measure_probe(s);
  t.next_probe_epoch = is_xor(t) ? kXorProbeEvery : kMnistProbeEvery;
  restart_live_analysis(s);
}

void app_train_start(AppState& s, TrainRequest request, double now_ms) {
  TrainingSession& t = s.training;
  if (t.status == TrainingSession::Status::Done) t.model = -1;  // a finished model stays; train a new one
  t.run.reset();
  ++t.runs;
  t.request = std::move(request);
  if (t.request.dataset != "xor" && s.train_subset.size() == 0) {
    t.status = TrainingSession::Status::WaitingForData;
    asset_want(s.assets, AssetKind::TrainDigits);
    app_need_test_set(s);  // the finished model is measured on them
    return;
  }
  begin(s, now_ms);
}

void app_set_train_set(AppState& s, DataSet train, double now_ms) {
  s.train_subset = std::move(train);
  asset_settle(s.assets, AssetKind::TrainDigits);
  if (s.training.status == TrainingSession::Status::WaitingForData) begin(s, now_ms);
}

void app_train_set_failed(AppState& s, const std::string& why) {
  asset_settle(s.assets, AssetKind::TrainDigits);
  if (s.training.status == TrainingSession::Status::WaitingForData) s.training.status = TrainingSession::Status::Idle;
  notice_error(s.notice, "The MNIST training images could not be loaded (" + why + "), so training cannot start.");
}

void app_train_set_pace(AppState& s, int pace) {
  s.training.pace = std::clamp(pace, 0, kTrainMaxPace);
  pace_restart(s.training);
}

Liveness app_card_liveness(const AppState& s, int layer, int unit) {
  const TrainingSession& t = s.training;
  if (t.model >= 0 && t.model == s.current)
    if (const auto live = t.liveness(layer, unit)) return *live;
  const ModelAnalysis* a = s.current >= 0 ? s.analyses[std::size_t(s.current)].get() : nullptr;
  return a && a->has_stats ? a->stats.layers[std::size_t(layer)].liveness(unit) : Liveness::Alive;
}

// Training within max_macs multiply-adds (the first piece always runs when at_least_one),
// never past the next curve point, so the curve has its points however a frame's work is cut;
// then the curve point, the live cards, or the end. Returns the multiply-adds spent.
static long train_pieces(AppState& s, long max_macs, int max_steps, bool at_least_one, double (*now_ms)()) {
  TrainingSession& t = s.training;
  const double to_probe = (t.next_probe_epoch - t.epoch()) * t.run->steps_per_epoch();
  max_steps = std::max(1, std::min(max_steps, int(std::ceil(to_probe - 1e-9))));
  const double t0 = now_ms();
  const long spent = t.run->work(max_macs, max_steps, at_least_one);
  const double dt = now_ms() - t0;
  t.compute_ms += dt;
  if (t.run->diverged()) {
    diverged(s, t0 + dt, t.run->divergence());
    return spent;
  }
  const double probe_every = is_xor(t) ? kXorProbeEvery : kMnistProbeEvery;
  if (t.epoch() + 1e-9 >= t.next_probe_epoch) {
    measure_probe(s);
    t.next_probe_epoch = (std::floor(t.epoch() / probe_every + 1e-9) + 1) * probe_every;
    ModelAnalysis* a = s.analyses[std::size_t(t.model)].get();
    if (!a || a->done()) {  // the cards follow the weights
      publish_weights(s);
      restart_live_analysis(s);
    }
  }
  if (t.run->done()) finish(s);
  return spent;
}

// Test digits of a finished convnet until the frame's share is spent (at least one slice of about
// a frame's multiply-adds); the last slice completes the run.
static void measure_test(AppState& s, double end_ms, double (*now_ms)()) {
  TrainingSession& t = s.training;
  const Mlp& net = s.models[std::size_t(t.model)].bundle.net;
  const std::uint64_t per_image = std::max<std::uint64_t>(1, train_sample_macs(t.request.config));
  const int slice = int(std::clamp<std::uint64_t>(std::uint64_t(kTrainFrameMacs) / per_image, 1, 1000));
  do {
    const int n = std::min(slice, s.test.size() - t.tested);
    const std::vector<int> predicted = head_predict(net.head, mlp_forward(net, s.test.images.middleCols(t.tested, n)));
    for (int i = 0; i < n; ++i) t.test_correct += predicted[std::size_t(i)] == s.test.labels[std::size_t(t.tested + i)];
    t.tested += n;
  } while (t.tested < s.test.size() && now_ms() < end_ms);
  if (t.tested >= s.test.size()) complete(s);
}

// The page shows the weights once per frame, not after every slice of steps.
static void publish_if_training(AppState& s) {
  if (s.training.run && s.training.status != TrainingSession::Status::Done) publish_weights(s);
}

void app_train_work(AppState& s, double budget_ms, double (*now_ms)()) {
  TrainingSession& t = s.training;
  if (!t.running() || !t.run) return;
  t.frame_macs = 0;
  if (t.tested >= 0) return measure_test(s, now_ms() + budget_ms * kTrainShare, now_ms);
  const int allowed = pace_allows(t, now_ms());
  if (allowed == 0) return;
  const long seen = t.run->samples_seen();
  const int batch = t.run->batch();
  // Mini-batches the pace still allows this frame (samples_seen counts finished ones).
  auto steps_left = [&] { return t.run ? allowed - int((t.run->samples_seen() - seen) / batch) : 0; };
  if (is_xor(t)) {
    t.frame_macs = train_pieces(s, kTrainFrameMacs, std::min(kXorStepsPerFrame, allowed), true, now_ms);
  } else {
    // Pieces until the frame's multiply-adds or its time are spent, whichever comes first.
    const double end = now_ms() + budget_ms * kTrainShare;
    long spent = 0;
    do spent = train_pieces(s, kTrainFrameMacs - t.frame_macs, steps_left(), t.frame_macs == 0, now_ms), t.frame_macs += spent;
    while (spent > 0 && t.running() && steps_left() > 0 && now_ms() < end && t.frame_macs < kTrainFrameMacs);
  }
  if (t.run && t.pace > 0) t.pace_credit -= double(t.run->samples_seen() - seen);
  publish_if_training(s);
}

void app_train_pause(AppState& s) {
  if (s.training.running()) s.training.status = TrainingSession::Status::Paused;
}

void app_train_resume(AppState& s) {
  if (s.training.status != TrainingSession::Status::Paused) return;
  s.training.status = TrainingSession::Status::Running;
  pace_restart(s.training);
}

static double wall_clock_zero() { return 0.0; }

void app_train_step_once(AppState& s, double) {
  TrainingSession& t = s.training;
  if (!t.run || t.status == TrainingSession::Status::Done || t.status == TrainingSession::Status::WaitingForData) return;
  t.status = TrainingSession::Status::Paused;
  // One whole mini-batch, however long it takes: the button asks for exactly that.
  while (t.run && !t.run->done() && t.status == TrainingSession::Status::Paused) {
    const long before = t.run->samples_seen();
    train_pieces(s, kTrainFrameMacs, 1, true, &wall_clock_zero);
    if (!t.run || t.run->samples_seen() != before || t.run->done()) break;
  }
  publish_if_training(s);
}

void app_train_stop(AppState& s, double) {
  TrainingSession& t = s.training;
  if (t.run && t.active()) finish(s);
  else if (t.status == TrainingSession::Status::WaitingForData) t.status = TrainingSession::Status::Idle;
}

void app_train_reset(AppState& s, std::uint64_t seed, double now_ms) {
  TrainRequest r = s.training.request;
  r.config.seed = seed;
  r.recipe["seed"] = seed;
  app_train_start(s, std::move(r), now_ms);
}

}  // namespace lens
