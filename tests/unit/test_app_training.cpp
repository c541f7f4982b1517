// Training in the page, driven through the app core as the Train tab and lens.train
// drive it: XOR from a fixed seed, the "kill the neurons" preset, pause, single
// steps, reset with another seed, and recipes the page refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "app/core/app_training.h"
#include "app_fixture.h"
#include "core/constants.h"
#include "core/training/recipe.h"
#include "core/training/train_budget.h"
#include "interpret/liveness.h"

namespace lens {
namespace {

double g_ms = 0;
double clock_ms() { return g_ms += 0.25; }  // a fake clock: the work a budget buys is the same everywhere

// A clock that stands still within a frame; paced_frame() moves it on, as the page's frames do.
double g_frame_clock = 0;
double frame_clock() { return g_frame_clock; }
void paced_frame(AppState& s, double ms) {
  g_frame_clock += ms;
  app_train_work(s, 8.0, &frame_clock);
}

void train_until_done(AppState& s, int max_frames = 200000) {
  for (int i = 0; i < max_frames && s.training.status != TrainingSession::Status::Done; ++i) {
    app_train_work(s, 8.0, &clock_ms);
    app_work(s, 2.0, &clock_ms);
  }
}

// Runs the finished model's analysis to its end: the neuron cards' statistics.
const ModelAnalysis& analysed(AppState& s) {
  ModelAnalysis* a = s.analyses[std::size_t(s.training.model)].get();
  EXPECT_TRUE(a);
  EXPECT_EQ(s.current, s.training.model);
  for (int i = 0; i < 100000 && !a->done(); ++i) app_work(s, 50.0, &clock_ms);
  EXPECT_TRUE(a->done() && a->has_stats);
  return *a;
}

// The Train tab's list of dead neurons (died_at, lens.trainingState().dead) and the neuron
// cards (dead, "~dead") judge each neuron by one rule on the same images: they agree.
int expect_dead_list_agrees_with_cards(AppState& s) {
  const ModelAnalysis& a = analysed(s);
  int dead = 0;
  for (std::size_t l = 0; l < s.training.died_at.size(); ++l)
    for (std::size_t u = 0; u < s.training.died_at[l].size(); ++u) {
      const bool listed = !std::isnan(s.training.died_at[l][u]);
      const Liveness card = a.stats.layers[l].liveness(int(u));
      EXPECT_EQ(listed, card == Liveness::Dead) << "layer " << l << " neuron " << u << ": active on "
                                                << a.stats.layers[l].active_rate(Eigen::Index(u)) << " of the test images";
      dead += listed;
    }
  return dead;
}

TrainRequest request(const nlohmann::json& recipe) {
  auto r = train_request_from_recipe(recipe);
  EXPECT_TRUE(r) << r.error;
  return r ? *r : TrainRequest{};
}

const DataSet& train_subset() {
  static const DataSet d = [] {
    auto all = mnist_load(test::mnist_dir(), "train");
    EXPECT_TRUE(all) << all.error;
    return all ? dataset_slice(*all, 0, kTrainSubsetImages) : DataSet{};
  }();
  return d;
}

TEST(AppTraining, XorFromTheLessonSeedSolvesAllFourCorners) {
  auto s = test::app_with_models("xor");
  const std::size_t models = s->models.size();
  app_train_start(*s, request(train_preset_xor()), 0);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Running);
  EXPECT_EQ(s->models.size(), models + 1) << "the model in training is a picker entry";
  EXPECT_EQ(s->model()->bundle.info.id, "xor-trained-1");
  train_until_done(*s);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Done);
  EXPECT_EQ(s->training.test_accuracy, 1.f) << "4 of 4 corners";
  EXPECT_EQ(s->training.run->epoch(), 100);
  EXPECT_GE(s->training.curve.size(), 100u);
  EXPECT_TRUE(std::isnan(s->training.curve.front().loss)) << "no training loss before the first step";
  EXPECT_LT(s->training.curve.back().loss, s->training.curve[1].loss);
  EXPECT_EQ(s->model()->bundle.info.test_accuracy, 1.0);
  EXPECT_EQ(s->model()->bundle.info.training["seed"], 2);
  // The bundle it downloads is the one lens-train would write: it reads back the same.
  const auto back = bundle_read(bundle_write(s->model()->bundle));
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back->net.layers[0].W, s->model()->bundle.net.layers[0].W);
}

