// Every shipped bundle loads, and the accuracy stored in it is what the model
// really scores on the test set (recomputed here, natively and in wasm).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/formats/bundle.h"
#include "core/training/trainer.h"
#include "test_support.h"

namespace lens {
namespace {

std::vector<std::string> shipped_ids() {
  const auto bytes = file_read(test::assets_dir() + "/models/models.json");
  if (!bytes) return {};
  const auto j = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  std::vector<std::string> ids;
  if (j.is_object() && j.contains("models") && j["models"].is_array())
    for (const auto& id : j["models"]) if (id.is_string()) ids.push_back(id.get<std::string>());
  return ids;
}

TEST(ShippedModels, ManifestListsAllSeven) {
  const auto ids = shipped_ids();
  EXPECT_EQ(ids, (std::vector<std::string>{"xor", "mlp6-dead", "mlp6", "mlp32", "mlp128", "mlp2x64", "cnn"}));
}

TEST(ShippedModels, StoredAccuracyMatchesFreshEvaluation) {
  const auto test = mnist_load(test::mnist_dir(), "t10k");
  ASSERT_TRUE(test) << test.error;
  for (const std::string& id : shipped_ids()) {
    const auto b = bundle_load(test::assets_dir() + "/models/" + id + ".lens");
    ASSERT_TRUE(b) << b.error;
    EXPECT_EQ(b->info.id, id);
    const Evaluation e = evaluate(b->net, b->info.dataset == "xor" ? xor_points() : *test);
    EXPECT_NEAR(e.accuracy, b->info.test_accuracy, 1e-4) << id;
    std::printf("%-10s stored %.4f, measured %.4f on %d images\n", id.c_str(), b->info.test_accuracy,
                double(e.accuracy), e.count);
  }
}

TEST(ShippedModels, MeetTheirTargets) {
  const std::map<std::string, double> target = {{"xor", 1.0}, {"mlp6", 0.88}, {"mlp32", 0.965},
                                                {"mlp128", 0.98}, {"mlp2x64", 0.975}, {"cnn", 0.985}};
  for (const auto& [id, min_accuracy] : target) {
    const auto b = bundle_load(test::assets_dir() + "/models/" + id + ".lens");
    ASSERT_TRUE(b) << b.error;
    EXPECT_GE(b->info.test_accuracy, min_accuracy) << id;
  }
}

TEST(ShippedModels, BundlesStaySmall) {
  for (const std::string& id : shipped_ids()) {
    const auto bytes = file_read(test::assets_dir() + "/models/" + id + ".lens");
    ASSERT_TRUE(bytes) << bytes.error;
    EXPECT_LT(bytes->size(), 500u * 1024u) << id;
  }
}

}  // namespace
}  // namespace lens
