// The one way assets reach the app (app/core/assets.h): the app queues what it wants, the page
// takes the queue and answers each want as arrived or failed. What the page does natively
// nothing does, so these tests play the page.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "app/core/app_training.h"
#include "app/core/assets.h"
#include "app/core/model_library.h"
#include "app_fixture.h"
#include "test_support.h"

namespace lens {
namespace {

// An IDX file of unsigned bytes (the MNIST format) with these dimensions.
Bytes idx_bytes(const std::vector<std::uint32_t>& dims, const Bytes& data) {
  Bytes out = {0, 0, 0x08, std::uint8_t(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(d >> shift));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// The first n MNIST test digits as the page fetches them: an images file, then a labels file.
std::vector<Bytes> digit_files(int n) {
  const DataSet& all = test::mnist_test_set();
  Bytes pixels, labels;
  for (int i = 0; i < n; ++i) {
    for (int p = 0; p < kPixels; ++p) pixels.push_back(std::uint8_t(std::lround(all.images(p, i) * 255.f)));
    labels.push_back(std::uint8_t(all.labels[std::size_t(i)]));
  }
  return {idx_bytes({std::uint32_t(n), 28, 28}, pixels), idx_bytes({std::uint32_t(n)}, labels)};
}

std::vector<AssetWant> taken(AppState& s) { return asset_take(s.assets); }

TEST(AssetQueue, AsksForEachAssetOnceUntilItIsAnswered) {
  AssetQueue q;
  asset_want(q, AssetKind::Stats, "mlp32");
  asset_want(q, AssetKind::Stats, "mlp32");
  asset_want(q, AssetKind::Prior);
  ASSERT_EQ(q.queued.size(), 2u);
  const auto wants = asset_take(q);
  ASSERT_EQ(wants.size(), 2u);
  EXPECT_EQ(asset_kind_name(wants[0].kind), std::string("stats"));
  EXPECT_EQ(wants[0].id, "mlp32");
  EXPECT_TRUE(q.queued.empty());
  asset_want(q, AssetKind::Stats, "mlp32");
  EXPECT_TRUE(q.queued.empty()) << "not asked for again while it is being fetched";
  EXPECT_TRUE(asset_awaited(q, AssetKind::Stats, "mlp32"));
  EXPECT_FALSE(asset_awaited(q, AssetKind::Stats, "mlp6"));
  asset_settle(q, AssetKind::Stats, "mlp32");
  EXPECT_FALSE(asset_awaited(q, AssetKind::Stats, "mlp32"));
  EXPECT_TRUE(asset_take(q).empty());
}

TEST(AssetQueue, KindsHaveTheNamesThePageUses) {
  for (AssetKind k : {AssetKind::Model, AssetKind::Stats, AssetKind::TestDigits, AssetKind::TrainDigits, AssetKind::Prior})
    EXPECT_EQ(asset_kind_from_name(asset_kind_name(k)), k);
  EXPECT_FALSE(asset_kind_from_name("weights"));
  EXPECT_FALSE(asset_kind_from_name(""));
}

// A model measured on the test digits asks for them; they arrive as two IDX files and its
// analysis starts on them.
TEST(AppAssets, TestDigitsArriveThroughTheQueue) {
  auto s = test::app_with_models("mlp6");
  const auto wants = taken(*s);
  ASSERT_EQ(wants.size(), 1u);
  EXPECT_EQ(wants[0], (AssetWant{AssetKind::TestDigits, ""}));
  EXPECT_TRUE(app_analysis_waiting(*s));
  const auto r = app_asset_arrived(*s, AssetKind::TestDigits, "", digit_files(200), 0);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(s->test.size(), 200);
  EXPECT_EQ(s->test.labels[0], test::mnist_test_set().labels[0]);
  EXPECT_FALSE(app_analysis_waiting(*s));
  EXPECT_FALSE(asset_awaited(s->assets, AssetKind::TestDigits));
}

// Damaged digits count as failed: the notice says why, nothing waits any more, and they are not
// asked for again and again.
TEST(AppAssets, RefusedDigitsCountAsFailed) {
  auto s = test::app_with_models("mlp6");
  taken(*s);
  auto files = digit_files(10);
  files[1].pop_back();  // a label short
  const auto r = app_asset_arrived(*s, AssetKind::TestDigits, "", files, 0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("truncated"), std::string::npos) << r.error;
  EXPECT_EQ(s->test.size(), 0);
  EXPECT_NE(s->notice.text.find("could not be loaded"), std::string::npos) << s->notice.text;
  EXPECT_FALSE(app_test_set_loading(*s));
  EXPECT_FALSE(app_need_test_set(*s));
  EXPECT_TRUE(taken(*s).empty()) << "a failed asset is not asked for again";
}

// An answer to something the app did not ask for (or asked for and was already answered) is
// refused and changes nothing.
TEST(AppAssets, AnAnswerNobodyWaitsForIsRefused) {
  auto s = test::app_with_models("mlp32");
  const auto prior = file_read(test::assets_dir() + "/models/digit-prior.lens");
  ASSERT_TRUE(prior);
  const auto r = app_asset_arrived(*s, AssetKind::Prior, "", {*prior}, 0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("nothing waits"), std::string::npos) << r.error;
  EXPECT_FALSE(s->prior.decoder);
  EXPECT_FALSE(app_asset_failed(*s, AssetKind::Prior, "", "HTTP 404", 0));
  EXPECT_TRUE(s->prior.error.empty());
}

// Training on MNIST waits for its images; when they cannot be fetched it stops before it began.
TEST(AppAssets, TrainingStopsWhenItsImagesFail) {
  auto s = test::app_with_models("mlp32");
  app_train_start(*s, *train_request_from_recipe(nlohmann::json{{"dataset", "mnist"}, {"layers", {784, 8, 10}}}), 0);
  ASSERT_EQ(s->training.status, TrainingSession::Status::WaitingForData);
  bool asked = false;
  for (const AssetWant& w : taken(*s)) asked |= w.kind == AssetKind::TrainDigits;
  ASSERT_TRUE(asked);
  ASSERT_TRUE(app_asset_failed(*s, AssetKind::TrainDigits, "", "HTTP 503", 0));
  EXPECT_EQ(s->training.status, TrainingSession::Status::Idle);
  EXPECT_NE(s->notice.text.find("HTTP 503"), std::string::npos) << s->notice.text;
}

// A picked model whose bundle fails stays listed and the view stays; picked again, it is asked
// for again, and a model picked meanwhile wins over one still on its way.
TEST(AppAssets, APickedModelIsFetchedAgainAfterAFailure) {
  const std::string dir = "/tmp/lens-asset-models";
  const auto [mlp32, mlp6] = test::folder_with_listed_mlp6(dir);
  AppState s;
  model_library_load(s, dir);
  ASSERT_EQ(s.models.size(), 2u);
  app_select_model(s, 1, 0);
  taken(s);

  app_select_model(s, 0, 0);
  auto wants = taken(s);
  ASSERT_EQ(wants.size(), 1u);
  EXPECT_EQ(wants[0], (AssetWant{AssetKind::Model, "mlp6"}));
  ASSERT_TRUE(app_asset_failed(s, AssetKind::Model, "mlp6", "HTTP 404", 0));
  EXPECT_EQ(s.current, 1);
  EXPECT_TRUE(s.models[0].pending);
  EXPECT_EQ(s.models[0].fetch_error, "HTTP 404");
  EXPECT_EQ(s.model_wanted, -1);
  EXPECT_NE(s.notice.text.find("mlp6 could not be loaded (HTTP 404)"), std::string::npos) << s.notice.text;

  app_select_model(s, 0, 0);  // again
  EXPECT_TRUE(s.models[0].fetch_error.empty());
  ASSERT_EQ(taken(s).size(), 1u);
  const auto wrong = app_asset_arrived(s, AssetKind::Model, "mlp6", {mlp32}, 0);
  ASSERT_FALSE(wrong) << "mlp32's bytes are not mlp6";
  EXPECT_FALSE(s.models[0].fetch_error.empty());
  EXPECT_EQ(s.current, 1);

  app_select_model(s, 0, 0);
  taken(s);
  app_select_model(s, 1, 0);  // picked something else meanwhile: it stays
  ASSERT_TRUE(app_asset_arrived(s, AssetKind::Model, "mlp6", {mlp6}, 0));
  EXPECT_FALSE(s.models[0].pending);
  EXPECT_EQ(s.current, 1) << "the model picked last stays on screen";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lens
