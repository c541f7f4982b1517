// The app core's models: the library, switching models while their analyses run in
// per-frame slices, the test set arriving late, the ablation reset on a switch, and
// bundles added from outside.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "app/core/app_state.h"
#include "app/core/api_args.h"
#include "app/core/model_library.h"
#include "core/formats/bundle.h"
#include "core/onnx/onnx_import.h"
#include "app_fixture.h"
#include "test_support.h"

namespace lens {
namespace {

// The first 1000 MNIST test digits: enough for every phase of an analysis, quick in wasm.
DataSet digits() {
  const DataSet& all = test::mnist_test_set();
  return dataset_slice(all, 0, std::min(all.size(), 1000));
}

// A clock that moves 1 ms each time it is read, so the slices a budget buys are the
// same on every machine.
double g_fake_ms = 0;
double fake_clock() { return g_fake_ms += 1.0; }

void work_until_done(AppState& s, int max_frames = 100000) {
  for (int i = 0; i < max_frames && !s.analysis()->done(); ++i) app_work(s, 4.0, &fake_clock);
}

// Switching models mid-analysis: each model keeps its own analysis, a switch back
// finds it where it was, and it finishes with exactly what one uninterrupted run gives.
TEST(AppModels, SwitchingMidAnalysisKeepsEachModelsAnalysis) {
  auto s = test::app_with_models("mlp6-dead");
  app_set_test_set(*s, digits(), 0);
  const int A = s->current, B = model_library_find(*s, "mlp6");
  ModelAnalysis* a = s->analysis();
  ASSERT_TRUE(a);
  for (int frame = 0; frame < 3; ++frame) app_work(*s, 4.0, &fake_clock);
  const float a_progress = a->progress();
  ASSERT_GT(a_progress, 0.f);
  ASSERT_FALSE(a->done());

  app_select_model(*s, B, g_fake_ms);
  ModelAnalysis* b = s->analysis();
  ASSERT_TRUE(b);
  EXPECT_NE(a, b);
  EXPECT_EQ(b->bundle, &s->models[std::size_t(B)].bundle);
  for (int frame = 0; frame < 3; ++frame) app_work(*s, 4.0, &fake_clock);
  EXPECT_GT(b->progress(), 0.f);
  EXPECT_EQ(a->progress(), a_progress) << "only the shown model's analysis runs";

  // A model added meanwhile (a dropped bundle) moves nothing the analyses point at.
  const auto bytes = file_read(test::assets_dir() + "/models/mlp32.lens");
  ASSERT_TRUE(bytes) << bytes.error;
  ASSERT_TRUE(model_library_add(*s, *bytes, "(dropped)"));

  app_select_model(*s, A, g_fake_ms);
  EXPECT_EQ(s->analysis(), a) << "the same analysis, not started again";
  EXPECT_EQ(a->progress(), a_progress);
  EXPECT_EQ(a->bundle, &s->models[std::size_t(A)].bundle);
  EXPECT_EQ(a->test, &s->test);
  work_until_done(*s);
  ASSERT_TRUE(a->done());
  EXPECT_FALSE(b->done());
  EXPECT_EQ(b->bundle, &s->models[std::size_t(B)].bundle);

  ModelAnalysis whole;
  analysis_start(whole, s->models[std::size_t(A)].bundle, &s->test, 0);
  analysis_run(whole);
  ASSERT_TRUE(a->has_stats && a->has_facts);
  EXPECT_EQ(a->stats.layers[0].dead, whole.stats.layers[0].dead);
  EXPECT_EQ(a->base_score.accuracy, whole.base_score.accuracy);
  ASSERT_EQ(a->actmax.size(), whole.actmax.size());
  for (std::size_t l = 0; l < a->actmax.size(); ++l) EXPECT_EQ(a->actmax[l], whole.actmax[l]) << "layer " << l;
  EXPECT_EQ(a->importance[0], whole.importance[0]);
  ASSERT_TRUE(a->neuron(0, 1));
  EXPECT_EQ(a->neuron(0, 1)->status, whole.neuron(0, 1)->status);

  app_select_model(*s, B, g_fake_ms);  // B goes on from where it stopped
  work_until_done(*s);
  EXPECT_TRUE(b->done());
}

// While the test set is still loading, no analysis work is done; when it arrives,
// the analyses start again on it and the view (selection, ablation) is kept.
TEST(AppModels, TestSetArrivingStartsTheAnalysesOnIt) {
  auto s = test::app_with_models("mlp6");
  ASSERT_TRUE(asset_awaited(s->assets, AssetKind::TestDigits)) << "a model measured on the test digits asks for them";
  ASSERT_TRUE(app_analysis_waiting(*s));
  app_work(*s, 4.0, &fake_clock);
  EXPECT_EQ(s->analysis()->progress(), 0.f);
  EXPECT_EQ(s->analysis()->test, nullptr);
  s->sel_unit = 2;
  app_set_neuron_off(*s, 0, 4, true);
  app_set_test_set(*s, digits(), g_fake_ms);
  EXPECT_FALSE(asset_awaited(s->assets, AssetKind::TestDigits));
  ASSERT_TRUE(s->analysis());
  EXPECT_EQ(s->analysis()->test, &s->test);
  EXPECT_EQ(s->test.size(), 1000);
  EXPECT_EQ(s->sel_unit, 2);
  EXPECT_TRUE(app_neuron_off(*s, 0, 4));
  app_work(*s, 4.0, &fake_clock);
  EXPECT_GT(s->analysis()->progress(), 0.f);
}

// A failed download says so once, in the notice, and lets the page go on without statistics.
TEST(AppModels, TestSetFailureIsReportedInTheNotice) {
  auto s = test::app_with_models("mlp6");
  app_test_set_failed(*s, "HTTP 404", 0);
  EXPECT_FALSE(app_test_set_loading(*s));
  EXPECT_EQ(s->test_error, "HTTP 404");
  EXPECT_NE(s->notice.text.find("could not be loaded (HTTP 404)"), std::string::npos) << s->notice.text;
}

// Switching model clears the ablation and sizes it for the new model's hidden layers;
// the cached ablation score is no longer taken for current.
TEST(AppModels, SwitchingModelResetsTheAblationForTheNewModel) {
  auto s = test::app_with_models("mlp32");
  app_set_neuron_off(*s, 0, 3, true);
  app_set_neuron_off(*s, 0, 31, true);
  ASSERT_TRUE(s->ablation.any());
  s->scored_version = s->ablation_version;  // as if the inspector had scored it
  app_refresh_live(*s);
  EXPECT_TRUE(s->live.ablated);

  app_select_model(*s, model_library_find(*s, "mlp2x64"), 0);
  EXPECT_FALSE(s->ablation.any());
  ASSERT_EQ(s->ablation.clamp.size(), 2u);
  EXPECT_EQ(s->ablation.clamp[0].size(), 64);
  EXPECT_EQ(s->ablation.clamp[1].size(), 64);
  EXPECT_NE(s->scored_version, s->ablation_version);
  app_refresh_live(*s);
  EXPECT_FALSE(s->live.ablated);
  app_set_neuron_off(*s, 1, 63, true);  // the new model's last hidden neuron
  EXPECT_TRUE(app_neuron_off(*s, 1, 63));

  app_select_model(*s, model_library_find(*s, "mlp32"), 0);
  ASSERT_EQ(s->ablation.clamp.size(), 1u);
  EXPECT_EQ(s->ablation.clamp[0].size(), 32);
  EXPECT_FALSE(s->ablation.any()) << "coming back does not bring the old ablation back";
  app_set_neuron_off(*s, 0, 32, true);  // out of range: ignored
  app_set_neuron_off(*s, 1, 0, true);
  EXPECT_FALSE(s->ablation.any());
}

// Switching model clears the selection, which named a neuron of the old model;
// selecting the model already shown changes nothing.
TEST(AppModels, SwitchingModelClearsTheSelection) {
  auto s = test::app_with_models("mlp32");
  s->sel_layer = 0;
  s->sel_unit = 30;
  s->explain_class = 4;
  app_select_model(*s, s->current, 0);
  EXPECT_EQ(s->sel_unit, 30);
  app_select_model(*s, model_library_find(*s, "mlp6"), 0);
  EXPECT_EQ(s->sel_layer, 0);
  EXPECT_EQ(s->sel_unit, -1);
  EXPECT_EQ(s->explain_class, -1);
  app_select_model(*s, 99, 0);  // no such model: nothing happens
  EXPECT_EQ(s->model()->bundle.info.id, "mlp6");
}

// A bundle added from outside gets an id of its own when it clashes, so links and the
// picker stay unambiguous.
TEST(AppModels, AddedBundleGetsAUniqueId) {
  auto s = test::app_with_models("mlp32");
  const auto bytes = file_read(test::assets_dir() + "/models/mlp6.lens");
  ASSERT_TRUE(bytes) << bytes.error;
  const std::size_t before = s->models.size();
  const auto first = model_library_add(*s, *bytes, "(dropped)");
  ASSERT_TRUE(first) << first.error;
  EXPECT_EQ(*first, int(before));
  EXPECT_EQ(s->models[std::size_t(*first)].bundle.info.id, "mlp6-2");
  auto other = bundle_read(*bytes);  // the same id in another file
  ASSERT_TRUE(other) << other.error;
  other->info.notes = "another copy";
  const auto second = model_library_add(*s, bundle_write(*other), "(dropped)");
  ASSERT_TRUE(second) << second.error;
  EXPECT_EQ(s->models[std::size_t(*second)].bundle.info.id, "mlp6-3");
  EXPECT_EQ(model_library_find(*s, "mlp6-3"), *second);
  EXPECT_EQ(s->model()->bundle.info.id, "mlp32") << "adding does not select";
}

// A convnet, as ONNX or as a version 4 bundle, is added (not refused by a memory estimate made
// for dense layers); one with a convolution after a dense layer is refused by what it is, and
// nothing changes.
TEST(AppModels, AConvnetIsAddedAndAConvolutionAfterADenseLayerRefused) {
  auto s = test::app_with_models("mlp32");
  const auto onnx = file_read(test::onnx_fixtures_dir() + "/pytorch-mnist-example.onnx", kOnnxMaxBytes);
  ASSERT_TRUE(onnx) << onnx.error;
  const std::size_t count = s->models.size();
  const auto added = model_library_add(*s, *onnx, "(dropped)");
  ASSERT_TRUE(added) << added.error;
  EXPECT_EQ(s->models.size(), count + 1);
  EXPECT_TRUE(s->models[std::size_t(*added)].bundle.net.has_conv());
  auto b = onnx_import(*onnx);
  ASSERT_TRUE(b) << b.error;
  Layer conv = b->net.layers[0];
  conv.in = {1, 8, 16};  // reads the 128 outputs of the first dense layer as a map
  b->net.layers.insert(b->net.layers.end() - 1, conv);
  b->net.layers.back() = mlp_make({b->net.layers[b->net.layers.size() - 2].outputs(), 10}, Activation::Identity).layers[0];
  const auto refused = model_library_add(*s, bundle_write(*b), "(dropped)");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(test::has(refused.error, "a convolution after a dense layer")) << refused.error;
  EXPECT_EQ(s->models.size(), count + 1);
  EXPECT_EQ(s->model()->bundle.info.id, "mlp32");
}

// The same file added again is not held twice: the model already there answers. With other
// options it is another model.
TEST(AppModels, SameFileAddedAgainIsNotCopied) {
  auto s = test::app_with_models("mlp32");
  const auto bytes = file_read(test::assets_dir() + "/models/mlp6.lens");
  ASSERT_TRUE(bytes) << bytes.error;
  const auto first = model_library_add(*s, *bytes, "(dropped)");
  ASSERT_TRUE(first) << first.error;
  const std::size_t held = model_library_footprint(*s), count = s->models.size();
  const auto again = model_library_add(*s, *bytes, "(dropped)");
  ASSERT_TRUE(again) << again.error;
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(s->models.size(), count);
  EXPECT_EQ(model_library_footprint(*s), held);
  auto renamed = bundle_read(*bytes);  // as long, with its own checksum: every .lens file's CRC-32 over all its bytes is the same
  ASSERT_TRUE(renamed) << renamed.error;
  renamed->info.id = "mlp7";
  const Bytes other = bundle_write(*renamed);
  ASSERT_EQ(other.size(), bytes->size());
  const auto third = model_library_add(*s, other, "(dropped)");
  ASSERT_TRUE(third) << third.error;
  EXPECT_NE(*third, *first) << "another file, another model";

  const auto onnx = file_read(test::onnx_fixtures_dir() + "/mlp-norm-unrecorded.onnx");
  ASSERT_TRUE(onnx) << onnx.error;
  OnnxImportOptions named;
  named.name = "Lab MLP";
  const auto a = model_library_add(*s, *onnx, "(dropped)", named), b = model_library_add(*s, *onnx, "(dropped)", named);
  named.name = "Lab MLP, again";
  const auto c = model_library_add(*s, *onnx, "(dropped)", named);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c) << "other options, another model";
}

// A .lens file of the header alone: enough for everything checked before the weights are read.
Bytes header_only_bundle(const std::vector<int>& sizes) {
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t l = 1; l < sizes.size(); ++l)
    layers.push_back({{"inputs", sizes[l - 1]}, {"outputs", sizes[l]}, {"activation", l + 1 < sizes.size() ? "relu" : "identity"}});
  const std::string h = nlohmann::json{{"version", 1}, {"id", "huge"}, {"name", "huge"}, {"layers", layers}}.dump();
  Bytes out = {0x89, 'L', 'E', 'N', 'S', 0x0D, 0x0A, 0x1A, 1, 0, 0, 0};
  for (int k = 0; k < 4; ++k) out.push_back(std::uint8_t(h.size() >> (8 * k)));
  out.insert(out.end(), h.begin(), h.end());
  out.insert(out.end(), 4, 0);  // where the weights and checksum would follow
  return out;
}

