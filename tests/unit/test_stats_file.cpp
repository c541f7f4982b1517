// The statistics sidecar (interpret/stats_file.h): what the analysis measured survives the
// file unchanged, a page that starts from it says and shows the same as one that measures,
// and every malformed, truncated or mismatched file is refused with a message.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "app_fixture.h"
#include "core/formats/crc32.h"
#include "interpret/model_analysis.h"
#include "interpret/prose.h"
#include "interpret/stats_file.h"
#include "test_support.h"

using namespace lens;

namespace {

DataSet few_digits(int n = 600) { return dataset_slice(test::mnist_test_set(), 0, n); }
StatsDataSet on_few(int n = 600) { return {stats_data_identity(few_digits(n)), n}; }  // what they were measured on

using test::shipped;

ModelAnalysis measured(const Bundle& b, const DataSet& d, bool maximize) {
  AnalysisSettings settings;
  settings.maximize = maximize;
  ModelAnalysis a;
  analysis_start(a, b, &d, 0, settings);
  analysis_run(a);
  return a;
}

double g_ms = 0;
double tick() { return g_ms += 1.0; }

void seal(Bytes& bytes) {  // the right CRC for mutated bytes, so the checks behind it are reached
  set_le_u32(&bytes[bytes.size() - 4], crc32(bytes.data(), bytes.size() - 4));
}

void put_u32(Bytes& bytes, std::size_t at, std::uint32_t v) {
  set_le_u32(&bytes[at], v);
}

}  // namespace

TEST(StatsFile, RoundTripKeepsEveryMeasurement) {
  const Bundle b = shipped("mlp2x64");
  const DataSet d = few_digits();
  const ModelAnalysis a = measured(b, d, false);
  ASSERT_TRUE(a.done() && a.has_stats && a.has_importance);
  const Bytes bytes = stats_file_write(analysis_stats_file(a));
  auto f = stats_file_read(bytes, b, on_few());
  ASSERT_TRUE(f) << f.error;
  EXPECT_EQ(f->data_identity, stats_data_identity(d));
  EXPECT_EQ(f->bundle_identity, stats_bundle_identity(b));
  const NetworkStats& s = f->stats;
  EXPECT_EQ(s.images, 600);
  EXPECT_EQ(s.confusion, a.stats.confusion);
  EXPECT_EQ(s.class_accuracy, a.stats.class_accuracy);
  EXPECT_EQ(s.class_count, a.stats.class_count);
  EXPECT_EQ(s.accuracy, a.stats.accuracy);
  ASSERT_EQ(s.layers.size(), 2u);
  for (std::size_t l = 0; l < 2; ++l) {
    const LayerStats &x = s.layers[l], &y = a.stats.layers[l];
    EXPECT_EQ(x.class_mean, y.class_mean);
    EXPECT_EQ(x.mean, y.mean);
    EXPECT_EQ(x.max, y.max);
    EXPECT_EQ(x.min, y.min);
    EXPECT_EQ(x.mean_square, y.mean_square);
    EXPECT_EQ(x.max_preactivation, y.max_preactivation);
    EXPECT_EQ(x.active_rate, y.active_rate);
    EXPECT_EQ(x.selectivity, y.selectivity);
    EXPECT_EQ(x.top, y.top);
    EXPECT_EQ(x.top_value, y.top_value);
    EXPECT_EQ(x.top_label, y.top_label);
    EXPECT_EQ(x.dead, y.dead) << "derived from the active rates as the builder does";
    EXPECT_EQ(x.nearly_dead, y.nearly_dead);
    EXPECT_EQ(f->importance[l], a.importance[l]);
    EXPECT_EQ(f->hurt_class[l], a.hurt_class[l]);
    EXPECT_EQ(f->hurt_class_accuracy[l], a.hurt_class_accuracy[l]);
  }
  EXPECT_EQ(f->base_score.accuracy, a.base_score.accuracy);
  EXPECT_EQ(f->base_score.class_accuracy, a.base_score.class_accuracy);
  ASSERT_EQ(f->shapes.size(), 3u) << "the shapes' scores of both hidden layers and the output layer";
  for (std::size_t l = 0; l < 3; ++l) {
    ASSERT_TRUE(a.concepts[l].scored);
    EXPECT_EQ(f->shapes[l].score, a.concepts[l].score);
    EXPECT_EQ(f->shapes[l].summary, a.concepts[l].summary);
    EXPECT_EQ(f->shapes[l].summary_defined, a.concepts[l].summary_defined);
  }
  EXPECT_EQ(stats_file_write(*f), bytes) << "read and written again: the same bytes";
}

