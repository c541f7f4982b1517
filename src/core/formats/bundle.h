// The .lens weight bundle: one self-describing little-endian file per model.
// The byte layout is specified in docs/formats.md.
#pragma once
#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>

#include "core/formats/bytes.h"
#include "core/formats/json.h"
#include "core/numerics/mlp.h"
#include "core/result.h"

namespace lens {

// Version 2 adds the input map ("input_norm"); a model without one is written as version 1,
// byte for byte what version-1 readers know. Version 3 adds "kind": a "decoder" bundle holds a
// generative model's decoder (a code of "inputs" numbers -> an image through a sigmoid layer), the
// digit prior of activation maximization; older readers refuse it by its version instead of taking
// it for a classifier. Version 4 adds layers a converted network brings: convolutions with their
// pooling ("kind": "conv"), a LeakyReLU slope other than 0.01 ("slope"), and a per-channel affine
// map after the activation ("affine"); it is written only for a network that has one of them, so
// every MLP is still written as version 1, 2 or 3, byte for byte. The reader takes all four.
constexpr std::uint32_t kBundleVersion = 2;
constexpr std::uint32_t kBundleVersionPlain = 1;
constexpr std::uint32_t kBundleVersionKind = 3;
constexpr std::uint32_t kBundleVersionLayers = 4;
// A decoder's code has at most this many numbers (the digit prior's: 16).
constexpr int kBundleMaxLatent = 256;

enum class BundleKind { Classifier, Decoder };
const char* bundle_kind_name(BundleKind k);  // "classifier", "decoder"
// The input map's std must lie in [1e-4, 1e4] and |mean| at most 1e4 (MNIST's: 0.1307, 0.3081).
constexpr float kBundleMinNormStd = 1e-4f;
constexpr std::size_t kBundleMaxHeader = kJsonMaxBytes;          // JSON header bytes (1 MiB)
constexpr int kBundleMaxLayers = 16;
constexpr int kBundleMaxWidth = 16384;                           // units of a dense layer, taps of a filter
constexpr int kBundleMaxMapSide = 4096;                          // channels, height, width, kernel, stride, padding
constexpr int kBundleMaxUnits = 1 << 20;                         // values of a convolution's maps
// Work for one input, all layers together: a bundle cannot make one digit's forward pass take
// seconds (the PyTorch MNIST example's convnet: 12 M).
constexpr double kBundleMaxMultiplyAdds = 128e6;
constexpr std::size_t kBundleMaxParameters = std::size_t(1) << 24;  // 64 MB of float32
// Largest |weight| or |bias| accepted. Trained MNIST/XOR models stay below 10
// (the shipped ones: 9.1); values near the float limit overflow any forward pass.
constexpr float kBundleMaxMagnitude = 1e4f;
// Largest weighted input any layer may reach for inputs in [0, 1] (mlp_magnitude_bound):
// far below float's 3.4e38, so no forward or backward pass can overflow.
constexpr double kBundleMaxActivationBound = 1e30;

// An id a bundle may carry: 1-64 characters of a-z, 0-9, - and _ (URL-safe, links name models by it).
bool bundle_id_valid(const std::string& id);
constexpr const char* kBundleIdRule = "1-64 characters of a-z, 0-9, - and _";

// Why a network's weights could not be written as a bundle that reads back (a NaN or
// infinite parameter, one beyond +-kBundleMaxMagnitude, or a forward pass that could pass
// kBundleMaxActivationBound); empty when they can. Training checks its run with it.
std::string bundle_weights_problem(const Mlp& net);

struct Bundle;
// What a model is to the page and to lens-report, one rule for both (every bundle one shows,
// the other shows): an MNIST classifier (784 inputs, 10 softmax outputs, at least one hidden
// layer) or a model of the plane (2 inputs, one sigmoid output, like XOR).
enum class BundleShown { Image, Plane };
// Which of the two, or why neither: "a digit prior ..." for a decoder, else "shows models with
// 784 inputs, 10 softmax outputs and a hidden layer (MNIST), or 2 inputs and one sigmoid output
// (like XOR); this one has 784 inputs and 10 sigmoid outputs".
Result<BundleShown> bundle_shown_as(const Bundle& bundle);

struct BundleInfo {
  BundleKind kind = BundleKind::Classifier;
  std::string id;              // short, URL-safe: [a-z0-9_-]
  std::string name;            // display name
  std::string dataset = "mnist";
  std::string notes;
  std::uint64_t seed = 0;
  double test_accuracy = -1;   // measured on the data set's test split; < 0 if unknown
  nlohmann::json training = nlohmann::json::object();  // the full recipe
};

struct Bundle {
  BundleInfo info;
  Mlp net;
};

Bytes bundle_write(const Bundle& bundle);
// Validates everything (magic, version, JSON through json_parse, sizes, checksum,
// finite values of sane magnitude).
Result<Bundle> bundle_read(const Bytes& bytes);

// The JSON header as the file stores it, checked as bundle_read checks it (magic, version,
// length, JSON, every field and layer shape) but without reading the weights. The page's
// model list carries these headers (tools/lens_info.cpp), so the page can list a model and
// fetch its weights only when it is picked.
Result<nlohmann::json> bundle_header_read(const Bytes& bytes);
// The model such a header describes, with weights and biases zero (its "version" field says
// which fields it may have), checked the same way: the page's entry for a model not fetched yet.
Result<Bundle> bundle_from_header(const nlohmann::json& header);

Result<Bundle> bundle_load(const std::string& path);
Result<bool> bundle_save(const Bundle& bundle, const std::string& path);

}  // namespace lens
