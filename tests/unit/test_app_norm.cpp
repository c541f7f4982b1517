// A model's input normalization in the page (app/core/app_norm.h): an ONNX model that records
// none is shown only once its normalization is measured on the test digits, with the best map;
// one the file records or the loader gives is used as it is; a map chosen later changes
// everything computed from the model; a bad choice is refused and changes nothing.
#include <gtest/gtest.h>

#include "app/core/api_args.h"
#include "app/core/app_norm.h"
#include "app/core/app_state.h"
#include "app/core/model_library.h"
#include "core/formats/bundle.h"
#include "core/numerics/infer.h"
#include "core/onnx/onnx_import.h"
#include "app_fixture.h"
#include "test_support.h"

namespace lens {
namespace {

Bytes fixture_bytes(const std::string& file) {
  const auto bytes = file_read(test::onnx_fixtures_dir() + "/" + file);
  EXPECT_TRUE(bytes) << bytes.error;
  return bytes ? *bytes : Bytes{};
}

// The first 1,000 test digits: what the search measures on.
DataSet thousand_digits() { return dataset_slice(test::mnist_test_set(), 0, 1000); }

// A clock that moves 1 ms each time it is read (the analysis' slices are the same everywhere).
double g_norm_ms = 0;
double norm_clock() { return g_norm_ms += 1.0; }

// Drops a model file as the page does (lens_add_bundle): added, then selected.
int drop(AppState& s, const Bytes& bytes, const OnnxImportOptions& options = {}) {
  const auto i = model_library_add(s, bytes, "(dropped)", options);
  EXPECT_TRUE(i) << i.error;
  if (!i) return -1;
  app_select_model(s, *i, 0);
  app_refresh_live(s);
  return *i;
}

// lens.predict's probabilities for the first test digit, through the model's own map.
Eigen::VectorXf predicted(const Mlp& net, const DataSet& test) {
  InferScratch scratch;
  Eigen::VectorXf probs(net.outputs());
  infer_one(net, test.images.col(0).data(), probs.data(), scratch);
  return probs;
}

TEST(AppNorm, AModelThatRecordsNoneIsShownOnlyOnceItsNormalizationIsMeasured) {
  auto s = test::app_with_models("mlp32");
  const int before = s->current;
  const int i = drop(*s, fixture_bytes("mlp-norm-unrecorded.onnx"));
  const LoadedModel& m = s->models[std::size_t(i)];
  EXPECT_EQ(m.norm.origin, NormOrigin::Pending);
  EXPECT_EQ(s->current, before) << "not shown before it is measured";
  EXPECT_EQ(s->model_wanted, i);
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::TestDigits)) << "the test digits are asked for";
  EXPECT_TRUE(test::has(s->notice.text, "Measuring the input normalization of mlp-norm-unrecorded")) << s->notice.text;
  EXPECT_FALSE(app_norm_changeable(*s, i)) << "nothing to change before it is measured";

  app_set_test_set(*s, thousand_digits(), 0);
  EXPECT_EQ(s->current, i) << "shown once measured";
  EXPECT_EQ(s->model_wanted, -1);
  EXPECT_EQ(m.norm.origin, NormOrigin::Measured);
  ASSERT_TRUE(m.norm.search);
  EXPECT_STREQ(m.norm.search->scores[std::size_t(m.norm.search->best)].candidate.id, "mnist");
  EXPECT_FLOAT_EQ(m.bundle.net.norm.mean, 0.1307f);
  EXPECT_FLOAT_EQ(m.bundle.net.norm.std, 0.3081f);
  EXPECT_EQ(app_norm_sentence(*s, i), norm_search_sentence(*m.norm.search));
  EXPECT_TRUE(s->notice.empty()) << "the waiting notice goes: " << s->notice.text;
  // The live input and lens.predict go through the found map.
  app_set_input(*s, s->test.images.col(0), InputSource::TestImage, 0);
  app_refresh_live(*s);
  EXPECT_TRUE(s->live.probs.isApprox(predicted(m.bundle.net, s->test), 1e-6f));
  ASSERT_TRUE(s->analysis());
  EXPECT_EQ(s->analysis()->bundle, &m.bundle);
}

TEST(AppNorm, WithTheTestDigitsHereTheModelIsMeasuredAndShownAtOnce) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, thousand_digits(), 0);
  const int i = drop(*s, fixture_bytes("mlp-tanh-logsoftmax.onnx"));
  EXPECT_EQ(s->current, i);
  EXPECT_EQ(s->models[std::size_t(i)].norm.origin, NormOrigin::Measured);
  EXPECT_TRUE(s->models[std::size_t(i)].bundle.net.norm.identity()) << "trained on raw pixels, it stays on them";
  EXPECT_TRUE(test::has(app_norm_sentence(*s, i), "the best is used: raw pixels score "));
}

