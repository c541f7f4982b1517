// libFuzzer target: the ONNX reader on arbitrary bytes. Parsing, checking the graph, folding it
// into an Mlp and evaluating it must each return a value or an error that says why, never
// crash, hang or read out of bounds (built with ASan + UBSan). An import that succeeds must
// pass the bundle reader's round trip and give finite outputs. Memory stays within the budgets
// of src/core/onnx/onnx_limits.h: tools/fuzz.sh runs this target with -malloc_limit_mb=256 and
// -rss_limit_mb=1024, so an allocation or a process past them is reported as a crash, and
// with tests/fuzz/onnx.dict, the operator, attribute and field names a model is made of.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "core/onnx/onnx_import.h"

using namespace lens;

// Runs the graph on inputs of its declared shapes (unknown dimensions as 1), when small.
static void evaluate(const OnnxGraph& g) {
  std::vector<OnnxTensor> inputs;
  for (const OnnxValueInfo& v : g.inputs) {
    OnnxTensor t;
    std::size_t n = 1;
    for (std::int64_t d : v.dims) {
      t.dims.push_back(d < 0 ? 1 : d);
      n *= std::size_t(t.dims.back());
      if (n > 4096) return;
    }
    if (v.elem_type == kOnnxInt64 || v.elem_type == kOnnxInt32) {
      t.type = v.elem_type;
      t.ints.assign(n, 1);
    } else {
      t.values.assign(n, 0.5f);
    }
    inputs.push_back(std::move(t));
  }
  const auto out = onnx_graph_run(g, inputs);
  if (!out && out.error.empty()) __builtin_trap();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes bytes(data, data + size);
  if (auto t = onnx_tensor_parse(bytes); !t && t.error.empty()) __builtin_trap();
  const auto m = onnx_model_parse(bytes);
  if (!m) {
    if (m.error.empty()) __builtin_trap();
    return 0;
  }
  const auto g = onnx_graph_make(*m);
  if (!g) {
    if (g.error.empty()) __builtin_trap();
    return 0;
  }
  evaluate(*g);
  const auto b = onnx_import_graph(*m, *g, {});
  if (!b) {
    if (b.error.empty()) __builtin_trap();
    return 0;
  }
  const Bytes again = bundle_write(*b);
  const auto r = bundle_read(again);
  if (!r || bundle_write(*r) != again) __builtin_trap();
  const Eigen::MatrixXf x = Eigen::MatrixXf::Constant(b->net.inputs(), 1, 1.f);
  if (!head_probabilities(b->net.head, mlp_forward(b->net, x)).allFinite()) __builtin_trap();
  return 0;
}