// A model the page cannot hold is refused by what its header declares, before its weights are
// read: one too large for the page on its own, and a second 784-16384-10 beside a first.
TEST(AppModels, ModelThePageCannotHoldIsRefusedBeforeItsWeightsAreRead) {
  EXPECT_GT(model_footprint_bytes({784, 16384, 10}), std::size_t(700) << 20);
  EXPECT_LT(model_footprint_bytes({784, 16384, 10}), kPageModelsBudgetBytes) << "one of the largest legal models fits";
  auto s = test::app_with_models("mlp32");
  const std::size_t count = s->models.size();
  std::vector<int> towers = {784, 16384};  // 8 layers of 16384 units: within the format's limits
  for (int k = 0; k < 7; ++k) towers.insert(towers.end(), {1, 16384});
  towers.push_back(10);
  const auto alone = model_library_add(*s, header_only_bundle(towers), "(dropped)");
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error.find("more than the page can hold (the page holds at most 1024 MB of models)"), std::string::npos) << alone.error;

  const auto fits = model_library_add(*s, header_only_bundle({784, 16384, 10}), "(dropped)");
  ASSERT_FALSE(fits);
  EXPECT_NE(fits.error.find("truncated"), std::string::npos) << "it fits: its weights are read (and missing): " << fits.error;

  auto big = bundle_from_header(*bundle_header_read(header_only_bundle({784, 16384, 10})));  // zero weights
  ASSERT_TRUE(big) << big.error;
  LoadedModel held;
  held.bundle = std::move(*big);
  s->models.push_back(std::move(held));
  const auto second = model_library_add(*s, header_only_bundle({784, 16384, 10}), "(dropped)");
  ASSERT_FALSE(second);
  EXPECT_NE(second.error.find("a 784-16384-10 model needs 773 MB of memory with its analysis and the models on the page already take"),
            std::string::npos) << second.error;
  EXPECT_NE(second.error.find("remove a model you loaded"), std::string::npos) << second.error;
  EXPECT_EQ(s->models.size(), count + 1);
}