// XOR's lesson: seed 1 of the lesson recipe gets stuck with one corner wrong (a bad local
// minimum, easy to meet), and starting again from the next seed recovers.
TEST(AppTraining, AStuckXorSeedRecoversWithANewSeed) {
  auto s = test::app_with_models("xor");
  nlohmann::json r = train_preset_xor();
  r["seed"] = 1u;
  app_train_start(*s, request(r), 0);
  train_until_done(*s);
  EXPECT_EQ(s->training.test_accuracy, 0.75f) << "3 of 4 corners: stuck";
  app_train_reset(*s, 2, 0);
  train_until_done(*s);
  EXPECT_EQ(s->training.test_accuracy, 1.f) << "4 of 4 after a new seed";
}

TEST(AppTraining, PauseStepAndResetWithANewSeed) {
  auto s = test::app_with_models("xor");
  app_train_start(*s, request(train_preset_xor()), 0);
  app_train_work(*s, 4.0, &clock_ms);
  app_train_pause(*s);
  const long seen = s->training.run->samples_seen();
  app_train_work(*s, 4.0, &clock_ms);
  EXPECT_EQ(s->training.run->samples_seen(), seen) << "paused: nothing trains";
  app_train_step_once(*s, 0);
  EXPECT_EQ(s->training.run->samples_seen(), seen + 16) << "one mini-batch of 16";
  EXPECT_EQ(s->training.status, TrainingSession::Status::Paused);
  const Eigen::MatrixXf before = s->model()->bundle.net.layers[0].W;
  const int model = s->training.model;
  app_train_reset(*s, 77, 0);
  EXPECT_EQ(s->training.model, model) << "an unfinished run's entry is reused";
  EXPECT_EQ(s->training.run->samples_seen(), 0);
  EXPECT_NE(s->model()->bundle.net.layers[0].W, before);
  EXPECT_EQ(s->model()->bundle.info.seed, 77u);
  app_train_resume(*s);
  EXPECT_EQ(s->training.status, TrainingSession::Status::Running);
  app_train_stop(*s, 0);
  EXPECT_EQ(s->training.status, TrainingSession::Status::Done);
  EXPECT_GE(s->training.test_accuracy, 0.f);
}

// "Kill the neurons": the preset's six neurons start alive, and at least four die while it trains,
// one after another, over more than a fifth of an epoch (deterministic from its seed). The
// list of dead neurons and the cards agree all along.
TEST(AppTraining, MnistWaitsForItsTrainingImagesThenTheKillPresetsNeuronsDieInTurn) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, dataset_slice(test::mnist_test_set(), 0, 2000), 0);
  app_train_start(*s, request(train_preset_kill()), 0);
  EXPECT_EQ(s->training.status, TrainingSession::Status::WaitingForData);
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::TrainDigits));
  app_set_train_set(*s, train_subset(), 0);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Running);
  EXPECT_EQ(s->training.train.size(), kTrainSubsetImages - 2000);
  EXPECT_EQ(s->training.validation.size(), 2000);
  ASSERT_EQ(s->training.died_at.size(), 1u);
  for (int u = 0; u < 6; ++u) {
    EXPECT_TRUE(std::isnan(s->training.died_at[0][std::size_t(u)])) << "neuron " << u << " is dead before the first step";
    EXPECT_TRUE(s->training.liveness(0, u) != Liveness::Dead) << "neuron " << u;
  }
  int disagreements = 0;
  for (int i = 0; i < 200000 && s->training.status != TrainingSession::Status::Done; ++i) {
    app_train_work(*s, 8.0, &clock_ms);
    app_work(*s, 2.0, &clock_ms);
    for (int u = 0; u < 6; ++u)  // what the list says and what the card shows, frame by frame
      disagreements += !std::isnan(s->training.died_at[0][std::size_t(u)]) != (app_card_liveness(*s, 0, u) == Liveness::Dead);
  }
  ASSERT_EQ(s->training.status, TrainingSession::Status::Done);
  EXPECT_EQ(disagreements, 0) << "the list of dead neurons and the cards disagreed";
  int dead = 0;
  double first = INFINITY, last = -INFINITY;
  std::string when;
  std::vector<double> times;
  for (double at : s->training.died_at[0]) {
    when += " " + (std::isnan(at) ? std::string("alive") : std::to_string(at).substr(0, 4));
    if (std::isnan(at)) continue;
    ++dead, first = std::min(first, at), last = std::max(last, at);
    if (std::find(times.begin(), times.end(), at) == times.end()) times.push_back(at);
  }
  std::printf("kill preset: %d of 6 neurons dead, died at epochs%s; test accuracy %.2f%%\n", dead, when.c_str(),
              100.0 * s->training.test_accuracy);
  EXPECT_GE(dead, 4) << "of 6";
  EXPECT_GT(first, 0.0) << "none dead at the start";
  EXPECT_LE(last, 2.0);
  EXPECT_GE(last - first, 0.2) << "deaths spread over a fifth of an epoch at least";
  EXPECT_GE(times.size(), 3u) << "at different times";
  EXPECT_EQ(expect_dead_list_agrees_with_cards(*s), dead);
}