// The page starting from a sidecar explains every neuron exactly as the page measuring itself.
// Both ways: the shapes' scores read from the file (no digits at hand), or, from a file that
// does not carry them, measured on the test digits the page attaches (app_work).
TEST(StatsFile, AnalysisFromTheFileGivesTheSameFacts) {
  const Bundle b = shipped("mlp6-dead");
  const DataSet d = few_digits();
  const ModelAnalysis whole = measured(b, d, true);
  const StatsFile written = analysis_stats_file(measured(b, d, false));
  ASSERT_FALSE(written.shapes.empty());
  for (const bool shapes_in_file : {true, false}) {
    StatsFile w = written;
    if (!shapes_in_file) w.shapes.clear();
    auto f = stats_file_read(stats_file_write(w), b, on_few());
    ASSERT_TRUE(f) << f.error;
    ModelAnalysis from_file;
    analysis_start_from_file(from_file, b, std::move(*f), 0);
    EXPECT_EQ(from_file.test, nullptr);
    if (!shapes_in_file) from_file.shape_test = &d;
    analysis_run(from_file);
    ASSERT_TRUE(from_file.has_facts && whole.has_facts);
    EXPECT_TRUE(from_file.stats_from_file);
    ASSERT_TRUE(from_file.concepts[0].scored) << shapes_in_file;
    EXPECT_EQ(render_markdown(network_summary(from_file.network)), render_markdown(network_summary(whole.network)));
    for (int l = 0; l < whole.hidden_layers(); ++l)
      for (int u = 0; u < b.net.layers[std::size_t(l)].outputs(); ++u) {
        const NeuronFacts &x = *from_file.neuron(l, u), &y = *whole.neuron(l, u);
        EXPECT_EQ(render_plain(neuron_summary(x)), render_plain(neuron_summary(y))) << l << "." << u << " " << shapes_in_file;
        EXPECT_EQ(render_plain(neuron_importance(x)), render_plain(neuron_importance(y))) << l << "." << u;
        EXPECT_EQ(x.shape_score, y.shape_score);
        EXPECT_EQ(x.top_common_class, y.top_common_class);
        EXPECT_EQ(x.top_disagrees, y.top_disagrees);
      }
  }
}

TEST(StatsFile, RefusesEveryTruncationAndDamage) {
  const Bundle b = shipped("mlp6");
  const Bytes good = stats_file_write(analysis_stats_file(measured(b, few_digits(50), false)));
  ASSERT_TRUE(stats_file_read(good, b, on_few(50)));
  for (std::size_t n = 0; n < good.size(); ++n) {
    const auto r = stats_file_read(Bytes(good.begin(), good.begin() + std::ptrdiff_t(n)), b, on_few(50));
    ASSERT_FALSE(r) << "prefix of " << n << " bytes";
    EXPECT_FALSE(r.error.empty());
  }
  for (std::size_t at = 0; at < good.size(); at += 7) {
    Bytes bad = good;
    bad[at] ^= 0x41;
    const auto r = stats_file_read(bad, b, on_few(50));
    ASSERT_FALSE(r) << "byte " << at;
    EXPECT_NE(r.error.find("statistics of 'mlp6'"), std::string::npos) << r.error;
  }
  Bytes longer = good;
  longer.insert(longer.end() - 4, {0, 0, 0, 0});
  seal(longer);
  EXPECT_NE(stats_file_read(longer, b, on_few(50)).error.find("4 bytes more"), std::string::npos) << stats_file_read(longer, b, on_few(50)).error;
}

