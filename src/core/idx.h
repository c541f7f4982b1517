// IDX files (the MNIST format): big-endian header, then raw unsigned bytes.
//   magic = 0x00 0x00 type ndims (type 0x08 = unsigned byte), then ndims
//   big-endian int32 dimensions, then prod(dims) bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace lens {

struct IdxArray {
  std::vector<std::uint32_t> dims;  // dims[0] is the item count
  Bytes data;                       // prod(dims) bytes, row-major
  std::size_t items() const { return dims.empty() ? 0 : dims[0]; }
  std::size_t item_size() const;    // prod(dims[1..])
};

// Parses IDX bytes (gzip-compressed bytes are inflated first where zlib exists).
Result<IdxArray> idx_parse(const Bytes& bytes);

}  // namespace lens
