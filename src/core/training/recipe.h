// A recipe's data: the images (or points) it trains and validates on, made in one place for
// lens-train and the page's Train tab, so that the same recipe trains the same bytes in both.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/formats/mnist.h"
#include "core/result.h"
#include "core/training/trainer.h"

namespace lens {

// The recipe's text fields, checked before any training (a run must not end refused for its
// name): "id", "name", "notes" and "dataset" are strings, "id" a valid bundle id
// (bundle_id_valid), "dataset" one of mnist, mnist-subset and xor. Returns the dataset
// ("mnist" when the recipe names none).
Result<std::string> recipe_text_check(const nlohmann::json& recipe);

struct RecipeData {
  DataSet train, validation;
};

// dataset "xor": the noisy point clouds around the four corners, from config.seed (mnist_train
// is not read). "mnist": config.validation images split off mnist_train by config.seed.
// "mnist-subset": the same from mnist_train's first kTrainSubsetImages, the page's training
// images (the page passes just those; lens-train all 60,000). Fails for another dataset or when
// validation leaves no training image.
Result<RecipeData> recipe_data(const std::string& dataset, const TrainConfig& config, const DataSet& mnist_train);

}  // namespace lens