// The healthy preset leaves a few neurons nearly dead, firing on a handful of images: the list
// must not call one dead that its card calls "~dead" (it once did, measuring other images).
TEST(AppTraining, HealthyRunsDeadListAgreesWithTheCards) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, dataset_slice(test::mnist_test_set(), 0, 2000), 0);
  app_set_train_set(*s, train_subset(), 0);
  app_train_start(*s, request(train_preset_healthy()), 0);
  train_until_done(*s);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Done);
  const int dead = expect_dead_list_agrees_with_cards(*s);
  std::printf("healthy preset: %d of 32 neurons dead, %zu nearly dead\n", dead,
              s->analyses[std::size_t(s->training.model)]->stats.layers[0].nearly_dead.size());
}

// The speed control: at a pace, the samples trained follow the clock (a frame trains only the
// mini-batches the time since the last frame pays for), a long gap saves up no burst, and full
// speed trains as much as the frame budget allows. The multiply-adds bound holds at every pace.
TEST(AppTraining, APaceBoundsTheSamplesTrainedByTheClock) {
  auto s = test::app_with_models("mlp32");
  app_set_train_set(*s, train_subset(), 0);
  app_train_set_pace(*s, kTrainLessonPace);
  app_train_start(*s, request(train_preset_kill()), 0);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Running);
  const long batch = s->training.run->batch();
  for (int f = 0; f < 600; ++f) paced_frame(*s, 1000.0 / 60);  // ten seconds at 60 frames a second
  const long ten_seconds = s->training.run->samples_seen();
  EXPECT_LE(ten_seconds, 10 * kTrainLessonPace + batch);
  EXPECT_GE(ten_seconds, 10 * kTrainLessonPace - 2 * batch) << "the pace keeps up with the clock";
  paced_frame(*s, 60000);  // a minute away (a hidden tab): no burst
  EXPECT_LE(s->training.run->samples_seen() - ten_seconds, 2 * batch + kTrainLessonPace / 4);
  app_train_set_pace(*s, 0);
  const long before = s->training.run->samples_seen();
  paced_frame(*s, 1000.0 / 60);
  EXPECT_GT(s->training.run->samples_seen() - before, 10 * batch) << "full speed: as much as the frame budget allows";
  EXPECT_LE(s->training.frame_macs, kTrainFrameMacs);
}

// lens.trainSpeed's argument: "lesson", "full" or samples a second within the limits.
TEST(AppTraining, TrainSpeedTakesLessonFullOrSamplesASecond) {
  EXPECT_EQ(*train_pace_from_json("lesson"), kTrainLessonPace);
  EXPECT_EQ(*train_pace_from_json("full"), 0);
  EXPECT_EQ(*train_pace_from_json(1200), 1200);
  for (const nlohmann::json& bad : {nlohmann::json(5), nlohmann::json(2e6), nlohmann::json("fast"), nlohmann::json(nullptr)}) {
    const auto r = train_pace_from_json(bad);
    ASSERT_FALSE(r) << bad.dump();
    EXPECT_NE(r.error.find("from 10 to 1,000,000 (got " + bad.dump() + ")"), std::string::npos) << r.error;
  }
  EXPECT_EQ(train_preset_pace("kill"), kTrainLessonPace);
  EXPECT_EQ(train_preset_pace("healthy"), 0);
}

