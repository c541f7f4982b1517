#include "core/onnx/onnx_norm_recorded.h"

#include <string>

#include "core/onnx/protobuf_wire.h"

namespace lens {

// ModelProto.metadata_props is field 14, a StringStringEntryProto { key = 1; value = 2 }.
constexpr std::uint32_t kModelMetadataField = 14;

static bool records_norm(const WireField& entry) {
  WireReader r(entry.data, entry.size);
  WireField f;
  std::string key;
  while (r.next(f))
    if (f.number == 1 && wire_string(f, key) && (key == "lens.input_mean" || key == "lens.input_std")) return true;
  return false;
}

bool onnx_records_input_norm(const Bytes& bytes) {
  WireReader r(bytes.data(), bytes.size());
  WireField f;
  while (r.next(f))
    if (f.number == kModelMetadataField && f.type == WireType::Len && records_norm(f)) return true;
  return false;
}

}  // namespace lens
