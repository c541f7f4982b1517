#include "core/formats/idx.h"

#include <cstdio>

namespace lens {

constexpr std::size_t kMaxHeaderBytes = 4 + 4 * std::size_t(kIdxMaxDims);

std::size_t IdxArray::item_size() const {
  std::size_t n = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) n *= dims[i];
  return n;
}

static std::uint32_t read_be32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

static std::string hex_byte(std::uint8_t v) {
  char s[8];
  std::snprintf(s, sizeof s, "0x%02X", unsigned(v));
  return s;
}

static const char* type_name(std::uint8_t type) {
  switch (type) {
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "not an IDX type";
  }
}

struct IdxHeader {
  std::vector<std::uint32_t> dims;
  std::size_t header_bytes = 0;  // 4 + 4 * ndims
  std::size_t data_bytes = 0;    // prod(dims), at most kIdxMaxDataBytes
};

// Reads the header from the first n bytes of a file (n may be a prefix of it).
static std::string parse_header(const std::uint8_t* b, std::size_t n, IdxHeader& h) {
  if (n == 0) return "idx: empty file";
  if (n < 4) return "idx: truncated header (" + std::to_string(n) + " bytes, magic needs 4)";
  if (b[0] == 0x1f && b[1] == 0x8b)  // only reachable after one inflation
    return "idx: bad magic (the decompressed data is gzip-compressed again; this reader inflates once)";
  if (b[0] != 0 || b[1] != 0) return "idx: bad magic (first two bytes must be zero; not an IDX file)";
  if (b[2] != 0x08)
    return "idx: unsupported data type " + hex_byte(b[2]) + " (" + type_name(b[2]) +
           "; only unsigned byte, 0x08, is read)";
  const int ndims = b[3];
  if (ndims < 1 || ndims > kIdxMaxDims)
    return "idx: bad magic (dimension count " + std::to_string(ndims) + " not in 1.." + std::to_string(kIdxMaxDims) + ")";
  h.header_bytes = 4 + 4 * std::size_t(ndims);
  if (n < h.header_bytes)
    return "idx: truncated header (" + std::to_string(n) + " bytes, " + std::to_string(ndims) + " dimensions need " +
           std::to_string(h.header_bytes) + ")";
  // The product of the non-zero dimensions is bounded too, so that no partial
  // product (item_size(), say) can wrap even when the item count is 0.
  std::uint64_t product = 1;
  bool zero = false;
  for (int i = 0; i < ndims; ++i) {
    const std::uint32_t d = read_be32(&b[4 + 4 * std::size_t(i)]);
    if (d > 0x7fffffffu)
      return "idx: dimension overflow (dimension " + std::to_string(i) + " is " + std::to_string(std::int32_t(d)) +
             ", negative)";
    h.dims.push_back(d);
    if (d == 0) {
      zero = true;
      continue;
    }
    product *= d;  // both factors are below 2^31 and product stays at most kIdxMaxDataBytes: no wrap
    if (product > kIdxMaxDataBytes) {
      std::string dims;
      for (int k = 0; k < ndims; ++k)
        dims += (k ? " x " : "") + std::to_string(read_be32(&b[4 + 4 * std::size_t(k)]));
      return "idx: dimension overflow (" + dims + " is more than " + std::to_string(kIdxMaxDataBytes) +
             " bytes, the limit)";
    }
  }
  h.data_bytes = zero ? 0 : std::size_t(product);
  return "";
}

static std::string items_text(const IdxHeader& h) {  // "60000 items of 784 bytes"
  std::size_t item = 1;
  for (std::size_t i = 1; i < h.dims.size(); ++i) item *= h.dims[i];
  return std::to_string(h.dims.empty() ? 0 : h.dims[0]) + " items of " + std::to_string(item) + " bytes";
}

// The caller's budget, and what a gzip stream of `compressed` bytes can hold (0: not gzip).
static std::string check_declared(const IdxHeader& h, std::size_t max_items, std::size_t compressed) {
  const std::size_t items = h.dims.empty() ? 0 : h.dims[0];
  if (items > max_items)
    return "idx: the header declares " + std::to_string(items) + " items; at most " + std::to_string(max_items) +
           " fit in the memory budget here";
  const std::uint64_t declared = std::uint64_t(h.header_bytes) + h.data_bytes;
  if (compressed > 0 && declared > std::uint64_t(compressed) * kDeflateMaxRatio)
    return "idx: truncated data (header promises " + std::to_string(h.data_bytes) + " bytes, " + items_text(h) +
           ", but a gzip stream of " + std::to_string(compressed) + " bytes inflates to at most " +
           std::to_string(std::uint64_t(compressed) * kDeflateMaxRatio) + ")";
  return "";
}

// Checks a whole (plain or inflated) file against its header and takes its data.
// cut: the bytes were inflated only up to one byte past what the header declares.
static Result<IdxArray> parse_plain(Bytes&& b, bool cut, std::size_t max_items) {
  using R = Result<IdxArray>;
  IdxHeader h;
  if (std::string e = parse_header(b.data(), b.size(), h); !e.empty()) return R::fail(e);
  if (std::string e = check_declared(h, max_items, 0); !e.empty()) return R::fail(e);
  const std::size_t have = b.size() - h.header_bytes;
  const std::string where = cut ? "the decompressed data has " : "file has ";
  if (have < h.data_bytes)
    return R::fail("idx: truncated data (header promises " + std::to_string(h.data_bytes) + " bytes, " + items_text(h) +
                   "; " + where + std::to_string(have) + ")");
  if (have > h.data_bytes)
    return R::fail("idx: trailing bytes (header promises " + std::to_string(h.data_bytes) + " bytes, " + where +
                   (cut ? "more" : std::to_string(have)) + ")");
  IdxArray out;
  out.dims = std::move(h.dims);
  b.erase(b.begin(), b.begin() + std::ptrdiff_t(h.header_bytes));
  out.data = std::move(b);
  return R::ok(std::move(out));
}

Result<IdxArray> idx_parse(const Bytes& input, std::size_t max_items) {
  using R = Result<IdxArray>;
  if (!gzip_is_compressed(input)) {
    IdxHeader h;  // refused before the copy when the header alone says so
    if (parse_header(input.data(), input.size(), h).empty())
      if (std::string e = check_declared(h, max_items, 0); !e.empty()) return R::fail(e);
    return parse_plain(Bytes(input), false, max_items);
  }
  // Inflate the header alone first, then no more than one byte past what it declares.
  auto head = gzip_head(input, kMaxHeaderBytes);
  if (!head) return R::fail("idx: " + head.error);
  IdxHeader h;
  if (std::string e = parse_header(head->data(), head->size(), h); !e.empty()) return R::fail(e);
  if (std::string e = check_declared(h, max_items, input.size()); !e.empty()) return R::fail(e);
  auto raw = gzip_head(input, h.header_bytes + h.data_bytes + 1);
  if (!raw) return R::fail("idx: " + raw.error);
  return parse_plain(std::move(*raw), true, max_items);
}

}  // namespace lens