// A convnet's search (the PyTorch example: 12 M multiply-adds a digit, three candidates) is not
// done at once, which would freeze the page for seconds: it goes on in app_work's slices, the
// notice says so, and the model is shown with the same map the whole search picks.
TEST(AppNorm, AConvnetIsMeasuredOverFramesThenShown) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, dataset_slice(test::mnist_test_set(), 0, 100), 0);  // 100 digits: 3.6e9 multiply-adds
  const int before = s->current;
  const int i = drop(*s, fixture_bytes("pytorch-mnist-example.onnx"));
  const LoadedModel& m = s->models[std::size_t(i)];
  EXPECT_EQ(s->current, before) << "not shown while it is measured";
  EXPECT_EQ(m.norm.origin, NormOrigin::Pending);
  ASSERT_TRUE(m.norm.measuring);
  EXPECT_LT(m.norm.measuring->progress(), 1.f);
  EXPECT_TRUE(test::has(s->notice.text, "Measuring which input normalization " + m.bundle.info.id + " was trained with, on 100 test digits"))
      << s->notice.text;
  int frames = 0;
  for (; s->current != i && frames < 10000; ++frames) app_work(*s, 5, &norm_clock);
  EXPECT_GT(frames, 3) << "over several frames";
  ASSERT_EQ(s->current, i);
  EXPECT_EQ(m.norm.origin, NormOrigin::Measured);
  EXPECT_FALSE(m.norm.measuring);
  ASSERT_TRUE(m.norm.search);
  const auto imported = onnx_import(fixture_bytes("pytorch-mnist-example.onnx"));
  ASSERT_TRUE(imported) << imported.error;
  const NormSearch whole = norm_search(imported->net, s->test);
  for (std::size_t k = 0; k < whole.scores.size(); ++k) EXPECT_EQ(m.norm.search->scores[k].correct, whole.scores[k].correct);
  EXPECT_EQ(m.norm.search->best, whole.best);
  EXPECT_STREQ(m.norm.search->scores[std::size_t(m.norm.search->best)].candidate.id, "mnist");
  EXPECT_TRUE(s->notice.empty()) << s->notice.text;
}

TEST(AppNorm, AMapTheFileRecordsOrTheLoaderGivesIsUsedAsItIs) {
  auto s = test::app_with_models("mlp32");
  const int recorded = drop(*s, fixture_bytes("mlp-relu-softmax.onnx"));
  EXPECT_EQ(s->current, recorded) << "nothing to measure: shown at once";
  EXPECT_EQ(s->models[std::size_t(recorded)].norm.origin, NormOrigin::Recorded);
  EXPECT_EQ(app_norm_sentence(*s, recorded), "");

  const auto options = check_import_options(R"({"normalize": [0, 1]})");
  ASSERT_TRUE(options) << options.error;
  const int given = drop(*s, fixture_bytes("mlp-norm-unrecorded.onnx"), *options);
  EXPECT_EQ(s->current, given);
  EXPECT_EQ(s->models[std::size_t(given)].norm.origin, NormOrigin::Given);
  EXPECT_TRUE(s->models[std::size_t(given)].bundle.net.norm.identity()) << "raw pixels, as asked";

  const auto lens = file_read(test::assets_dir() + "/models/mlp6.lens");
  ASSERT_TRUE(lens) << lens.error;
  const int bundle = drop(*s, *lens);
  EXPECT_EQ(s->models[std::size_t(bundle)].norm.origin, NormOrigin::Recorded) << "a .lens bundle records its map, the identity too";
  EXPECT_EQ(std::string(norm_origin_name(NormOrigin::Unmeasured)), "none");
}

TEST(AppNorm, WithoutTheTestDigitsTheModelIsShownOnRawPixelsAndTheNoticeSaysWhy) {
  auto s = test::app_with_models("mlp32");
  const int i = drop(*s, fixture_bytes("mlp-norm-unrecorded.onnx"));
  ASSERT_EQ(s->model_wanted, i);
  app_test_set_failed(*s, "HTTP 404", 0);
  EXPECT_EQ(s->current, i);
  EXPECT_EQ(s->models[std::size_t(i)].norm.origin, NormOrigin::Unmeasured);
  EXPECT_TRUE(s->models[std::size_t(i)].bundle.net.norm.identity());
  EXPECT_TRUE(test::has(s->notice.text, "could not be measured: it sees raw pixels")) << s->notice.text;
  EXPECT_TRUE(test::has(app_norm_sentence(*s, i), "could not be loaded")) << app_norm_sentence(*s, i);
}

