// An ONNX graph checked against the operators this project supports, and a small
// evaluator for it. The importer (onnx_import.h) folds such a graph into an Mlp for the
// page; the evaluator runs it as written, so the ONNX project's own backend tests (single
// operator graphs with expected outputs) can check both against the specification.
//
// Supported (default domain, opsets 6-17): Gemm, MatMul (2-D), Add, Relu, LeakyRelu,
// Sigmoid, Tanh, Softmax, LogSoftmax, Identity, Dropout (inference), Flatten, Reshape,
// Constant. Everything else is refused with the operator and node named.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/onnx/onnx_model.h"

namespace lens {

constexpr std::int64_t kOnnxMinOpset = 6, kOnnxMaxOpset = 17;
extern const char* const kOnnxSupportedOps;  // "Gemm, MatMul, ..." for messages

struct OnnxGraph {
  std::int64_t opset = 0;
  std::vector<OnnxNode> nodes;                  // in order; Constant nodes already folded away
  std::map<std::string, OnnxTensor> constants;  // initializers and Constant outputs
  std::vector<OnnxValueInfo> inputs;            // graph inputs that are not initializers
  std::vector<OnnxValueInfo> outputs;
};

// "node 'fc1' (#3, Gemm)": how messages name a node.
std::string onnx_node_label(const OnnxNode& n, std::size_t index);

// Checks every node's operator, domain, attributes and the graph's element types, and
// that the nodes are in topological order. The message names the first problem found.
Result<OnnxGraph> onnx_graph_make(const OnnxModel& model);

// Runs the graph on the given inputs (in the order of graph.inputs) and returns its outputs.
// Shapes are checked as the values flow: a mismatch is an error naming the node.
Result<std::vector<OnnxTensor>> onnx_graph_run(const OnnxGraph& graph, const std::vector<OnnxTensor>& inputs);

}  // namespace lens
