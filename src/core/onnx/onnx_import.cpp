#include "core/onnx/onnx_import.h"

#include "core/formats/number_text.h"

#include <cmath>
#include <cstdlib>

namespace lens {

namespace {

using R = Result<Bundle>;

// Where the walk along the chain stands: what the next node may be.
enum class Stage { Input, Linear, Activated, Final };

struct Fold {
  const OnnxGraph& g;
  OnnxBudget budget;                         // what folding may still keep and compute
  std::map<std::string, OnnxTensor> folded;  // outputs of constant subgraphs (the graph's own stay in g)
  std::string cur;                           // the one value the chain carries
  int rank = 2;                              // of cur
  std::int64_t width = -1;                   // features per sample in cur; -1 while unknown
  std::int64_t batch = -1;                   // the input's fixed batch size; -1 when symbolic ("N")
  Stage stage = Stage::Input;
  Mlp net;
  bool ended_in_softmax = false;

  const OnnxTensor* constant(const std::string& name) const {
    if (auto it = g.constants.find(name); it != g.constants.end()) return &it->second;
    auto it = folded.find(name);
    return it == folded.end() ? nullptr : &it->second;
  }
};

const char* const kChain =
    "supported: a chain Flatten/Reshape -> (Gemm or MatMul + Add -> activation)... -> optional Softmax/LogSoftmax, "
    "as torch.onnx.export writes for an nn.Sequential MLP";

std::string fail_at(const OnnxNode& n, std::size_t i, const std::string& why) {
  return "onnx: " + onnx_node_label(n, i) + ": " + why;
}

// Runs a node whose inputs are all constants (a converter's leftover arithmetic on weights).
// Its outputs are kept, so every fold books them, and its multiply-adds, against one budget
// for the whole import before it computes anything.
std::string fold_constant_node(Fold& f, const OnnxNode& n) {
  std::vector<const OnnxTensor*> in;
  for (const std::string& name : n.inputs) in.push_back(name.empty() ? nullptr : f.constant(name));
  auto r = onnx_node_run(n, f.g.opset, in, f.budget);
  if (!r) return "folding a node whose inputs are all constants: " + r.error;
  for (std::size_t k = 0; k < r->size() && k < n.outputs.size(); ++k)
    if (!n.outputs[k].empty()) f.folded[n.outputs[k]] = std::move((*r)[k]);
  return "";
}

// "a 2-D int64 tensor", "a 1-D float tensor", "a scalar float tensor".
std::string tensor_kind(const OnnxTensor& t) {
  const std::string rank = t.dims.empty() ? "scalar" : std::to_string(t.dims.size()) + "-D";
  return "a " + rank + " " + onnx_type_name(t.type) + " tensor";
}

// A weight matrix from a constant: Gemm's B (transposed unless transB) or MatMul's B.
std::string dense_from(Fold& f, const OnnxTensor& B, bool b_is_out_by_in, float alpha, Dense& d) {
  if (B.is_int() || B.dims.size() != 2) return "the weight must be a 2-D float tensor, got " + tensor_kind(B);
  const std::int64_t O = b_is_out_by_in ? B.dims[0] : B.dims[1], I = b_is_out_by_in ? B.dims[1] : B.dims[0];
  if (f.width >= 0 && I != f.width)
    return "the weight takes " + std::to_string(I) + " inputs but the layer before gives " + std::to_string(f.width);
  if (O < 1 || I < 1 || O > kBundleMaxWidth || I > kBundleMaxWidth) return "a layer of " + std::to_string(O) + " x " + std::to_string(I) + " units";
  d.W.resize(O, I);
  for (std::int64_t o = 0; o < O; ++o)
    for (std::int64_t i = 0; i < I; ++i)
      d.W(o, i) = alpha * B.values[std::size_t(b_is_out_by_in ? o * I + i : i * O + o)];
  d.b = Eigen::VectorXf::Zero(O);
  return "";
}

// A bias of O values: shape [O], [1, O], or a scalar broadcast to every unit.
std::string add_bias(const OnnxTensor& c, float beta, Dense& d) {
  const std::size_t O = std::size_t(d.outputs()), n = c.values.size();
  const bool row = (c.dims.size() == 1 && n == O) || (c.dims.size() == 2 && c.dims[0] == 1 && std::size_t(c.dims[1]) == O);
  if (c.is_int() || !(row || n == 1))
    return "the bias must be a float tensor of shape [" + std::to_string(O) + "] or [1, " + std::to_string(O) + "], got " +
           tensor_kind(c);
  for (std::size_t o = 0; o < O; ++o) d.b(Eigen::Index(o)) += beta * c.values[n == 1 ? 0 : o];
  return "";
}

// A Reshape the chain can take is a flatten: it keeps the batch and puts every feature of an
// image in one row. [-1, W] (Keras, x.view(-1, 784)), [0, -1] and [0, W] (0 copies the batch),
// or [B, -1] / [B, W] when B is the input's fixed batch size (a trace without dynamic axes).
// Anything else, [784, -1] for one, would mix images or features.
std::string reshape_is_flatten(const Fold& f, const OnnxNode& n, const std::vector<std::int64_t>& s) {
  const OnnxAttribute* allowzero = n.attribute("allowzero");
  const bool zero_copies = !allowzero || allowzero->i == 0;
  const bool keeps_batch = s.size() == 2 && (s[0] == -1 || (s[0] == 0 && zero_copies) || (f.batch >= 1 && s[0] == f.batch));
  const bool all_features = s.size() == 2 && (s[1] == -1 ? s[0] != -1 : s[1] > 0 && (f.width < 0 || s[1] == f.width));
  if (keeps_batch && all_features) return "";
  std::string shape = "[";
  for (std::size_t k = 0; k < s.size(); ++k) shape += (k ? ", " : "") + std::to_string(s[k]);
  const std::string w = f.width >= 0 ? std::to_string(f.width) : "W";
  return "Reshape to " + shape + "] is not a flatten of each image; supported: [-1, " + w + "], [0, -1] or [0, " + w + "]" +
         (f.batch >= 1 ? ", or [" + std::to_string(f.batch) + ", -1] for this input's fixed batch" : "");
}

std::string step(Fold& f, const OnnxNode& n) {
  const std::string& op = n.op;
  if (f.stage == Stage::Final && op != "Identity")
    return "comes after the final " + std::string(f.ended_in_softmax ? "Softmax" : "layer") + "; " + kChain;
  if (op == "Identity" || op == "Dropout") {
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
      const OnnxTensor* mode = f.constant(n.inputs[2]);
      if (!mode || mode->count() != 1 || (mode->is_int() ? mode->ints[0] : mode->values[0]) != 0)
        return "Dropout in training mode is not supported; export with model.eval()";
    }
    f.cur = n.outputs[0];
    return "";
  }
  if (op == "Flatten" || op == "Reshape") {
    if (f.stage != Stage::Input) return op + " between layers; " + kChain;
    if (op == "Flatten") {
      const OnnxAttribute* a = n.attribute("axis");
      const std::int64_t axis = a ? a->i : 1;
      if (axis != 1 && axis != 1 - f.rank) return "Flatten with axis " + std::to_string(axis) + "; supported: axis 1 (keep the batch)";
    } else {
      const OnnxTensor* shape = n.inputs.size() > 1 ? f.constant(n.inputs[1]) : nullptr;
      if (!shape || !shape->is_int()) return "Reshape to a shape computed at run time; supported: a constant shape such as [-1, 784]";
      if (std::string e = reshape_is_flatten(f, n, shape->ints); !e.empty()) return e;
      if (f.width < 0 && shape->ints[1] > 0) f.width = shape->ints[1];
    }
    f.rank = 2;
    f.cur = n.outputs[0];
    return "";
  }
  if (op == "Gemm" || op == "MatMul") {
    if (f.rank != 2) return "its input is " + std::to_string(f.rank) + "-D; flatten the image first (nn.Flatten())";
    if (n.inputs.size() < 2 || n.inputs[0] != f.cur) return "the data must be the first input (A); " + std::string(kChain);
    const OnnxTensor* B = f.constant(n.inputs[1]);
    if (!B) return "the weight '" + n.inputs[1] + "' is not a constant; " + kChain;
    const OnnxAttribute* ta = n.attribute("transA");
    if (ta && ta->i != 0) return "Gemm with transA = 1 (the batch along columns) is not supported";
    const OnnxAttribute* tb = n.attribute("transB");
    const OnnxAttribute* alpha = n.attribute("alpha");
    const OnnxAttribute* beta = n.attribute("beta");
    Dense d;
    if (std::string e = dense_from(f, *B, tb && tb->i != 0, alpha ? alpha->f : 1.f, d); !e.empty()) return e;
    if (op == "Gemm" && n.inputs.size() > 2 && !n.inputs[2].empty()) {
      const OnnxTensor* C = f.constant(n.inputs[2]);
      if (!C) return "the bias '" + n.inputs[2] + "' is not a constant";
      if (std::string e = add_bias(*C, beta ? beta->f : 1.f, d); !e.empty()) return e;
    }
    if (f.net.layers.size() >= std::size_t(kBundleMaxLayers)) return "more than " + std::to_string(kBundleMaxLayers) + " layers";
    f.width = d.outputs();
    f.net.layers.push_back(std::move(d));
    f.stage = Stage::Linear;
    f.cur = n.outputs[0];
    return "";
  }
  if (op == "Add") {
    if (f.stage != Stage::Linear) return "an Add that is not a layer's bias (it must follow Gemm or MatMul); " + std::string(kChain);
    const std::string& other = n.inputs[0] == f.cur ? n.inputs[1] : n.inputs[0];
    const OnnxTensor* c = f.constant(other);
    if (!c) return "adds '" + other + "', which is not a constant (a residual connection?); " + kChain;
    if (std::string e = add_bias(*c, 1.f, f.net.layers.back()); !e.empty()) return e;
    f.cur = n.outputs[0];
    return "";
  }
  if (op == "Relu" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh") {
    if (f.stage != Stage::Linear) return op + " not right after a Gemm or MatMul (+ Add); " + kChain;
    Activation act = op == "Relu" ? Activation::ReLU : op == "Sigmoid" ? Activation::Sigmoid
                   : op == "Tanh" ? Activation::Tanh : Activation::LeakyReLU;
    if (act == Activation::LeakyReLU) {
      const OnnxAttribute* a = n.attribute("alpha");
      const float alpha = a ? a->f : 0.01f;
      if (std::abs(alpha - kLeakySlope) > 1e-6f)
        return "LeakyRelu with alpha " + onnx_number_text(alpha) + " is not supported; supported: alpha 0.01 (PyTorch's default)";
    }
    f.net.layers.back().act = act;
    f.stage = Stage::Activated;
    f.cur = n.outputs[0];
    return "";
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    if (f.stage == Stage::Input) return op + " before any layer; " + kChain;
    const OnnxAttribute* a = n.attribute("axis");
    const std::int64_t axis = a ? a->i : (f.g.opset >= 13 ? -1 : 1);
    if (axis != 1 && axis != -1) return op + " over axis " + std::to_string(axis) + "; supported: over the classes (axis 1 or -1)";
    f.ended_in_softmax = true;
    f.stage = Stage::Final;
    f.cur = n.outputs[0];
    return "";
  }
  return "operator " + op + " is not supported here; " + kChain;
}

std::string clean_text(const std::string& s, std::size_t max_bytes);

// A metadata value as a number: the whole text, finite ("0.3081xyz" is not 0.3081; core/formats/number_text.h).
bool metadata_number(const OnnxModel& m, const char* key, double& out, std::string& error) {
  const auto it = m.metadata.find(key);
  if (it == m.metadata.end()) return false;
  const auto v = number_from_text(key, it->second);
  if (v) out = *v;  // the message quotes the text cleaned: it comes from the file
  else error = std::string("onnx: metadata ") + key + " is '" + clean_text(it->second, 40) + "', not a number (the whole text must be one finite number, e.g. 0.3081)";
  return true;
}

InputNorm norm_from(const OnnxModel& m, const OnnxImportOptions& o, std::string& error) {
  if (o.norm) return *o.norm;
  InputNorm n;
  double mean = n.mean, sd = n.std;
  const bool has_mean = metadata_number(m, "lens.input_mean", mean, error);
  const bool has_std = metadata_number(m, "lens.input_std", sd, error);
  if (!error.empty() || !(has_mean || has_std)) return n;
  n.mean = float(mean), n.std = float(sd);
  if (!std::isfinite(n.mean) || !std::isfinite(n.std) || n.std <= 0)
    error = "onnx: metadata lens.input_mean / lens.input_std must be numbers, std positive";
  return n;
}

// Text from the file as valid UTF-8 of at most max_bytes (the bundle header is JSON, which
// must be UTF-8): malformed sequences and control characters become '?'. Found by fuzz_onnx.
std::string clean_text(const std::string& s, std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && out.size() < max_bytes;) {
    const auto c = std::uint8_t(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (std::uint8_t(s[i + k]) & 0xc0) == 0x80;
    if (ok && n == 2) ok = c >= 0xc2;                                          // no overlong forms
    if (ok && n == 3) ok = !(c == 0xe0 && std::uint8_t(s[i + 1]) < 0xa0) &&   // overlong
                           !(c == 0xed && std::uint8_t(s[i + 1]) >= 0xa0);    // surrogates
    if (ok && n == 4) ok = c <= 0xf4 && !(c == 0xf0 && std::uint8_t(s[i + 1]) < 0x90) &&
                           !(c == 0xf4 && std::uint8_t(s[i + 1]) >= 0x90);    // beyond U+10FFFF
    if (ok && n == 1 && c < 0x20) ok = false;
    if (!ok) { out += '?'; ++i; continue; }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

std::string display_name(const OnnxModel& m, const OnnxImportOptions& o) {
  // The graph names exporters write unless told otherwise (torch.onnx.export, tf2onnx) name the
  // exporter, not the model: every PyTorch export would be called "torch_jit".
  bool exporters = false;
  for (const char* name : {"torch_jit", "torch-jit-export", "main_graph", "tf2onnx"}) exporters = exporters || m.graph_name == name;
  if (!o.name.empty()) return clean_text(o.name, 200);
  if (auto it = m.metadata.find("lens.name"); it != m.metadata.end() && !it->second.empty()) return clean_text(it->second, 200);
  if (!m.graph_name.empty() && !exporters) return clean_text(m.graph_name, 200);
  return m.producer.empty() ? "ONNX model" : "ONNX model from " + clean_text(m.producer, 60);
}

// A URL-safe id from a display name: lower-case letters, digits, '-' and '_'.
std::string slug(const std::string& name) {
  std::string id;
  for (char c : name) {
    const char l = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_') id += l;
    else if (!id.empty() && id.back() != '-') id += '-';
    if (id.size() >= 48) break;
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id.empty() ? "onnx-model" : id;
}

}  // namespace

Result<Bundle> onnx_import_graph(const OnnxModel& m, const OnnxGraph& g, const OnnxImportOptions& o) {
  if (g.inputs.size() != 1) return R::fail("onnx: the graph has " + std::to_string(g.inputs.size()) + " inputs; supported: one (the image)");
  if (g.outputs.size() != 1) return R::fail("onnx: the graph has " + std::to_string(g.outputs.size()) + " outputs; supported: one (the class scores)");
  const OnnxValueInfo& in = g.inputs[0];
  Fold f{g, o.budget, {}, in.name, 2, -1, -1, Stage::Input, {}, false};
  const std::uint64_t held = onnx_constants_bytes(g);
  f.budget.bytes = held < f.budget.bytes ? f.budget.bytes - held : 0;
  if (in.has_shape) {
    f.rank = int(in.dims.size());
    if (!in.dims.empty()) f.batch = in.dims[0];
    if (f.rank < 2) return R::fail("onnx: the input '" + in.name + "' is " + std::to_string(f.rank) + "-D; supported: [N, 784] or [N, 1, 28, 28]");
    std::int64_t w = 1;
    for (std::size_t k = 1; k < in.dims.size(); ++k) w = in.dims[k] < 0 || w < 0 ? -1 : w * in.dims[k];
    f.width = w;
  }
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const OnnxNode& n = g.nodes[i];
    bool reads_cur = false, all_const = true;
    std::string stray;
    for (std::size_t k = 0; k < n.inputs.size(); ++k) {
      const std::string& name = n.inputs[k];
      if (name.empty()) continue;
      if (name == f.cur) reads_cur = true;
      else if (!f.constant(name)) stray = name;
      if (!f.constant(name)) all_const = false;
    }
    if (!stray.empty())
      return R::fail(fail_at(n, i, "reads '" + stray + "', a value off the main chain; " + kChain));
    if (!reads_cur && all_const) {
      if (std::string e = fold_constant_node(f, n); !e.empty()) return R::fail(fail_at(n, i, e));
      continue;
    }
    if (std::string e = step(f, n); !e.empty()) return R::fail(fail_at(n, i, e));
  }
  if (f.net.layers.empty()) return R::fail(std::string("onnx: the graph has no Gemm or MatMul layer; ") + kChain);
  if (f.cur != g.outputs[0].name)
    return R::fail("onnx: the graph's output '" + g.outputs[0].name + "' is not the end of the chain; " + kChain);
  // One sigmoid output (XOR-like) is the sigmoid head; a trailing softmax is the page's own.
  Dense& last = f.net.layers.back();
  if (!f.ended_in_softmax && last.outputs() == 1 && last.act == Activation::Sigmoid) {
    last.act = Activation::Identity;
    f.net.head = Head::Sigmoid;
  }
  std::string error;
  f.net.norm = norm_from(m, o, error);
  if (!error.empty()) return R::fail(error);

  Bundle b;
  b.info.name = display_name(m, o);
  b.info.id = o.id.empty() ? slug(b.info.name) : o.id;
  b.info.dataset = "mnist";
  b.info.notes = "Imported from ONNX (" + (m.producer.empty() ? std::string("unknown producer") : clean_text(m.producer, 60) + " " +
                 clean_text(m.producer_version, 30)) + ", opset " + std::to_string(g.opset) + ")" +
                 (f.ended_in_softmax ? "; the model's final softmax is the page's own" : "");
  if (o.test_accuracy) b.info.test_accuracy = *o.test_accuracy;
  else if (double acc = -1; metadata_number(m, "lens.test_accuracy", acc, error)) {
    if (error.empty() && !(acc >= 0 && acc <= 1))
      error = "onnx: metadata lens.test_accuracy is " + onnx_number_text(acc) + "; it must be in [0, 1]";
    if (!error.empty()) return R::fail(error);
    b.info.test_accuracy = acc;
  }
  b.net = std::move(f.net);
  // The bundle reader's checks (finite weights of sane magnitude, no overflow, id and sizes)
  // apply to imports too: round-trip through it.
  auto checked = bundle_read(bundle_write(b));
  if (!checked) return R::fail("onnx: the imported network is refused: " + checked.error);
  return checked;
}

Result<Bundle> onnx_import(const Bytes& bytes, const OnnxImportOptions& o) {
  auto m = onnx_model_parse(bytes);
  if (!m) return R::fail(m.error);
  auto g = onnx_graph_make(std::move(*m));  // the tensors move; the metadata stays in *m
  if (!g) return R::fail(g.error);
  return onnx_import_graph(*m, *g, o);
}

}  // namespace lens