// The page trains on the data lens-train makes from the same recipe (its "mnist-subset": the
// first 20,000 training images), so the same recipe gives the same bundle in both.
TEST(AppTraining, TrainsOnTheDataLensTrainMakesFromTheRecipe) {
  auto all = mnist_load(test::mnist_dir(), "train");
  ASSERT_TRUE(all) << all.error;
  auto s = test::app_with_models("mlp32");
  app_set_train_set(*s, train_subset(), 0);
  app_train_start(*s, request(train_preset_healthy()), 0);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Running);
  const auto cli = recipe_data("mnist-subset", s->training.request.config, *all);
  ASSERT_TRUE(cli) << cli.error;
  EXPECT_EQ(s->training.train.images, cli->train.images);
  EXPECT_EQ(s->training.train.labels, cli->train.labels);
  EXPECT_EQ(s->training.validation.images, cli->validation.images);
  EXPECT_EQ(s->training.validation.labels, cli->validation.labels);
  const auto xor_data = recipe_data("xor", train_config_of(train_preset_xor()), DataSet{});
  ASSERT_TRUE(xor_data) << xor_data.error;
  app_train_start(*s, request(train_preset_xor()), 0);
  EXPECT_EQ(s->training.train.images, xor_data->train.images);
  EXPECT_EQ(s->training.validation.images, xor_data->validation.images);
  EXPECT_FALSE(recipe_data("fashion", s->training.request.config, *all));
}

// A run that diverges leaves nothing behind: its model leaves the picker (it joined it at the
// first step), the model shown before is shown again, and the page says what happened. Nothing
// that could print "nan" stays on show, and there is nothing to download.
TEST(AppTraining, ADivergedRunAddsNoModel) {
  auto s = test::app_with_models("xor");
  const std::size_t models = s->models.size();
  const std::string shown = s->model()->bundle.info.id;
  nlohmann::json r = train_preset_xor();
  r["optimizer"] = "sgd";
  r["lr"] = 100;
  r["l2"] = 10;
  app_train_start(*s, request(r), 0);
  ASSERT_EQ(s->models.size(), models + 1);
  for (int i = 0; i < 10000 && s->training.running(); ++i) app_train_work(*s, 8.0, &clock_ms);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Diverged);
  EXPECT_STREQ(training_status_name(s->training.status), "diverged");
  EXPECT_EQ(s->models.size(), models) << "the diverged model left the picker";
  EXPECT_EQ(s->analyses.size(), models);
  EXPECT_EQ(s->model()->bundle.info.id, shown);
  EXPECT_EQ(s->training.model, -1);
  EXPECT_FALSE(s->training.run);
  EXPECT_EQ(s->training.error.rfind("training diverged at epoch 1, step ", 0), 0u) << s->training.error;
  EXPECT_NE(s->notice.text.find(s->training.error), std::string::npos) << s->notice.text;
  for (const LoadedModel& m : s->models) EXPECT_EQ(bundle_weights_problem(m.bundle.net), "") << m.bundle.info.id;
  // Training again works as before.
  app_train_start(*s, request(train_preset_xor()), 0);
  train_until_done(*s);
  EXPECT_EQ(s->training.status, TrainingSession::Status::Done);
  EXPECT_EQ(s->models.size(), models + 1);
}

