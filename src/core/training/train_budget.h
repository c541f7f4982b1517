// What a training run may hold, checked before anything is allocated: a recipe that passes
// train_config_from_json can still ask for more than a bundle holds ([784, 16384, 16384,
// 16384, 10]: 550 M parameters) or more memory than the machine has (batch 65536 through
// 16384 units), and a small gzip file can declare 342,000 images. Each is refused with the
// count it asked for and the limit (docs/training.md).
#pragma once
#include <cstdint>
#include <string>

#include "core/formats/bundle.h"
#include "core/result.h"
#include "core/training/trainer.h"

namespace lens {

// The most parameters a run may train: what one bundle holds (16,777,216; the PyTorch MNIST
// example's 1.2 M fit 14 times).
constexpr std::uint64_t kTrainMaxParameters = kBundleMaxParameters;
// The most memory lens-train plans for: weights, gradients and the two Adam moments, the
// activations and their gradients for one batch, and the data (the images as bytes and as
// floats twice: loaded, then split into training and validation). MNIST's 60,000 + 10,000
// images and the largest model that fits a bundle take about 0.75 GiB.
constexpr std::uint64_t kTrainMemoryBudgetBytes = std::uint64_t(2) << 30;
// Bytes a run holds per pixel of data: one as read, four as a float, four in the split's copy.
constexpr std::uint64_t kTrainBytesPerPixel = 9;

struct TrainMemory {
  std::uint64_t parameters = 0;
  std::uint64_t model_bytes = 0;        // 4 copies of every parameter, 4 bytes each
  std::uint64_t activation_bytes = 0;   // z, a, and their gradients for every unit of one batch
  std::uint64_t data_bytes = 0;         // images x pixels x kTrainBytesPerPixel
  std::uint64_t total() const { return model_bytes + activation_bytes + data_bytes; }
};

// What a run of config over `images` images of config.sizes.front() values each will hold
// (64-bit arithmetic, in wasm too: no count can wrap). batch is clamped to the images, as training does.
TrainMemory train_memory(const TrainConfig& config, std::uint64_t images);

// Refuses a config whose parameters exceed kTrainMaxParameters, or whose model and one batch
// alone exceed budget_bytes: "recipe: layers 784-16384-...-10 have 549,928,970 parameters; a
// run trains at most 16,777,216 (what one bundle holds)".
Result<bool> train_config_fits(const TrainConfig& config, std::uint64_t budget_bytes = kTrainMemoryBudgetBytes);

// The most images that fit beside the model and one batch within budget_bytes (0 if none).
std::uint64_t train_images_that_fit(const TrainConfig& config, std::uint64_t budget_bytes = kTrainMemoryBudgetBytes);

// Multiply-adds of one sample's forward pass through config's network (a convolution's: its
// filter's taps at every position of its maps). A training step costs about three of these a
// sample, as Training::work counts a convnet's.
std::uint64_t train_sample_macs(const TrainConfig& config);

// 1234567 -> "1,234,567": the counts in these messages are long.
std::string count_with_commas(std::uint64_t n);

}  // namespace lens