// A loaded model is removed: its weights and analysis are freed, it is gone from every look-up,
// the page shows a shipped model instead, and the id is free again. Shipped models stay.
TEST(AppModels, RemovingAModelFreesItAndShowsAShippedOne) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, digits(), 0);
  const auto bytes = file_read(test::assets_dir() + "/models/mlp6.lens");
  ASSERT_TRUE(bytes) << bytes.error;
  const std::size_t shipped = model_library_footprint(*s);
  const auto i = model_library_add(*s, *bytes, "(dropped)");
  ASSERT_TRUE(i) << i.error;
  app_select_model(*s, *i, 0);
  for (int frame = 0; frame < 3; ++frame) app_work(*s, 4.0, &fake_clock);
  ASSERT_TRUE(s->analyses[std::size_t(*i)]);
  EXPECT_GT(model_library_footprint(*s), shipped);

  const auto shown = model_library_remove(*s, *i, g_fake_ms);
  ASSERT_TRUE(shown) << shown.error;
  EXPECT_EQ(*shown, s->current);
  EXPECT_TRUE(s->model()->shipped);
  EXPECT_EQ(s->model()->bundle.info.id, "xor") << "the first shipped model already loaded";
  EXPECT_EQ(model_library_find(*s, "mlp6-2"), -1);
  EXPECT_FALSE(check_model_id(*s, "mlp6-2"));
  EXPECT_FALSE(s->analyses[std::size_t(*i)]);
  EXPECT_TRUE(s->models[std::size_t(*i)].bundle.net.layers.empty());
  EXPECT_EQ(model_library_footprint(*s), shipped);
  for (int k = 0; k < int(s->models.size()); ++k) {
    app_key(*s, Key::Char, ']', g_fake_ms);
    EXPECT_NE(s->current, *i) << "the keys step over a removed model";
  }
  EXPECT_FALSE(model_library_remove(*s, *i, g_fake_ms)) << "removed once";

  const auto again = model_library_add(*s, *bytes, "(dropped)");
  ASSERT_TRUE(again) << again.error;
  EXPECT_EQ(s->models[std::size_t(*again)].bundle.info.id, "mlp6-2") << "the id is free again";

  const int current = s->current;
  const auto stays = model_library_remove(*s, model_library_find(*s, "mlp6"), g_fake_ms);
  ASSERT_FALSE(stays);
  EXPECT_EQ(stays.error, "mlp6 ships with the page and stays; only models you loaded or trained can be removed");
  EXPECT_EQ(s->current, current);
}