// Values that pass the checksum but cannot be right are refused by name.
TEST(StatsFile, RefusesValuesOutOfRange) {
  const Bundle b = shipped("mlp6");
  const StatsFile base = analysis_stats_file(measured(b, few_digits(50), false));
  auto refused = [&](StatsFile f, const char* says) {
    const auto r = stats_file_read(stats_file_write(f), b, on_few(50));
    ASSERT_FALSE(r) << says;
    EXPECT_NE(r.error.find(says), std::string::npos) << r.error;
  };
  { StatsFile f = base; f.stats.layers[0].top[1][0] = 50; refused(f, "not a test image"); }
  { StatsFile f = base; f.stats.layers[0].top[1][0] = -3; refused(f, "not a test image"); }
  { StatsFile f = base; f.stats.layers[0].top_label[0][0] = 10; refused(f, "label is not a class"); }
  { StatsFile f = base; f.stats.layers[0].active_rate(2) = 1.5f; refused(f, "active rate"); }
  { StatsFile f = base; f.stats.layers[0].active_rate(2) = std::nanf(""); refused(f, "active rate"); }
  { StatsFile f = base; f.hurt_class[0](0) = 11; refused(f, "hurt class"); }
  { StatsFile f = base; f.stats.accuracy = -0.1f; refused(f, "accuracy"); }
  { StatsFile f = base; f.stats.class_count(3) += 100; refused(f, "class counts"); }
  { StatsFile f = base; f.stats.confusion(2, 2) = -1; refused(f, "negative"); }
  { StatsFile f = base; f.stats.nonfinite = 51; refused(f, "non-finite"); }
  { StatsFile f = base; f.bundle_identity ^= 1; refused(f, "another version of model 'mlp6'"); }
  // Values that are no numbers, a test set that is not the one here, an accuracy its counts deny.
  { StatsFile f = base; f.stats.layers[0].mean(1) = std::nanf(""); refused(f, "NaN or infinite"); }
  { StatsFile f = base; f.stats.layers[0].max(0) = INFINITY; refused(f, "NaN or infinite"); }
  { StatsFile f = base; f.stats.layers[0].class_mean(0, 3) = std::nanf(""); refused(f, "class mean is NaN or infinite"); }
  { StatsFile f = base; f.stats.layers[0].top_value[2][0] = -INFINITY; refused(f, "value is NaN or infinite"); }
  { StatsFile f = base; f.importance[0](0) = std::nanf(""); refused(f, "NaN or infinite"); }
  { StatsFile f = base; f.stats.accuracy = std::nanf(""); refused(f, "is not a number"); }
  { StatsFile f = base; f.data_identity ^= 1; refused(f, "measured on other test digits"); }
  { StatsFile f = base; f.stats.accuracy = f.stats.accuracy > 0.5f ? 0.1f : 0.9f; refused(f, "disagrees with its counts"); }
  { StatsFile f = base; f.stats.class_accuracy(1) = f.stats.class_accuracy(1) > 0.5f ? 0.f : 1.f; refused(f, "class 1 disagrees"); }
  // The shapes' scores: correlations in [-1, 1], and an undefined summary is 0.
  ASSERT_EQ(base.shapes.size(), 2u);
  { StatsFile f = base; f.shapes[0].score(1, 2) = 1.5f; refused(f, "explanation score lies outside [-1, 1]"); }
  { StatsFile f = base; f.shapes[1].score(0, 0) = std::nanf(""); refused(f, "output layer: a shape's explanation score"); }
  { StatsFile f = base; f.shapes[0].summary(0) = -2.f; f.shapes[0].summary_defined[0] = true; refused(f, "summary score lies outside"); }
  { StatsFile f = base; f.shapes[0].summary(0) = 0.5f; f.shapes[0].summary_defined[0] = false; refused(f, "undefined shape summary is not 0"); }
  { StatsFile f = base; f.shapes.pop_back(); refused(f, "the output layer: truncated in the shapes' scores"); }
  // The header's sizes, with the checksum made right.
  Bytes bytes = stats_file_write(base);
  Bytes v2 = bytes;
  put_u32(v2, 8, 2);
  seal(v2);
  EXPECT_NE(stats_file_read(v2, b, on_few(50)).error.find("version 2"), std::string::npos);
  Bytes many = bytes;
  put_u32(many, 20, 0x7fffffff);  // images
  seal(many);
  EXPECT_NE(stats_file_read(many, b, on_few(50)).error.find("out of range"), std::string::npos);
  Bytes topk = bytes;
  put_u32(topk, 28, 100000);
  seal(topk);
  EXPECT_NE(stats_file_read(topk, b, on_few(50)).error.find("top_k"), std::string::npos);
  Bytes flags = bytes;
  put_u32(flags, 40, 4 | 3);  // after magic, version, 2 identities, images, classes, top_k, layers, 1 width
  seal(flags);
  EXPECT_NE(stats_file_read(flags, b, on_few(50)).error.find("unknown flags 7"), std::string::npos) << stats_file_read(flags, b, on_few(50)).error;
}

