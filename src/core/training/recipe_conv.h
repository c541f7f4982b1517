// The convolutional part of a recipe: "conv": [{"channels": 8, "kernel": 5, "pool": 2}, ...], layers
// that run before the dense ones ("layers" then starts with their flattened maps, or "auto").
// Each is a square convolution (optional "stride", default 1, and zero "pad", default 0), the
// recipe's hidden activation, then with "pool" p >= 2 a p x p max pooling of stride p (0 or 1:
// none). A convolutional recipe trains on MNIST's 28 x 28 one-channel images.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/numerics/mlp.h"

namespace lens {

struct ConvSpec {
  int channels = 8, kernel = 5, stride = 1, pad = 0, pool = 0;
  bool operator==(const ConvSpec& o) const {
    return channels == o.channels && kernel == o.kernel && stride == o.stride && pad == o.pad && pool == o.pool;
  }
};

// What a convolutional recipe's first layer sees: one MNIST digit.
constexpr Shape3 kConvRecipeImage{1, 28, 28};
// The most convolutional layers a recipe lists (a bundle holds 16 layers in all).
constexpr int kConvRecipeMaxLayers = 8;

// Every field written, so a bundle's recipe says all it was trained with.
nlohmann::json conv_specs_to_json(const std::vector<ConvSpec>& specs);

// Reads and checks "conv": 1 to kConvRecipeMaxLayers objects with known keys and integer fields
// in range, each window fitting the maps it goes over, the maps and the multiply-adds within what
// a bundle holds. Returns "" or the first problem, naming the layer:
// "\"conv\" layer 3: a 5 x 5 kernel does not fit a 4 x 4 map".
std::string conv_specs_from_json(const nlohmann::json& v, std::vector<ConvSpec>& out);

// The layers, with zero weights, in the order they run; their last one's out_shape() is what the
// dense part sees. Assumes specs passed conv_specs_from_json.
std::vector<Layer> conv_layers_make(const std::vector<ConvSpec>& specs, Activation hidden);

// Per layer the maps it takes (the first: kConvRecipeImage), then what the last one gives after its
// pooling, which the dense part sees. Assumes specs passed conv_specs_from_json.
std::vector<Shape3> conv_specs_shapes(const std::vector<ConvSpec>& specs);
// The maps layer s makes over `in` before its pooling.
Shape3 conv_spec_maps(const ConvSpec& s, const Shape3& in);

}  // namespace lens
