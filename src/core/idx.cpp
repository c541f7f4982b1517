#include "core/idx.h"

namespace lens {

constexpr std::size_t kMaxIdxBytes = std::size_t(1) << 31;  // far above MNIST's 47 MB
constexpr int kMaxIdxDims = 8;

std::size_t IdxArray::item_size() const {
  std::size_t n = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) n *= dims[i];
  return n;
}

static std::uint32_t read_be32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

Result<IdxArray> idx_parse(const Bytes& input) {
  using R = Result<IdxArray>;
  if (gzip_is_compressed(input)) {
    auto raw = gzip_decompress(input);
    if (!raw) return R::fail("idx: " + raw.error);
    return idx_parse(*raw);
  }
  const Bytes& b = input;
  if (b.empty()) return R::fail("idx: empty file");
  if (b.size() < 4) return R::fail("idx: truncated header (" + std::to_string(b.size()) + " bytes, magic needs 4)");
  if (b[0] != 0 || b[1] != 0) return R::fail("idx: bad magic (first two bytes must be zero; not an IDX file)");
  if (b[2] != 0x08) return R::fail("idx: unsupported data type 0x" + std::to_string(b[2]) + " (only unsigned byte, 0x08)");
  const int ndims = b[3];
  if (ndims < 1 || ndims > kMaxIdxDims)
    return R::fail("idx: bad magic (dimension count " + std::to_string(ndims) + " not in 1.." + std::to_string(kMaxIdxDims) + ")");
  const std::size_t header = 4 + 4 * std::size_t(ndims);
  if (b.size() < header)
    return R::fail("idx: truncated header (" + std::to_string(b.size()) + " bytes, " + std::to_string(ndims) +
                   " dimensions need " + std::to_string(header) + ")");
  IdxArray out;
  std::size_t total = 1;
  for (int i = 0; i < ndims; ++i) {
    const std::uint32_t d = read_be32(&b[4 + 4 * std::size_t(i)]);
    if (d > 0x7fffffffu) return R::fail("idx: dimension overflow (dimension " + std::to_string(i) + " is negative)");
    if (d != 0 && total > kMaxIdxBytes / d)
      return R::fail("idx: dimension overflow (dimensions multiply to more than 2 GiB)");
    total *= d;
    out.dims.push_back(d);
  }
  const std::size_t have = b.size() - header;
  if (have < total)
    return R::fail("idx: truncated data (header promises " + std::to_string(total) + " bytes, file has " +
                   std::to_string(have) + ")");
  if (have > total)
    return R::fail("idx: trailing bytes (header promises " + std::to_string(total) + " bytes, file has " +
                   std::to_string(have) + ")");
  out.data.assign(b.begin() + std::ptrdiff_t(header), b.end());
  return R::ok(std::move(out));
}

}  // namespace lens