TEST(StatsFile, RefusesAnotherModelsFile) {
  const Bundle mlp6 = shipped("mlp6"), mlp32 = shipped("mlp32"), xor_model = shipped("xor");
  const Bytes bytes = stats_file_write(analysis_stats_file(measured(mlp6, few_digits(50), false)));
  const auto r = stats_file_read(bytes, mlp32, on_few(50));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("units here"), std::string::npos) << r.error;
  EXPECT_FALSE(stats_file_read(bytes, xor_model, on_few(50)));
  Bundle retrained = mlp6;
  retrained.net.layers[0].W(0, 300) += 0.25f;
  const auto stale = stats_file_read(bytes, retrained, on_few(50));
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error.find("tools/build-stats.sh"), std::string::npos) << stale.error;
  EXPECT_NE(stats_file_read(Bytes{'L', 'E', 'N', 'S'}, mlp6, on_few(50)).error.find("wrong magic"), std::string::npos);
}

// The page expects the shipped test set by name, and refuses a sidecar measured on others.
TEST(StatsFile, ShippedTestSetIdentityIsNamed) {
  EXPECT_EQ(stats_data_identity(test::mnist_test_set()), kStatsMnistTest.identity);
  EXPECT_EQ(test::mnist_test_set().size(), kStatsMnistTest.images);
  const Bundle b = shipped("mlp6");
  const auto r = stats_file_read(stats_file_write(analysis_stats_file(measured(b, few_digits(50), false))), b);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("measured on 50 images; the test set here has 10000"), std::string::npos) << r.error;
}

// The committed sidecars belong to the committed bundles and the shipped test set (the ctest
// stats_sidecar_* recomputes them byte for byte).
TEST(StatsFile, ShippedSidecarsMatchTheirBundles) {
  const std::uint32_t test_identity = stats_data_identity(test::mnist_test_set());
  for (const char* id : {"mlp6-dead", "mlp6", "mlp32", "mlp128", "mlp2x64"}) {
    const auto bytes = file_read(test::assets_dir() + "/models/" + id + ".stats");
    ASSERT_TRUE(bytes) << bytes.error;
    const auto f = stats_file_read(*bytes, shipped(id));
    ASSERT_TRUE(f) << f.error;
    EXPECT_EQ(f->data_identity, test_identity) << id;
    EXPECT_EQ(f->stats.images, 10000) << id;
    EXPECT_TRUE(f->has_importance) << id;
  }
}

