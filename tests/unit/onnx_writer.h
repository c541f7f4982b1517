// A tiny ONNX writer for tests: hand-built models (a Gemm chain, an unsupported operator, a
// truncated file) without PyTorch. Protobuf wire format, the fields onnx.proto numbers.
#pragma once
#include <cstring>
#include <string>
#include <vector>

#include "core/formats/bytes.h"

namespace lens::test {

struct PbWriter {
  Bytes out;
  void varint(std::uint64_t v) {
    while (v >= 0x80) { out.push_back(std::uint8_t(v | 0x80)); v >>= 7; }
    out.push_back(std::uint8_t(v));
  }
  void key(int field, int type) { varint(std::uint64_t(field) << 3 | std::uint64_t(type)); }
  PbWriter& i(int field, std::int64_t v) { key(field, 0); varint(std::uint64_t(v)); return *this; }
  PbWriter& f32(int field, float v) {
    key(field, 5);
    put_le_f32(out, v);
    return *this;
  }
  PbWriter& bytes(int field, const Bytes& b) { key(field, 2); varint(b.size()); out.insert(out.end(), b.begin(), b.end()); return *this; }
  PbWriter& str(int field, const std::string& s) { return bytes(field, Bytes(s.begin(), s.end())); }
  PbWriter& msg(int field, const PbWriter& m) { return bytes(field, m.out); }
  PbWriter& packed(int field, const std::vector<std::int64_t>& v) {  // a packed run of varints
    PbWriter run;
    for (std::int64_t x : v) run.varint(std::uint64_t(x));
    return bytes(field, run.out);
  }
};

// TensorProto with float raw_data.
inline PbWriter onnx_tensor(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& v) {
  PbWriter t;
  for (std::int64_t d : dims) t.i(1, d);
  t.i(2, 1).str(8, name);
  Bytes raw(v.size() * 4);
  if (!v.empty()) std::memcpy(raw.data(), v.data(), raw.size());
  t.bytes(9, raw);
  return t;
}

inline PbWriter onnx_int_tensor(const std::string& name, const std::vector<std::int64_t>& v) {
  PbWriter t;
  t.i(1, std::int64_t(v.size())).i(2, 7).str(8, name);
  for (std::int64_t x : v) t.i(7, x);
  return t;
}

// ValueInfoProto: float tensor of the given dims (-1 = symbolic "N").
inline PbWriter onnx_value(const std::string& name, const std::vector<std::int64_t>& dims) {
  PbWriter shape;
  for (std::int64_t d : dims) {
    PbWriter dim;
    if (d < 0) dim.str(2, "N");
    else dim.i(1, d);
    shape.msg(1, dim);
  }
  PbWriter tensor_type, type, v;
  tensor_type.i(1, 1).msg(2, shape);
  type.msg(1, tensor_type);
  v.str(1, name).msg(2, type);
  return v;
}

struct OnnxAttr {
  std::string name;
  int type;  // 1 float, 2 int
  float f = 0;
  std::int64_t i = 0;
};

inline PbWriter onnx_node(const std::string& op, const std::vector<std::string>& in, const std::vector<std::string>& out,
                          const std::string& name = "", const std::vector<OnnxAttr>& attrs = {}) {
  PbWriter n;
  for (const auto& s : in) n.str(1, s);
  for (const auto& s : out) n.str(2, s);
  n.str(3, name).str(4, op);
  for (const OnnxAttr& a : attrs) {
    PbWriter m;
    m.str(1, a.name).i(20, a.type);
    if (a.type == 1) m.f32(2, a.f);
    else m.i(3, a.i);
    n.msg(5, m);
  }
  return n;
}

inline Bytes onnx_model(const std::vector<PbWriter>& nodes, const std::vector<PbWriter>& inits, const PbWriter& input,
                        const PbWriter& output, int opset = 13,
                        const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
  PbWriter g;
  for (const auto& n : nodes) g.msg(1, n);
  g.str(2, "test_graph");
  for (const auto& t : inits) g.msg(5, t);
  g.msg(11, input).msg(12, output);
  PbWriter opset_id;
  opset_id.str(1, "").i(2, opset);
  PbWriter m;
  m.i(1, 8).str(2, "lens-test").str(3, "1").msg(7, g).msg(8, opset_id);
  for (const auto& [k, v] : metadata) {
    PbWriter e;
    e.str(1, k).str(2, v);
    m.msg(14, e);
  }
  return m.out;
}

}  // namespace lens::test
