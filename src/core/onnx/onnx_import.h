// ONNX -> .lens: folds a checked ONNX graph (onnx_graph.h) that is a feed-forward network into an
// Mlp (mlp.h: dense and convolutional layers). What torch.onnx.export writes for an MNIST MLP or
// convnet: Conv (2-D, group 1, any kernel, stride, padding and dilation), BatchNormalization
// (folded into the layer before when no activation comes between, else the layer's per-channel
// affine map), Relu, LeakyRelu (any slope), Sigmoid, Tanh, MaxPool, AveragePool,
// GlobalAveragePool, a Pad of zeros before a pooling, Dropout and Identity, Flatten or Reshape,
// Gemm or MatMul + Add, ending in logits, Softmax or LogSoftmax; and the NHWC graphs converters
// of TensorFlow models write (Transposes around the convolutions; the flattened features' H, W,
// C order is turned into C, H, W in the dense weights after them). A final Softmax or
// LogSoftmax is dropped: the bundle keeps the logits before it and the page's softmax gives the
// same probabilities. A max pooling before the activation is moved after it (the same for a
// rising activation); an activation after an average pooling is refused.
//
// ONNX has no place for the input normalization a model was trained with; options can give it,
// and so can the model's metadata_props (keys lens.input_mean and lens.input_std), as can the
// recorded test accuracy (lens.test_accuracy, in [0, 1]) and a display name (lens.name).
#pragma once
#include <optional>
#include <string>

#include "core/formats/bundle.h"
#include "core/onnx/onnx_graph.h"

namespace lens {

struct OnnxImportOptions {
  std::string id;                         // the bundle id; default: from the name ("Lab MLP" -> lab-mlp)
  std::string name;                       // display name; default from metadata or the producer
  std::optional<InputNorm> norm;          // overrides the metadata's
  std::optional<double> test_accuracy;    // overrides the metadata's
  OnnxBudget budget;                      // for all the tensors kept, the graph's own included, and the
                                          // folding's multiply-adds; the defaults are onnx_limits.h's
};

// The whole path from bytes; every failure is a message naming the operator and node when
// one is at fault, and the result always passes bundle_read's checks.
Result<Bundle> onnx_import(const Bytes& bytes, const OnnxImportOptions& options = {});
// From a checked graph (metadata comes from the model).
Result<Bundle> onnx_import_graph(const OnnxModel& model, const OnnxGraph& graph, const OnnxImportOptions& options);

}  // namespace lens