TEST(AppNorm, ChoosingAnotherMapRecomputesEverythingFromTheModel) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, thousand_digits(), 0);
  const int i = drop(*s, fixture_bytes("mlp-norm-unrecorded.onnx"));
  ASSERT_EQ(s->current, i);
  LoadedModel& m = s->models[std::size_t(i)];
  app_set_input(*s, s->test.images.col(0), InputSource::TestImage, 0);
  app_refresh_live(*s);
  const Eigen::VectorXf mnist_probs = s->live.probs;
  app_set_neuron_off(*s, 0, 3, true);
  for (int frame = 0; frame < 5; ++frame) app_work(*s, 4.0, &norm_clock);
  ASSERT_GT(s->analysis()->progress(), 0.f);
  const int version = m.norm.version, ablation = s->ablation_version;

  const auto r = app_set_normalization(*s, i, 0, 1, 0);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(*r);
  EXPECT_EQ(m.norm.origin, NormOrigin::Chosen);
  EXPECT_TRUE(m.bundle.net.norm.identity());
  EXPECT_GT(m.norm.version, version) << "the shell's images follow the version";
  EXPECT_GT(s->ablation_version, ablation) << "the switched-off neurons are scored again";
  EXPECT_TRUE(app_neuron_off(*s, 0, 3)) << "and stay off";
  ASSERT_TRUE(s->analysis());
  EXPECT_EQ(s->analysis()->progress(), 0.f) << "the analysis starts again";
  app_refresh_live(*s);
  EXPECT_FALSE(s->live.probs.isApprox(mnist_probs, 1e-3f)) << "the live prediction changed";
  EXPECT_TRUE(test::has(app_norm_sentence(*s, i), "Input normalization chosen here: raw pixels; measured on 1,000 test digits, "
                                                  "raw pixels score ")) << app_norm_sentence(*s, i);
  // The download records the chosen map.
  const auto again = bundle_read(bundle_write(m.bundle));
  ASSERT_TRUE(again) << again.error;
  EXPECT_TRUE(again->net.norm.identity());
  // The recorded-against-measured accuracy check is measured with it: raw pixels score lower.
  app_set_neuron_off(*s, 0, 3, false);
  for (int frame = 0; frame < 200000 && !s->analysis()->done(); ++frame) app_work(*s, 50.0, &norm_clock);
  ASSERT_TRUE(s->analysis()->has_facts);
  EXPECT_TRUE(s->analysis()->network.recorded_differs) << s->analysis()->network.accuracy;
  EXPECT_NEAR(s->analysis()->network.accuracy, m.norm.search->accuracy(0), 1e-6) << "raw pixels' score on these 1,000 digits";

  EXPECT_FALSE(*app_set_normalization(*s, i, 0, 1, 0)) << "the same map again changes nothing";
}

TEST(AppNorm, ABadOrForbiddenChoiceIsRefusedWithAReasonAndChangesNothing) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, thousand_digits(), 0);
  const int i = drop(*s, fixture_bytes("mlp-norm-unrecorded.onnx"));
  const LoadedModel& m = s->models[std::size_t(i)];
  const int version = m.norm.version;
  const struct { double mean, std; const char* says; } bad[] = {
      {0.1, 0, "std must be a number from 0.0001 to 10000, got 0"},
      {0.1, -1, "std must be a number from 0.0001 to 10000, got -1"},
      {0.1, 2e4, "std must be a number from 0.0001 to 10000, got 20000"},
      {2e4, 1, "mean must be a number from -10000 to 10000, got 20000"},
      {std::nan(""), 1, "mean must be a number from -10000 to 10000, got NaN"},
      {0, std::numeric_limits<double>::infinity(), "std must be a number from 0.0001 to 10000, got Infinity"}};
  for (const auto& b : bad) {
    const auto r = app_set_normalization(*s, i, b.mean, b.std, 0);
    ASSERT_FALSE(r) << b.says;
    EXPECT_TRUE(test::has(r.error, b.says)) << r.error;
  }
  EXPECT_EQ(m.norm.version, version);
  EXPECT_EQ(m.norm.origin, NormOrigin::Measured);
  EXPECT_FLOAT_EQ(m.bundle.net.norm.std, 0.3081f);

  const int shipped = model_library_find(*s, "mlp32");
  const auto refused = app_set_normalization(*s, shipped, 0.5, 0.5, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error, "mlp32 ships with the page and keeps the normalization it was trained with; only models you load can change theirs");
  EXPECT_TRUE(s->models[std::size_t(shipped)].bundle.net.norm.identity());
  const auto xor_model = app_set_normalization(*s, model_library_find(*s, "xor"), 0.5, 0.5, 0);
  EXPECT_FALSE(xor_model);
}

TEST(AppNorm, RemovingAModelWaitingToBeMeasuredForgetsIt) {
  auto s = test::app_with_models("mlp32");
  const int shown = s->current;
  const int i = drop(*s, fixture_bytes("mlp-norm-unrecorded.onnx"));
  ASSERT_EQ(s->model_wanted, i);
  ASSERT_TRUE(model_library_remove(*s, i, 0));
  app_set_test_set(*s, thousand_digits(), 0);
  EXPECT_EQ(s->current, shown) << "a removed model is never shown";
}

}  // namespace
}  // namespace lens
