// A recipe's data: the images (or points) it trains and validates on, made in one place for
// lens-train and the page's Train tab, so that the same recipe trains the same bytes in both.
#pragma once
#include <string>

#include "core/formats/mnist.h"
#include "core/result.h"
#include "core/training/trainer.h"

namespace lens {

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
