#include "core/onnx/onnx_model.h"

#include <cstring>

#include "core/formats/bytes.h"
#include "core/onnx/protobuf_wire.h"

namespace lens {

const char* onnx_type_name(int type) {
  switch (type) {
    case 1: return "float";
    case 2: return "uint8";
    case 3: return "int8";
    case 4: return "uint16";
    case 5: return "int16";
    case 6: return "int32";
    case 7: return "int64";
    case 8: return "string";
    case 9: return "bool";
    case 10: return "float16";
    case 11: return "double";
    case 12: return "uint32";
    case 13: return "uint64";
    case 14: return "complex64";
    case 15: return "complex128";
    case 16: return "bfloat16";
    default: return "unknown";
  }
}

const char* onnx_attribute_type_name(int type) {
  switch (type) {
    case kOnnxAttrFloat: return "a float";
    case kOnnxAttrInt: return "an int";
    case kOnnxAttrString: return "a string";
    case kOnnxAttrTensor: return "a tensor";
    case kOnnxAttrGraph: return "a graph";
    case kOnnxAttrFloats: return "a list of floats";
    case kOnnxAttrInts: return "a list of ints";
    default: return "an attribute of another kind";
  }
}

bool onnx_type_is_float(int type) {
  return type == kOnnxFloat || type == kOnnxDouble || type == kOnnxFloat16 || type == kOnnxBfloat16;
}

const OnnxAttribute* OnnxNode::attribute(const std::string& n) const {
  for (const OnnxAttribute& a : attributes)
    if (a.name == n) return &a;
  return nullptr;
}

bool onnx_sniff(const Bytes& b) { return !b.empty() && b[0] == 0x08; }

namespace {

std::string mb(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MB"; }

// Decoding state shared by the message readers: the first error wins, and counts stay bounded.
struct Decoder {
  std::string error;
  std::size_t tensors = 0;
  std::uint64_t kept = 0;  // bytes of decoded values so far, against kOnnxMaxKeptBytes
  bool fail(const std::string& why) {
    if (error.empty()) error = why;
    return false;
  }
  // Books `count` values of `each` bytes before they are allocated.
  bool charge(std::uint64_t count, std::uint64_t each, const std::string& what) {
    if (count > kOnnxMaxTensorElements || kept + count * each > kOnnxMaxKeptBytes)
      return fail(what + ": the model's tensors would take more than " + mb(kOnnxMaxKeptBytes) +
                  " in all (initializers, constants and attribute values together; the limit is " +
                  mb(kOnnxMaxKeptBytes) + ")");
    kept += count * each;
    return true;
  }
};

// Refuses a repeated field that would take one value past `limit` (values already held: `have`).
bool within(Decoder& d, const WireField& f, WireType element, std::uint64_t have, std::uint64_t limit,
            const std::string& what) {
  const std::uint64_t n = wire_repeated_count(f, element);
  if (have + n <= limit) return true;
  return d.fail(what + " holds " + std::to_string(have + n) + " values; at most " + std::to_string(limit));
}

// IEEE half: 1 sign, 5 exponent, 10 mantissa bits.
float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
  const int exp = (h >> 10) & 0x1f;
  std::uint32_t mant = h & 0x3ff, bits;
  if (exp == 0x1f) bits = sign | 0x7f800000u | (mant << 13);            // inf or NaN
  else if (exp != 0) bits = sign | std::uint32_t(exp + 112) << 23 | (mant << 13);
  else if (mant == 0) bits = sign;                                       // +-0
  else {                                                                 // subnormal: normalize
    int e = 113;
    while (!(mant & 0x400)) { mant <<= 1; --e; }
    bits = sign | std::uint32_t(e) << 23 | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float bfloat16_to_float(std::uint16_t h) {
  const std::uint32_t bits = std::uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::size_t element_size(int type) {
  switch (type) {
    case kOnnxFloat: case kOnnxInt32: return 4;
    case kOnnxDouble: case kOnnxInt64: return 8;
    case kOnnxFloat16: case kOnnxBfloat16: return 2;
    case kOnnxBool: return 1;
    default: return 0;
  }
}

// raw_data is the values' little-endian bytes, one element after another.
void decode_raw(OnnxTensor& t, const std::uint8_t* p, std::size_t n) {
  if (t.is_int()) t.ints.resize(n);
  else t.values.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    switch (t.type) {
      case kOnnxFloat: t.values[k] = get_le_f32(p + 4 * k); break;
      case kOnnxDouble: t.values[k] = float(get_le_f64(p + 8 * k)); break;
      case kOnnxFloat16: t.values[k] = half_to_float(get_le_u16(p + 2 * k)); break;
      case kOnnxBfloat16: t.values[k] = bfloat16_to_float(get_le_u16(p + 2 * k)); break;
      case kOnnxBool: t.values[k] = p[k] ? 1.f : 0.f; break;
      case kOnnxInt32: t.ints[k] = std::int32_t(get_le_u32(p + 4 * k)); break;
      case kOnnxInt64: t.ints[k] = std::int64_t(get_le_u64(p + 8 * k)); break;
    }
  }
}

// The element count of a shape, or false (with the message) when a dimension is negative or
// the product passes kOnnxMaxTensorElements. Each step stays below 2^24 * 2^24: no overflow.
bool shape_elements(Decoder& d, const std::vector<std::int64_t>& dims, const std::string& what, std::uint64_t& n) {
  n = 1;
  for (std::int64_t dim : dims) {
    if (dim < 0) return d.fail(what + ": bad dimension " + std::to_string(dim));
    if (std::uint64_t(dim) > kOnnxMaxTensorElements || (n *= std::uint64_t(dim)) > kOnnxMaxTensorElements)
      return d.fail(what + ": shape has more than " + std::to_string(kOnnxMaxTensorElements) +
                    " elements (the limit for one tensor)");
  }
  return true;
}

// Writers put the name (field 8) after the dims and the data: look it up first, so that a
// refusal of those names the tensor.
std::string tensor_name(const std::uint8_t* data, std::size_t size) {
  WireReader r(data, size);
  WireField f;
  std::string name;
  while (r.next(f))
    if (f.number == 8) wire_string(f, name);
  return name;
}

bool read_tensor(Decoder& d, const std::uint8_t* data, std::size_t size, OnnxTensor& t) {
  if (++d.tensors > kOnnxMaxTensors) return d.fail("more than " + std::to_string(kOnnxMaxTensors) + " tensors");
  t.name = tensor_name(data, size);
  WireReader r(data, size);
  WireField f;
  const std::uint8_t* raw = nullptr;  // raw_data stays in the file's bytes until decoded
  std::size_t raw_size = 0;
  bool has_raw = false, external = false;
  std::vector<float> floats;
  std::vector<double> doubles;
  std::vector<std::int64_t> int32s, int64s;
  std::int64_t type = 0;
  const std::uint64_t kept_before = d.kept;
  std::uint64_t typed = 0;  // values in the typed fields so far, whichever field holds them
  auto typed_field = [&](WireType element, std::uint64_t each) {
    const std::string what = "tensor '" + t.name + "': field " + std::to_string(f.number);
    if (!within(d, f, element, typed, kOnnxMaxTensorElements, what)) return false;
    const std::uint64_t n = wire_repeated_count(f, element);
    typed += n;
    return d.charge(n, each, "tensor '" + t.name + "'");
  };
  while (r.next(f)) {
    bool ok = true;
    switch (f.number) {
      case 1:
        if (!within(d, f, WireType::Varint, t.dims.size(), kOnnxMaxRank, "tensor '" + t.name + "': dims")) return false;
        ok = wire_append_int64(f, t.dims);
        break;
      case 2: ok = wire_int64(f, type); break;
      case 4:
        if (!typed_field(WireType::Fixed32, kOnnxFloatBytes)) return false;
        ok = wire_append_float(f, floats);
        break;
      case 5:
        if (!typed_field(WireType::Varint, kOnnxIntBytes)) return false;
        ok = wire_append_int64(f, int32s);
        break;
      case 6: return d.fail("tensor '" + t.name + "': string data is not supported");
      case 7:
        if (!typed_field(WireType::Varint, kOnnxIntBytes)) return false;
        ok = wire_append_int64(f, int64s);
        break;
      case 8: ok = wire_string(f, t.name); break;
      case 9:
        ok = f.type == WireType::Len;
        raw = f.data, raw_size = f.size, has_raw = true;
        break;
      case 10:
        if (!typed_field(WireType::Fixed64, kOnnxIntBytes)) return false;
        ok = wire_append_double(f, doubles);
        break;
      case 13: external = true; break;
      case 14: { std::int64_t loc = 0; ok = wire_int64(f, loc); external = external || loc == 1; break; }
      default: break;  // segment, doc_string, uint64_data: not needed
    }
    if (!ok) return d.fail("tensor '" + t.name + "': malformed field " + std::to_string(f.number));
  }
  if (r.failed()) return d.fail("tensor '" + t.name + "': " + r.error());
  const std::string what = "tensor '" + t.name + "'";
  if (external)
    return d.fail(what + ": its data is in an external file; export the model with its weights inside the .onnx file");
  t.type = int(type);
  if (element_size(t.type) == 0)
    return d.fail(what + ": element type " + onnx_type_name(t.type) +
                  " is not supported (float, double, float16, bfloat16, int64, int32, bool)");
  std::uint64_t n = 0;
  if (!shape_elements(d, t.dims, what, n)) return false;
  if (has_raw) {
    if (raw_size != n * element_size(t.type))
      return d.fail(what + ": raw_data has " + std::to_string(raw_size) + " bytes, its shape needs " +
                    std::to_string(n * element_size(t.type)));
    if (!d.charge(n, t.is_int() ? kOnnxIntBytes : kOnnxFloatBytes, what)) return false;
    decode_raw(t, raw, std::size_t(n));
    d.kept = kept_before + t.bytes();
    return true;
  }
  // Typed fields: float in float_data; double in double_data; int64 in int64_data; int32,
  // bool, float16 and bfloat16 in int32_data (the 16-bit types as their bit patterns).
  std::size_t have = 0;
  switch (t.type) {
    case kOnnxFloat: have = floats.size(); t.values = std::move(floats); break;
    case kOnnxDouble:
      have = doubles.size();
      t.values.reserve(have);
      for (double v : doubles) t.values.push_back(float(v));
      break;
    case kOnnxInt64: have = int64s.size(); t.ints = std::move(int64s); break;
    case kOnnxInt32:
      have = int32s.size();
      t.ints.reserve(have);
      for (std::int64_t v : int32s) t.ints.push_back(std::int32_t(v));
      break;
    default:
      have = int32s.size();
      t.values.reserve(have);
      for (std::int64_t v : int32s)
        t.values.push_back(t.type == kOnnxBool ? (v ? 1.f : 0.f)
                           : t.type == kOnnxFloat16 ? half_to_float(std::uint16_t(v)) : bfloat16_to_float(std::uint16_t(v)));
  }
  if (have != n)
    return d.fail(what + ": " + std::to_string(have) + " values stored, its shape needs " + std::to_string(n));
  d.kept = kept_before + t.bytes();  // the exact size, now that the temporaries are gone
  return true;
}

bool read_shape(Decoder& d, const std::uint8_t* data, std::size_t size, OnnxValueInfo& v) {
  WireReader r(data, size);
  WireField f;
  v.has_shape = true;
  while (r.next(f)) {
    if (f.number != 1 || f.type != WireType::Len) continue;
    if (v.dims.size() >= kOnnxMaxRank)
      return d.fail("value '" + v.name + "': more than " + std::to_string(kOnnxMaxRank) + " dimensions");
    std::int64_t dim = -1;
    WireReader dr(f.data, f.size);
    WireField g;
    while (dr.next(g))
      if (g.number == 1 && !wire_int64(g, dim)) return d.fail("value '" + v.name + "': malformed dimension");
    if (dr.failed()) return d.fail("value '" + v.name + "': " + dr.error());
    v.dims.push_back(dim < 0 ? -1 : dim);
  }
  return !r.failed() || d.fail("value '" + v.name + "': " + r.error());
}

// ValueInfoProto { name = 1; type = 2 (TypeProto { tensor_type = 1 { elem_type = 1; shape = 2 } }) }
bool read_value_info(Decoder& d, const std::uint8_t* data, std::size_t size, OnnxValueInfo& v) {
  WireReader r(data, size);
  WireField f;
  while (r.next(f)) {
    if (f.number == 1 && !wire_string(f, v.name)) return d.fail("malformed value name");
    if (f.number != 2 || f.type != WireType::Len) continue;
    WireReader tr(f.data, f.size);
    WireField tf;
    while (tr.next(tf)) {
      if (tf.number != 1 || tf.type != WireType::Len) continue;  // sequences, maps, ...: not tensors
      WireReader xr(tf.data, tf.size);
      WireField xf;
      while (xr.next(xf)) {
        if (xf.number == 1) {
          std::int64_t t = 0;
          if (!wire_int64(xf, t)) return d.fail("value '" + v.name + "': malformed element type");
          v.elem_type = int(t);
        } else if (xf.number == 2 && xf.type == WireType::Len) {
          if (!read_shape(d, xf.data, xf.size, v)) return false;
        }
      }
      if (xr.failed()) return d.fail("value '" + v.name + "': " + xr.error());
    }
    if (tr.failed()) return d.fail("value '" + v.name + "': " + tr.error());
  }
  return !r.failed() || d.fail("value info: " + r.error());
}

bool read_attribute(Decoder& d, const std::uint8_t* data, std::size_t size, OnnxAttribute& a) {
  WireReader r(data, size);
  WireField f;
  int held = 0;  // the kind of the value the fields hold, for an attribute that does not say
  while (r.next(f)) {
    bool ok = true;
    const std::string what = "attribute '" + a.name + "'";
    switch (f.number) {
      case 1: ok = wire_string(f, a.name); break;
      case 20: { std::int64_t t = 0; ok = wire_int64(f, t); a.type = int(t); break; }
      case 2: ok = wire_float(f, a.f); held = kOnnxAttrFloat; break;
      case 3: ok = wire_int64(f, a.i); held = kOnnxAttrInt; break;
      case 4: ok = wire_string(f, a.s); held = kOnnxAttrString; break;
      case 5:
        if (f.type != WireType::Len || !a.t.empty()) { ok = false; break; }
        a.t.emplace_back();
        if (!read_tensor(d, f.data, f.size, a.t.back())) return false;
        held = kOnnxAttrTensor;
        break;
      case 6: case 11: a.has_graph = true; held = kOnnxAttrGraph; break;
      case 7:
        if (!within(d, f, WireType::Fixed32, a.floats.size(), kOnnxMaxTensorElements, what + ": floats")) return false;
        ok = d.charge(wire_repeated_count(f, WireType::Fixed32), kOnnxFloatBytes, what) && wire_append_float(f, a.floats);
        held = kOnnxAttrFloats;
        break;
      case 8:
        if (!within(d, f, WireType::Varint, a.ints.size(), kOnnxMaxTensorElements, what + ": ints")) return false;
        ok = d.charge(wire_repeated_count(f, WireType::Varint), kOnnxIntBytes, what) && wire_append_int64(f, a.ints);
        held = kOnnxAttrInts;
        break;
      default: break;  // strings, tensors, sparse tensors, type protos: no supported operator uses them
    }
    if (!ok) return d.fail(what + ": malformed field " + std::to_string(f.number));
  }
  if (a.type == 0) a.type = held;  // IR version 1 files have no type field
  return !r.failed() || d.fail("attribute '" + a.name + "': " + r.error());
}

bool read_node(Decoder& d, const std::uint8_t* data, std::size_t size, OnnxNode& n) {
  WireReader r(data, size);
  WireField f;
  while (r.next(f)) {
    bool ok = true;
    std::string s;
    switch (f.number) {
      case 1: ok = wire_string(f, s); n.inputs.push_back(s); break;
      case 2: ok = wire_string(f, s); n.outputs.push_back(s); break;
      case 3: ok = wire_string(f, n.name); break;
      case 4: ok = wire_string(f, n.op); break;
      case 7: ok = wire_string(f, n.domain); break;
      case 5:
        if (n.attributes.size() >= kOnnxMaxAttributes)
          return d.fail("node '" + n.name + "': more than " + std::to_string(kOnnxMaxAttributes) + " attributes");
        if (f.type != WireType::Len) { ok = false; break; }
        n.attributes.emplace_back();
        if (!read_attribute(d, f.data, f.size, n.attributes.back())) return false;
        break;
      default: break;
    }
    if (!ok) return d.fail("node '" + n.name + "': malformed field " + std::to_string(f.number));
    if (n.inputs.size() > kOnnxMaxNodeValues || n.outputs.size() > kOnnxMaxNodeValues)
      return d.fail("node '" + n.name + "': more than " + std::to_string(kOnnxMaxNodeValues) + " inputs or outputs");
  }
  return !r.failed() || d.fail("node '" + n.name + "': " + r.error());
}

bool read_graph(Decoder& d, const std::uint8_t* data, std::size_t size, OnnxModel& m) {
  WireReader r(data, size);
  WireField f;
  while (r.next(f)) {
    if (f.type != WireType::Len) continue;
    switch (f.number) {
      case 1:
        if (m.nodes.size() >= kOnnxMaxNodes) return d.fail("more than " + std::to_string(kOnnxMaxNodes) + " nodes");
        m.nodes.emplace_back();
        if (!read_node(d, f.data, f.size, m.nodes.back())) return false;
        break;
      case 2: wire_string(f, m.graph_name); break;
      case 5:
        m.initializers.emplace_back();
        if (!read_tensor(d, f.data, f.size, m.initializers.back())) return false;
        break;
      case 15: return d.fail("sparse initializers are not supported");
      case 11: case 12:
        if (m.inputs.size() + m.outputs.size() >= kOnnxMaxTensors) return d.fail("too many graph inputs or outputs");
        (f.number == 11 ? m.inputs : m.outputs).emplace_back();
        if (!read_value_info(d, f.data, f.size, (f.number == 11 ? m.inputs : m.outputs).back())) return false;
        break;
      default: break;  // value_info (intermediate shapes), doc_string, quantization annotations
    }
  }
  return !r.failed() || d.fail("graph: " + r.error());
}

}  // namespace

Result<OnnxModel> onnx_model_parse(const Bytes& bytes) {
  using R = Result<OnnxModel>;
  if (bytes.empty()) return R::fail("onnx: empty file");
  if (bytes.size() > kOnnxMaxBytes)
    return R::fail("onnx: the file has " + std::to_string(bytes.size()) + " bytes; at most " + mb(kOnnxMaxBytes));
  Decoder d;
  OnnxModel m;
  bool has_graph = false;
  WireReader r(bytes.data(), bytes.size());
  WireField f;
  while (r.next(f)) {
    bool ok = true;
    switch (f.number) {
      case 1: ok = wire_int64(f, m.ir_version); break;
      case 2: ok = wire_string(f, m.producer); break;
      case 3: ok = wire_string(f, m.producer_version); break;
      case 6: ok = wire_string(f, m.doc); break;
      case 7:
        if (f.type != WireType::Len || has_graph) { ok = false; break; }
        has_graph = true;
        if (!read_graph(d, f.data, f.size, m)) return R::fail("onnx: " + d.error);
        break;
      case 8: {  // OperatorSetIdProto { domain = 1; version = 2 }
        if (f.type != WireType::Len) { ok = false; break; }
        std::string domain;
        std::int64_t version = 0;
        WireReader o(f.data, f.size);
        WireField g;
        while (o.next(g)) {
          if (g.number == 1) wire_string(g, domain);
          if (g.number == 2) wire_int64(g, version);
        }
        if (o.failed()) return R::fail("onnx: opset_import: " + o.error());
        if (domain.empty() || domain == "ai.onnx") m.opset = version;
        break;
      }
      case 14: {  // StringStringEntryProto { key = 1; value = 2 }
        if (f.type != WireType::Len) { ok = false; break; }
        std::string key, value;
        WireReader o(f.data, f.size);
        WireField g;
        while (o.next(g)) {
          if (g.number == 1) wire_string(g, key);
          if (g.number == 2) wire_string(g, value);
        }
        if (o.failed()) return R::fail("onnx: metadata_props: " + o.error());
        if (m.metadata.size() < kOnnxMaxMetadata) m.metadata[key] = value;
        break;
      }
      default: break;
    }
    if (!ok) return R::fail("onnx: malformed model field " + std::to_string(f.number) + " (not an ONNX model?)");
  }
  if (r.failed()) return R::fail("onnx: not a valid ONNX file (" + r.error() + ")");
  if (!has_graph) return R::fail("onnx: no graph in the file (not an ONNX model?)");
  return R::ok(std::move(m));
}

Result<OnnxTensor> onnx_tensor_parse(const Bytes& bytes) {
  Decoder d;
  OnnxTensor t;
  if (!read_tensor(d, bytes.data(), bytes.size(), t)) return Result<OnnxTensor>::fail("onnx: " + d.error);
  return Result<OnnxTensor>::ok(std::move(t));
}

}  // namespace lens