// A malformed bundle, or one the page cannot show, is refused with the reason.
TEST(AppModels, UnusableBundleIsRefusedAndChangesNothing) {
  auto s = test::app_with_models("mlp32");
  const std::size_t before = s->models.size();
  auto bytes = file_read(test::assets_dir() + "/models/mlp6.lens");
  ASSERT_TRUE(bytes) << bytes.error;
  bytes->resize(bytes->size() - 100);
  const auto truncated = model_library_add(*s, *bytes, "(dropped)");
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error.find("truncated"), std::string::npos) << truncated.error;

  Bundle wide;  // 3 inputs: neither an image model nor a plane like XOR
  wide.info.id = "three";
  wide.info.name = "three inputs";
  wide.net = mlp_make({3, 4, 10}, Activation::ReLU);
  const auto unusable = model_library_add(*s, bundle_write(wide), "(dropped)");
  ASSERT_FALSE(unusable);
  EXPECT_NE(unusable.error.find("this one has 3 inputs and 10 softmax outputs"), std::string::npos) << unusable.error;
  EXPECT_EQ(s->models.size(), before);
}

// An ONNX model is told from a .lens bundle by its bytes and added the same way; the
// options (name, normalization, recorded accuracy) apply to it.
TEST(AppModels, AddsAnOnnxModelWithItsOptions) {
  auto s = test::app_with_models("mlp32");
  const auto bytes = file_read(test::onnx_fixtures_dir() + "/mlp-norm-unrecorded.onnx");
  ASSERT_TRUE(bytes) << bytes.error;
  const auto options = check_import_options(R"({"name": "Lab MLP", "normalize": [0.1307, 0.3081], "accuracy": 0.9166})");
  ASSERT_TRUE(options) << options.error;
  const auto i = model_library_add(*s, *bytes, "(dropped)", *options);
  ASSERT_TRUE(i) << i.error;
  const Bundle& b = s->models[std::size_t(*i)].bundle;
  EXPECT_EQ(b.info.id, "lab-mlp");
  EXPECT_EQ(b.info.name, "Lab MLP");
  EXPECT_FLOAT_EQ(b.net.norm.std, 0.3081f);
  EXPECT_DOUBLE_EQ(b.info.test_accuracy, 0.9166);
}

