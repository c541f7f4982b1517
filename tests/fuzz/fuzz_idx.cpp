// libFuzzer target: the IDX reader (raw or gzip) and the MNIST pairing on
// arbitrary bytes; errors are values, never crashes.
#include <zlib.h>

#include <cstddef>
#include <cstdint>

#include "core/formats/idx.h"
#include "core/formats/mnist.h"

static lens::Result<lens::IdxArray> check(const lens::Bytes& bytes) {
  auto r = lens::idx_parse(bytes);
  if (!r) {
    if (r.error.empty()) __builtin_trap();
    return r;
  }
  std::size_t n = 1;
  for (std::uint32_t d : r->dims) n *= d;
  if (n != r->data.size()) __builtin_trap();
  // Pair the array with itself both ways: exercises the shape and label checks.
  (void)lens::mnist_from_idx(*r, *r);
  return r;
}

// The input as a valid gzip stream (zlib is not instrumented, so mutated gzip
// bytes rarely get past inflate: this way every IDX mutation also takes the
// bounded-inflation path).
static lens::Bytes gzip(const lens::Bytes& raw) {
  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) __builtin_trap();
  lens::Bytes out(deflateBound(&zs, uLong(raw.size())) + 32);
  zs.next_in = const_cast<Bytef*>(raw.data());
  zs.avail_in = uInt(raw.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) __builtin_trap();
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lens::Bytes bytes(data, data + size);
  const auto plain = check(bytes);
  if (lens::gzip_is_compressed(bytes)) return 0;
  // Compressed or not, the same file must get the same answer.
  const auto packed = check(gzip(bytes));
  if (bool(plain) != bool(packed)) __builtin_trap();
  if (plain && (plain->dims != packed->dims || plain->data != packed->data)) __builtin_trap();
  return 0;
}
