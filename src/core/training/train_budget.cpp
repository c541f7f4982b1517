#include "core/training/train_budget.h"

#include <algorithm>

namespace lens {

std::string count_with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

static std::string layers_text(const std::vector<int>& sizes) {
  std::string s;
  for (int n : sizes) s += (s.empty() ? "" : "-") + std::to_string(n);
  return s;
}

// "layers 784-32-10", or for a convnet "conv 8-16 then layers 256-10" (channels, then the dense part).
static std::string layers_text(const TrainConfig& c) {
  if (c.conv.empty()) return "layers " + layers_text(c.sizes);
  std::string s;
  for (const ConvSpec& l : c.conv) s += (s.empty() ? "" : "-") + std::to_string(l.channels);
  return "conv " + s + " then layers " + layers_text(c.sizes);
}

// A convnet's convolutional layers: their parameters, and per sample the values of their maps
// (before and after pooling) that a step keeps.
static void conv_memory(const TrainConfig& c, std::uint64_t& parameters, std::uint64_t& units) {
  const std::vector<Shape3> shapes = conv_specs_shapes(c.conv);
  for (std::size_t l = 0; l < c.conv.size(); ++l) {
    const ConvSpec& s = c.conv[l];
    const Shape3 maps = conv_spec_maps(s, shapes[l]);
    parameters += std::uint64_t(s.channels) * (std::uint64_t(shapes[l].c) * std::uint64_t(s.kernel * s.kernel) + 1);
    units += std::uint64_t(maps.size()) + std::uint64_t(shapes[l + 1].size());
  }
}

// Without the data: the model's four copies and one batch's activations.
static TrainMemory model_memory(const TrainConfig& c, std::uint64_t images) {
  TrainMemory m;
  std::uint64_t units = 0;
  for (std::size_t l = 1; l < c.sizes.size(); ++l) {
    m.parameters += std::uint64_t(c.sizes[l - 1]) * std::uint64_t(c.sizes[l]) + std::uint64_t(c.sizes[l]);
    units += std::uint64_t(c.sizes[l]);
  }
  conv_memory(c, m.parameters, units);
  // Weights, their gradient, and the optimizer's two moments (momentum SGD keeps one, Adam two).
  m.model_bytes = 4 * 4 * m.parameters;
  const std::uint64_t batch = std::min(std::uint64_t(std::max(c.batch, 1)), std::max<std::uint64_t>(images, 1));
  m.activation_bytes = 4 * 4 * units * batch;  // z, a, dz, da
  return m;
}

TrainMemory train_memory(const TrainConfig& c, std::uint64_t images) {
  TrainMemory m = model_memory(c, images);
  m.data_bytes = images * std::uint64_t(train_config_inputs(c)) * kTrainBytesPerPixel;
  return m;
}

Result<bool> train_config_fits(const TrainConfig& c, std::uint64_t budget) {
  using R = Result<bool>;
  const TrainMemory m = model_memory(c, std::uint64_t(c.batch));
  if (m.parameters > kTrainMaxParameters)
    return R::fail("recipe: " + layers_text(c) + " have " + count_with_commas(m.parameters) +
                   " parameters; a run trains at most " + count_with_commas(kTrainMaxParameters) + " (what one bundle holds)");
  if (m.total() > budget)
    return R::fail("recipe: " + layers_text(c) + " at batch " + std::to_string(c.batch) + " need " +
                   count_with_commas(m.total() >> 20) + " MiB for the model (" + count_with_commas(m.model_bytes >> 20) +
                   " MiB) and one batch's activations (" + count_with_commas(m.activation_bytes >> 20) +
                   " MiB), more than the " + count_with_commas(budget >> 20) +
                   " MiB a run may use: use a smaller batch or narrower layers");
  return R::ok(true);
}

std::uint64_t train_sample_macs(const TrainConfig& c) {
  std::uint64_t macs = 0;
  const std::vector<Shape3> shapes = conv_specs_shapes(c.conv);
  for (std::size_t l = 0; l < c.conv.size(); ++l) {
    const ConvSpec& s = c.conv[l];
    macs += std::uint64_t(conv_spec_maps(s, shapes[l]).size()) * std::uint64_t(shapes[l].c) * std::uint64_t(s.kernel * s.kernel);
  }
  for (std::size_t l = 1; l < c.sizes.size(); ++l) macs += std::uint64_t(c.sizes[l - 1]) * std::uint64_t(c.sizes[l]);
  return macs;
}

std::uint64_t train_images_that_fit(const TrainConfig& c, std::uint64_t budget) {
  const TrainMemory m = model_memory(c, std::uint64_t(c.batch));
  const std::uint64_t per_image = std::uint64_t(std::max(train_config_inputs(c), 1)) * kTrainBytesPerPixel;
  return m.total() >= budget ? 0 : (budget - m.total()) / per_image;
}

}  // namespace lens