// Bad options, an ONNX graph the page cannot show, and bytes that are neither format are
// refused with the reason and change nothing.
TEST(AppModels, RefusesBadOnnxInputAndOptions) {
  auto s = test::app_with_models("mlp32");
  const std::size_t before = s->models.size();
  for (const char* bad : {R"({"normalize": [0.1, 0]})", R"({"normalize": "0.1,0.3"})", R"({"accuracy": 93})",
                          R"({"colour": 1})", "[1]", "{"})
    EXPECT_FALSE(check_import_options(bad)) << bad;
  EXPECT_NE(check_import_options(R"({"colour": 1})").error.find("unknown option"), std::string::npos);
  auto bytes = file_read(test::onnx_fixtures_dir() + "/mlp-relu-softmax.onnx");
  ASSERT_TRUE(bytes) << bytes.error;
  bytes->resize(bytes->size() / 2);
  const auto cut = model_library_add(*s, *bytes, "(dropped)");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error.rfind("onnx: ", 0), 0u) << cut.error;
  const auto text = model_library_add(*s, Bytes{'h', 'e', 'l', 'l', 'o'}, "(dropped)");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error.find("neither a .lens weight bundle nor an ONNX model"), std::string::npos) << text.error;
  EXPECT_EQ(s->models.size(), before);
}