// lens.train with [784, 256, 256, 10] at the page's largest batch once blocked the main thread
// for seconds a step: now a frame runs at most kTrainFrameMacs multiply-adds of it, and the
// step goes on over the next frames.
TEST(AppTraining, AFrameDoesBoundedWorkWhateverTheBatch) {
  auto s = test::app_with_models("mlp32");
  app_set_train_set(*s, train_subset(), 0);
  nlohmann::json r = train_preset_healthy();
  r["layers"] = {784, 256, 256, 10};
  r["batch"] = 65536;
  r["epochs"] = 1;
  app_train_start(*s, request(r), 0);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Running);
  EXPECT_EQ(s->training.run->batch(), kTrainSubsetImages - 2000) << "the batch is the whole training split";
  for (int frame = 0; frame < 4; ++frame) {
    app_train_work(*s, 1e9, &clock_ms);  // a generous time budget: the multiply-adds bound it
    EXPECT_GT(s->training.frame_macs, 0) << "frame " << frame;
    EXPECT_LE(s->training.frame_macs, kTrainFrameMacs) << "frame " << frame;
  }
  EXPECT_EQ(s->training.run->samples_seen(), 0) << "one step is about 14 G multiply-adds: it goes on over many frames";
  EXPECT_LE(s->training.run->macs(), 4 * kTrainFrameMacs);
}

TEST(AppTraining, RecipesOutsideThePagesLimitsAreRefused) {
  auto bad = [](nlohmann::json r, const std::string& why) {
    const auto t = train_request_from_recipe(r);
    EXPECT_FALSE(t);
    EXPECT_NE(t.error.find(why), std::string::npos) << t.error;
  };
  nlohmann::json r = train_preset_healthy();
  r["layers"] = {784, 300, 10};
  bad(r, "2 to 256 neurons");
  r["layers"] = {784, 8, 8, 8, 10};
  bad(r, "1 or 2 hidden layers");
  // a convnet's first dense size is its flattened maps: the MLP's 784-...-10 rule is not its
  r = train_preset_convnet();
  r["conv"].push_back({{"channels", 8}, {"kernel", 3}, {"pad", 1}});
  bad(r, "at most 2 \"conv\" layers (this one has 3); lens-train takes more");
  r = train_preset_convnet();
  r["conv"][1]["channels"] = 64;
  bad(r, "\"conv\" layer 2 has 64 channels; the page trains at most 32 a layer");
  r = train_preset_convnet();
  r["conv"][0]["kernel"] = 9;
  bad(r, "\"conv\" layer 1 has a 9 x 9 kernel; the page trains kernels up to 7 x 7");
  r = train_preset_convnet();
  r["batch"] = 256;  // 3 x 256 x 322,560
  bad(r, "one step of this convnet at batch 256 is 247,726,080 multiply-adds; the page runs a convnet's step within one frame and "
         "takes at most 134,217,728: lower \"batch\"");
  r = train_preset_convnet();
  r["layers"] = {"auto", 8, 8, 8, 10};
  bad(r, "after its \"conv\" layers the page trains 0 to 2 hidden dense layers and 10 outputs");
  r["layers"] = {"auto", 300, 10};
  bad(r, "2 to 256 neurons");
  r = train_preset_healthy();
  r["epochs"] = 500;
  bad(r, "\"epochs\" must be an integer from 1 to 50 in the page (got");
  r["epochs"] = 2;
  r["lr"] = "fast";
  bad(r, "\"lr\"");
  r = train_preset_healthy();
  r["dataset"] = "cifar";
  bad(r, "unknown dataset");
  r = train_preset_healthy();
  r["colour"] = 1;
  bad(r, "unknown key \"colour\"");
  r = train_preset_xor();
  r["layers"] = {2, 9, 1};
  bad(r, "H from 2 to 4");
  // cnn's own recipe (tools/recipes/cnn.json's layers) is accepted, with or without a dense hidden layer.
  r = train_preset_convnet();
  r["dataset"] = "mnist";
  r["epochs"] = 6;
  r["validation"] = 5000;
  auto cnn = train_request_from_recipe(r);
  ASSERT_TRUE(cnn) << cnn.error;
  EXPECT_EQ(cnn->config.conv.size(), 2u);
  EXPECT_EQ(cnn->config.sizes, (std::vector<int>{256, 10})) << "\"auto\": 16 maps of 4 x 4";
  EXPECT_EQ(cnn->recipe["dataset"], "mnist-subset");
  EXPECT_EQ(3 * 64 * train_sample_macs(cnn->config), 61931520u) << "the figure kTrainMaxConvStepMacs's comment gives";
  r["layers"] = {"auto", 64, 10};
  EXPECT_TRUE(train_request_from_recipe(r));
  // lens-train's own recipe for the shipped mlp32 is accepted, and trained on the subset.
  const auto t = train_request_from_recipe({{"dataset", "mnist"}, {"layers", {784, 32, 10}}, {"epochs", 3}});
  ASSERT_TRUE(t) << t.error;
  EXPECT_EQ(t->recipe["dataset"], "mnist-subset");
}