// Native vs wasm: the unit tests run in both, and the statistics measured here are the
// committed file (written natively by lens-stats) byte for byte.
TEST(StatsFile, MeasuredHereGivesTheCommittedBytes) {
  for (const char* id : {"mlp6-dead", "mlp6", "mlp32", "mlp128", "mlp2x64"}) {
    const Bundle b = shipped(id);
    const auto committed = file_read(test::assets_dir() + "/models/" + id + ".stats");
    ASSERT_TRUE(committed) << committed.error;
    const Bytes here = stats_file_write(analysis_stats_file(measured(b, test::mnist_test_set(), false)));
    EXPECT_TRUE(here == *committed) << id << ": the statistics measured here differ from the committed sidecar";
  }
}

// The app: a shipped model's statistics and shapes' scores come from its sidecar, without the
// test digits; a view that shows them asks for them and waits; their arrival keeps the analysis.
TEST(StatsFileApp, ShippedModelTakesEverythingFromItsSidecar) {
  auto s = test::app_with_models("mlp32", true);
  ModelAnalysis* a = s->analysis();
  ASSERT_TRUE(a && a->stats_from_file && a->has_stats);
  EXPECT_FALSE(asset_awaited(s->assets, AssetKind::TestDigits)) << "nothing needs the digits yet";
  for (int i = 0; i < 200000 && !a->done(); ++i) app_work(*s, 4.0, &tick);
  ASSERT_TRUE(a->done() && a->has_facts && a->has_concepts);
  EXPECT_TRUE(a->concepts[0].scored) << "the shapes' scores came from the sidecar";
  EXPECT_FALSE(asset_awaited(s->assets, AssetKind::TestDigits));
  EXPECT_EQ(s->test.size(), 0);

  app_random_test_digit(*s);  // the page shows the pick once the digits are in
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::TestDigits));
  const int pick = s->pending_test_index;
  EXPECT_GE(pick, 0);
  app_set_neuron_off(*s, 0, 3, true);
  EXPECT_EQ(app_ablation_scorer(*s), nullptr) << "re-scoring waits for the digits";
  app_set_test_set(*s, DataSet(test::mnist_test_set()), 0);
  EXPECT_EQ(s->analysis(), a) << "the analysis from the sidecar goes on";
  EXPECT_EQ(s->test_index, pick);
  EXPECT_EQ(s->source, InputSource::TestImage);
  const AblationScorer* scorer = app_ablation_scorer(*s);
  ASSERT_TRUE(scorer);
  EXPECT_EQ(scorer->score(Ablation::none(s->model()->bundle.net)).accuracy, a->base_score.accuracy);
}

// A sidecar without the shapes' scores: the digits are asked for when it arrives, and the
// analysis waits for them before the shapes, then scores them.
TEST(StatsFileApp, SidecarWithoutShapesWaitsForTheDigitsBeforeTheShapes) {
  auto s = std::make_unique<AppState>();
  model_library_load(*s, test::assets_dir() + "/models");
  const int i = model_library_find(*s, "mlp32");
  s->models[std::size_t(i)].stats_path = "/no/such/file.stats";  // as in the page: fetched
  s->current = -1;
  app_select_model(*s, i, 0);
  auto file = stats_file_read(*file_read(test::assets_dir() + "/models/mlp32.stats"), s->models[std::size_t(i)].bundle);
  ASSERT_TRUE(file) << file.error;
  ASSERT_FALSE(file->shapes.empty()) << "the shipped sidecar carries them";
  file->shapes.clear();
  EXPECT_EQ(app_stats_arrived(*s, i, stats_file_write(*file), 0), "");
  ModelAnalysis* a = s->analysis();
  ASSERT_TRUE(a && a->stats_from_file);
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::TestDigits)) << "the shapes' scores need the digits";
  for (int n = 0; n < 200000 && !app_analysis_waiting(*s); ++n) app_work(*s, 4.0, &tick);
  EXPECT_TRUE(app_analysis_waiting(*s));
  EXPECT_EQ(a->phase, ModelAnalysis::Phase::Concepts) << "everything but the shapes is done";
  EXPECT_FALSE(a->has_concepts);
  app_set_test_set(*s, DataSet(test::mnist_test_set()), 0);
  EXPECT_EQ(s->analysis(), a);
  for (int n = 0; n < 200000 && !a->done(); ++n) app_work(*s, 4.0, &tick);
  ASSERT_TRUE(a->done() && a->has_facts && a->has_concepts);
  EXPECT_TRUE(a->concepts[0].scored) << "the shapes were scored on the digits that arrived";
}

