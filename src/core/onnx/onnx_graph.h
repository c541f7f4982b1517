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

// Checks every node's operator, domain, inputs and outputs (how many, which may be omitted),
// attributes (names and kinds) and the graph's element types, and that the nodes are in
// topological order. The message names the first problem found. The rvalue form moves the
// model's tensors into the graph instead of copying them (the model keeps its metadata).
Result<OnnxGraph> onnx_graph_make(const OnnxModel& model);
Result<OnnxGraph> onnx_graph_make(OnnxModel&& model);

// What evaluating may still spend: bytes of the tensors it keeps (every node's output stays
// until the run ends) and multiply-adds. Each node books its output before it allocates or
// computes anything, and is refused, with both numbers, when the budget cannot cover it.
struct OnnxBudget {
  std::uint64_t bytes = kOnnxMaxKeptBytes;
  std::uint64_t multiply_adds = kOnnxMaxMultiplyAdds;
};
std::uint64_t onnx_constants_bytes(const OnnxGraph& graph);

// Runs the graph on the given inputs (in the order of graph.inputs) and returns its outputs.
// Shapes are checked as the values flow: a mismatch is an error naming the node. Without a
// budget, the default one less what the graph's constants and the inputs already hold.
Result<std::vector<OnnxTensor>> onnx_graph_run(const OnnxGraph& graph, const std::vector<OnnxTensor>& inputs);
Result<std::vector<OnnxTensor>> onnx_graph_run(const OnnxGraph& graph, const std::vector<OnnxTensor>& inputs, OnnxBudget& budget);
// One checked node on its input values (nullptr for an omitted one): how the importer folds a
// node whose inputs are all constants without copying them. The error does not name the node.
Result<std::vector<OnnxTensor>> onnx_node_run(const OnnxNode& node, std::int64_t opset,
                                              const std::vector<const OnnxTensor*>& inputs, OnnxBudget& budget);

// Numbers in messages as printf's %g writes them: 0.2, 1e-05, 1.67772e+07.
std::string onnx_number_text(double v);

}  // namespace lens
