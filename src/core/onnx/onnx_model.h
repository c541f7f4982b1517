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
#include "core/result.h"

namespace lens {

// TensorProto.DataType values used here.
enum OnnxDataType : int {
  kOnnxFloat = 1, kOnnxUint8 = 2, kOnnxInt8 = 3, kOnnxInt32 = 6, kOnnxInt64 = 7, kOnnxString = 8, kOnnxBool = 9,
  kOnnxFloat16 = 10, kOnnxDouble = 11, kOnnxBfloat16 = 16
};
const char* onnx_type_name(int type);
bool onnx_type_is_float(int type);  // float, double, float16, bfloat16

constexpr std::size_t kOnnxMaxBytes = std::size_t(256) << 20;      // the largest .onnx file read
constexpr std::size_t kOnnxMaxElements = std::size_t(1) << 25;     // in one tensor
constexpr std::size_t kOnnxMaxRank = 8;
constexpr std::size_t kOnnxMaxNodes = 4096;
constexpr std::size_t kOnnxMaxTensors = 4096;                      // initializers + attribute tensors

struct OnnxTensor {
  std::string name;
  int type = kOnnxFloat;                 // the element type it was stored as
  std::vector<std::int64_t> dims;        // empty for a scalar
  std::vector<float> values;             // float-like and bool types
  std::vector<std::int64_t> ints;        // int64 and int32
  bool is_int() const { return type == kOnnxInt64 || type == kOnnxInt32; }
  std::size_t count() const { return is_int() ? ints.size() : values.size(); }
};

struct OnnxAttribute {
  std::string name;
  int type = 0;  // AttributeProto.AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, ...
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

// A whole model file (ModelProto).
Result<OnnxModel> onnx_model_parse(const Bytes& bytes);
// One serialized TensorProto (the backend test suite's input_*.pb / output_*.pb).
Result<OnnxTensor> onnx_tensor_parse(const Bytes& bytes);
// Whether these bytes look like an ONNX ModelProto (its first field is ir_version, field 1).
bool onnx_sniff(const Bytes& bytes);

}  // namespace lens