TEST(StatsFileApp, BadSidecarFallsBackToMeasuring) {
  auto s = std::make_unique<AppState>();
  model_library_load(*s, test::assets_dir() + "/models");
  const int i = model_library_find(*s, "mlp6");
  ASSERT_EQ(s->models[std::size_t(i)].sidecar, LoadedModel::Sidecar::Listed);
  s->models[std::size_t(i)].stats_path = "/no/such/file.stats";  // as in the page: fetched
  s->current = -1;
  app_select_model(*s, i, 0);
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::Stats, "mlp6"));
  EXPECT_TRUE(app_analysis_waiting(*s));
  Bytes damaged = *file_read(test::assets_dir() + "/models/mlp6.stats");
  damaged[40] ^= 1;
  const std::string why = app_stats_arrived(*s, i, damaged, 0);
  EXPECT_NE(why.find("checksum"), std::string::npos) << why;
  EXPECT_NE(s->notice.text.find("measuring on the test digits instead"), std::string::npos) << s->notice.text;
  EXPECT_EQ(s->notice.kind, NoticeKind::Error) << "a file that could not be used is a failure";
  EXPECT_EQ(s->models[std::size_t(i)].sidecar, LoadedModel::Sidecar::Failed);
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::TestDigits));
  EXPECT_TRUE(app_analysis_waiting(*s));
  EXPECT_FALSE(app_stats_arrived(*s, i, damaged, 0).empty()) << "no longer waiting";
  app_set_test_set(*s, few_digits(), 0);
  EXPECT_FALSE(s->analysis()->stats_from_file);
  EXPECT_EQ(s->analysis()->test, &s->test);
}

// "Next mistake" and a link's test digit before the digits are here: asked for, then done.
TEST(StatsFileApp, TestDigitViewsWaitForTheDigits) {
  auto s = test::app_with_models("mlp6", true);
  ASSERT_TRUE(s->analysis()->stats_from_file);
  app_next_mistake(*s);
  EXPECT_TRUE(s->pending_mistake);
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::TestDigits));
  EXPECT_EQ(s->source, InputSource::Drawing);
  app_set_test_set(*s, few_digits(), 0);  // not the digits the sidecar was measured on
  EXPECT_FALSE(s->analysis()->stats_from_file) << "measured again on these";
  EXPECT_NE(s->notice.text.find("other test digits"), std::string::npos) << s->notice.text;
  EXPECT_EQ(s->notice.kind, NoticeKind::Info) << "news, not a failure: the page measures again by itself";
  EXPECT_FALSE(s->pending_mistake);
  ASSERT_EQ(s->source, InputSource::TestImage);
  const Mlp& net = s->model()->bundle.net;
  const int i = s->test_index;
  EXPECT_NE(head_predict(net.head, mlp_forward(net, s->test.images.col(i)))[0], s->test.labels[std::size_t(i)]);

  auto t = test::app_with_models("mlp6", true);
  app_test_set_failed(*t, "HTTP 500", 0);
  app_show_test_digit(*t, 5);
  EXPECT_EQ(t->pending_test_index, -1) << "no digits will come: nothing waits";
  EXPECT_FALSE(asset_awaited(t->assets, AssetKind::TestDigits));
}
