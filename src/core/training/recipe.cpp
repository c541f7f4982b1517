#include "core/training/recipe.h"

#include <algorithm>

#include "core/constants.h"
#include "core/formats/bundle.h"

namespace lens {

// XOR: 100 training and 25 validation points around each corner, 0.15 of noise.
constexpr int kXorTrainPerCorner = 100, kXorValidationPerCorner = 25;
constexpr float kXorNoise = 0.15f;

Result<std::string> recipe_text_check(const nlohmann::json& r) {
  using R = Result<std::string>;
  if (!r.is_object()) return R::fail("recipe: expected a JSON object");
  for (const char* key : {"id", "name", "notes", "dataset"})
    if (r.contains(key) && !r[key].is_string()) return R::fail(std::string("recipe key \"") + key + "\" must be a string");
  if (r.contains("id") && !bundle_id_valid(r["id"].get<std::string>()))
    return R::fail("recipe key \"id\" must be " + std::string(kBundleIdRule) + " (got \"" + r["id"].get<std::string>().substr(0, 80) + "\")");
  const std::string dataset = r.value("dataset", "mnist");
  if (dataset != "mnist" && dataset != "mnist-subset" && dataset != "xor")
    return R::fail("recipe: unknown dataset \"" + dataset.substr(0, 80) + "\" (mnist, mnist-subset or xor)");
  return R::ok(dataset);
}

Result<RecipeData> recipe_data(const std::string& dataset, const TrainConfig& c, const DataSet& mnist_train) {
  using R = Result<RecipeData>;
  RecipeData d;
  if (dataset == "xor") {
    d.train = xor_cloud(kXorTrainPerCorner, kXorNoise, c.seed);
    d.validation = xor_cloud(kXorValidationPerCorner, kXorNoise, c.seed + 1);
    return R::ok(std::move(d));
  }
  if (dataset != "mnist" && dataset != "mnist-subset")
    return R::fail("unknown dataset \"" + dataset + "\" (mnist, mnist-subset or xor)");
  const bool cut = dataset == "mnist-subset" && mnist_train.size() > kTrainSubsetImages;
  const DataSet subset = cut ? dataset_slice(mnist_train, 0, kTrainSubsetImages) : DataSet{};
  const DataSet& all = cut ? subset : mnist_train;
  split_validation(all, c.validation, c.seed, d.train, d.validation);
  if (d.train.size() == 0)  // an untrained bundle is not a result
    return R::fail("all " + std::to_string(all.size()) + " training images are held out for validation (" +
                   std::to_string(c.validation) + " asked): lower \"validation\"");
  return R::ok(std::move(d));
}

}  // namespace lens
