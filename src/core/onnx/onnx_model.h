// The parts of an ONNX model (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto) that an importer of feed-forward networks needs, decoded from
// untrusted bytes with the wire reader in protobuf_wire.h. Tensors arrive as float32 (from
// float, double, float16, bfloat16 or bool storage, raw_data or typed fields) or as int64 (from
// int64 or int32: the shapes Reshape reads). Anything else is an error naming the tensor.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/formats/bytes.h"
#include "core/onnx/onnx_limits.h"
#include "core/result.h"

namespace lens {

// TensorProto.DataType values used here.
enum OnnxDataType : int {
  kOnnxUndefined = 0,
  kOnnxFloat = 1, kOnnxUint8 = 2, kOnnxInt8 = 3, kOnnxInt32 = 6, kOnnxInt64 = 7, kOnnxString = 8, kOnnxBool = 9,
  kOnnxFloat16 = 10, kOnnxDouble = 11, kOnnxBfloat16 = 16
};
const char* onnx_type_name(int type);  // "int64"
bool onnx_type_is_float(int type);  // float, double, float16, bfloat16

struct OnnxTensor {
  std::string name;
  int type = kOnnxFloat;                 // the element type it was stored as
  std::vector<std::int64_t> dims;        // empty for a scalar
  std::vector<float> values;             // float-like and bool types
  std::vector<std::int64_t> ints;        // int64 and int32
  bool is_int() const { return type == kOnnxInt64 || type == kOnnxInt32; }
  std::size_t count() const { return is_int() ? ints.size() : values.size(); }
  std::uint64_t bytes() const { return values.size() * kOnnxFloatBytes + ints.size() * kOnnxIntBytes; }  // as decoded
};

// AttributeProto.AttributeType values (an attribute without one gets the kind of the value it holds).
enum OnnxAttributeType : int {
  kOnnxAttrFloat = 1, kOnnxAttrInt = 2, kOnnxAttrString = 3, kOnnxAttrTensor = 4, kOnnxAttrGraph = 5,
  kOnnxAttrFloats = 6, kOnnxAttrInts = 7
};
const char* onnx_attribute_type_name(int type);  // "a float", "an int", "a list of ints", ...

struct OnnxAttribute {
  std::string name;
  int type = 0;  // OnnxAttributeType
  float f = 0;
  std::int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<std::int64_t> ints;
  std::vector<OnnxTensor> t;  // zero or one
  bool has_graph = false;     // subgraphs are not decoded (no operator here takes one)
};

struct OnnxNode {
  std::string op, name, domain;
  std::vector<std::string> inputs, outputs;  // "" marks an omitted optional input
  std::vector<OnnxAttribute> attributes;
  const OnnxAttribute* attribute(const std::string& name) const;
};

struct OnnxValueInfo {
  std::string name;
  int elem_type = 0;                 // 0 when the type is not a tensor or not given
  bool has_shape = false;
  std::vector<std::int64_t> dims;    // -1 for a symbolic or unknown dimension ("N")
};

struct OnnxModel {
  std::int64_t ir_version = 0;
  std::int64_t opset = 0;            // of the default domain ("" or "ai.onnx")
  std::string producer, producer_version, graph_name, doc;
  std::map<std::string, std::string> metadata;  // metadata_props
  std::vector<OnnxNode> nodes;
  std::vector<OnnxTensor> initializers;
  std::vector<OnnxValueInfo> inputs, outputs;
};

// A whole model file (ModelProto). Its tensors and attribute lists together stay within
// kOnnxMaxKeptBytes, each tensor within kOnnxMaxTensorElements (onnx_limits.h): checked
// before each is allocated.
Result<OnnxModel> onnx_model_parse(const Bytes& bytes);
// One serialized TensorProto (the backend test suite's input_*.pb / output_*.pb).
Result<OnnxTensor> onnx_tensor_parse(const Bytes& bytes);
// Whether these bytes look like an ONNX ModelProto (its first field is ir_version, field 1).
bool onnx_sniff(const Bytes& bytes);

}  // namespace lens