// A folder without a manifest is reported in load_errors, naming the file.
TEST(AppModels, MissingManifestIsReported) {
  AppState s;
  model_library_load(s, test::assets_dir() + "/no-such-folder");
  EXPECT_TRUE(s.models.empty());
  EXPECT_EQ(s.current, -1);
  ASSERT_EQ(s.load_errors.size(), 1u);
  EXPECT_NE(s.load_errors[0].find("models.json"), std::string::npos) << s.load_errors[0];
}

}  // namespace
}  // namespace lens

namespace lens {
namespace {

// The page's model list: the bundle it opened with, and the others from their headers,
// fetched when picked. A picked model waits for its bundle, then is selected; a file that
// is not the promised model is refused and changes nothing.
TEST(AppModels, ListedModelsAreFetchedWhenPicked) {
  const std::string dir = "/tmp/lens-pending-models";
  const auto [mlp32_bytes, mlp6_bytes] = test::folder_with_listed_mlp6(dir);
  const Bytes* mlp32 = &mlp32_bytes;
  const Bytes* mlp6 = &mlp6_bytes;
  AppState s;
  model_library_load(s, dir);
  ASSERT_TRUE(s.load_errors.empty()) << s.load_errors.front();
  ASSERT_EQ(s.models.size(), 2u);
  EXPECT_TRUE(s.models[0].pending);
  EXPECT_FALSE(s.models[1].pending);
  EXPECT_EQ(s.current, 1) << "the default is not here yet: the page opens with the model it has";
  EXPECT_EQ(s.models[0].bundle.info.name, "MLP 784-6-10");
  EXPECT_EQ(s.models[0].bundle.net.sizes(), (std::vector<int>{784, 6, 10}));
  app_select_model(s, 1, 0);

  app_select_model(s, 0, 0);  // picked: fetched first
  EXPECT_EQ(s.current, 1);
  EXPECT_EQ(s.model_wanted, 0);
  EXPECT_FALSE(model_library_arrived(s, 0, *mlp32, 0)) << "mlp32's bytes are not mlp6";
  EXPECT_TRUE(s.models[0].pending);
  EXPECT_EQ(s.current, 1);
  const auto r = model_library_arrived(s, 0, *mlp6, 0);
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(s.models[0].pending);
  EXPECT_EQ(s.current, 0);
  EXPECT_EQ(s.model_wanted, -1);
  EXPECT_EQ(s.model()->bundle.net.layers[0].W, test::app_with_models("mlp6")->model()->bundle.net.layers[0].W);
  EXPECT_FALSE(model_library_arrived(s, 0, *mlp6, 0)) << "only a pending model takes a bundle";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lens
