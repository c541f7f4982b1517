// An ONNX graph checked against the operators this project supports, and a small
// evaluator for it. The importer (onnx_import.h) folds such a graph into an Mlp for the
// page; the evaluator runs it as written, so the ONNX project's own backend tests (single
// operator graphs with expected outputs) can check both against the specification.
//
// Supported (default domain, opsets 6-17):
// - MLPs: Gemm, MatMul (2-D), Add, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax,
//   Identity, Dropout (inference), Flatten, Reshape, Constant;
// - convolutional networks: Conv (2-D, group 1, optional bias), MaxPool (2-D, with its
//   Indices in row-major order), AveragePool (2-D), GlobalAveragePool, BatchNormalization
//   (inference), Transpose, Pad (constant mode, value 0), and Sub, Mul, Div (broadcasting, as Add).
// Conv and the pools take images [N, C, H, W] only; their attributes (auto_pad, pads, strides,
// dilations, ceil_mode, count_include_pad) as each opset defines them. Everything else is
// refused with the operator and node named: other operators, 1-D and 3-D convolutions and
// pools, grouped convolutions, training-mode BatchNormalization, other Pad modes and values,
// and attributes the model's opset does not have.
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

// Where a 2-D Conv, MaxPool or AveragePool node's window goes over an input [N, C, H, W] (for a
// Conv, its kernel from the weight W [C_out, C_in, kh, kw]): the attributes checked and resolved
// as the evaluator uses them (defaults, auto_pad's padding, ceil_mode's last window), so an
// importer can fold exactly what the evaluator runs. The error does not name the node.
struct OnnxWindow2d {
  std::int64_t kernel[2] = {1, 1}, strides[2] = {1, 1}, dilations[2] = {1, 1};
  std::int64_t pads[4] = {0, 0, 0, 0};  // top, left, bottom, right (ONNX's order: begins, then ends)
  std::int64_t out[2] = {0, 0};         // H_out, W_out
  bool ceil = false;                    // ceil_mode (and not a SAME auto_pad)
};
Result<OnnxWindow2d> onnx_window_2d(const OnnxNode& node, const std::vector<std::int64_t>& x_dims,
                                    const std::vector<std::int64_t>* w_dims);

// Numbers in messages as printf's %g writes them: 0.2, 1e-05, 1.67772e+07.
std::string onnx_number_text(double v);

}  // namespace lens
