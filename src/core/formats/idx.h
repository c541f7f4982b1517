// IDX files (the MNIST format): big-endian header, then raw unsigned bytes.
//   magic = 0x00 0x00 type ndims (type 0x08 = unsigned byte), then ndims
//   big-endian int32 dimensions, then prod(dims) bytes.
#pragma once
#include <cstdint>
#include <cstddef>
#include <string>
#include <vector>

#include "core/formats/bytes.h"
#include "core/result.h"

namespace lens {

constexpr int kIdxMaxDims = 8;
// The most data bytes a header may declare (the product of all dimensions, and
// of the non-zero ones when one is zero): 5x MNIST's largest file, 47 MB. A gzip
// file is inflated no further than its header declares, so this also caps what
// a small compressed file can make the reader allocate.
constexpr std::size_t kIdxMaxDataBytes = std::size_t(256) << 20;
// The longest file mnist_read_idx reads: the data, a header, and gzip's
// worst-case overhead on incompressible data (well under 1/64).
constexpr std::size_t kIdxMaxFileBytes = kIdxMaxDataBytes + (kIdxMaxDataBytes >> 6) + 4096;

// Deflate's best ratio: one 258-byte match per 2 bits of output is 1032 to 1, and gzip adds
// its own header and trailer. A header that declares more data than its compressed stream
// could inflate to is refused before inflating anything.
constexpr std::size_t kDeflateMaxRatio = 1032;

struct IdxArray {
  std::vector<std::uint32_t> dims;  // dims[0] is the item count
  Bytes data;                       // prod(dims) bytes, row-major
  std::size_t items() const { return dims.empty() ? 0 : dims[0]; }
  std::size_t item_size() const;    // prod(dims[1..])
};

// Parses IDX bytes (gzip-compressed bytes are inflated first where zlib exists,
// reading the header first and inflating no more than it declares). An IDX file
// with 0 items is valid here; mnist_from_idx refuses it as a data set. A header that
// declares more than max_items items is refused before its data is inflated or copied
// (the caller's memory budget: lens-train's, train_budget.h).
Result<IdxArray> idx_parse(const Bytes& bytes, std::size_t max_items = SIZE_MAX);

}  // namespace lens