// A convnet trains in the page: a frame runs one whole step (its work bounded by the page's limit),
// the finished model's test digits are measured over the next frames, not in one, and the model
// is the one lens-train's Training makes from the same recipe and data, bit for bit.
TEST(AppTraining, AConvnetTrainsAStepAFrameAndIsMeasuredOverFrames) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, dataset_slice(test::mnist_test_set(), 0, 2000), 0);
  app_set_train_set(*s, dataset_slice(train_subset(), 0, 4000), 0);  // 2,000 to train on: 32 steps
  nlohmann::json r = train_preset_convnet();
  r["epochs"] = 1;
  r["batch"] = 64;  // a step over kTrainFrameMacs still runs whole
  app_train_start(*s, request(r), 0);
  ASSERT_EQ(s->training.status, TrainingSession::Status::Running);
  EXPECT_EQ(s->models[std::size_t(s->training.model)].bundle.info.name, "Trained conv 8-16, 256-10 (seed 5)");
  const long step = long(3 * 64 * train_sample_macs(s->training.request.config));
  int frames = 0, measuring = 0;
  for (; frames < 10000 && s->training.status != TrainingSession::Status::Done; ++frames) {
    const long before = s->training.run->samples_seen();
    app_train_work(*s, 2.0, &clock_ms);  // a short frame: a step still runs whole
    app_work(*s, 2.0, &clock_ms);
    if (s->training.tested >= 0) ++measuring;
    else if (s->training.status == TrainingSession::Status::Running) {
      EXPECT_EQ(s->training.run->samples_seen() - before, 64) << "frame " << frames << ": one step";
      EXPECT_EQ(s->training.frame_macs, step) << "frame " << frames;
      EXPECT_LE(step, kTrainMaxConvStepMacs);
    }
  }
  ASSERT_EQ(s->training.status, TrainingSession::Status::Done);
  EXPECT_EQ(s->training.run->samples_seen(), 31 * 64) << "2,000 images make 31 whole batches of 64";
  EXPECT_GE(measuring, 2) << "the 2,000 test digits took more than one frame (104 a slice)";
  EXPECT_EQ(s->training.tested, -1);
  const Bundle& b = s->models[std::size_t(s->training.model)].bundle;
  EXPECT_TRUE(b.net.has_conv());
  EXPECT_FLOAT_EQ(s->training.test_accuracy, evaluate(b.net, s->test).accuracy);
  EXPECT_FLOAT_EQ(b.info.test_accuracy, s->training.test_accuracy);
  std::printf("convnet, 31 steps of batch 64: test accuracy %.2f%% on 2,000 digits\n", 100.0 * s->training.test_accuracy);
  EXPECT_GT(s->training.test_accuracy, 0.25f) << "chance is 10%; 31 steps are not an epoch of the subset";
  EXPECT_TRUE(s->training.died_at.empty()) << "a convnet's channels are judged by their cards";
  EXPECT_TRUE(analysed(*s).has_stats);
  // The same bits as lens-train's Training over the same data.
  Training cli(s->training.request.config, s->training.train);
  while (!cli.done()) cli.step(1000);
  ASSERT_EQ(cli.net().layers.size(), b.net.layers.size());
  for (std::size_t l = 0; l < b.net.layers.size(); ++l) {
    EXPECT_EQ(cli.net().layers[l].W, b.net.layers[l].W) << "layer " << l;
    EXPECT_EQ(cli.net().layers[l].b, b.net.layers[l].b) << "layer " << l;
  }
}

}  // namespace
}  // namespace lens
