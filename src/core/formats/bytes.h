// Reading whole files, and gzip, at the boundary: both return a Result.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/result.h"

namespace lens {

using Bytes = std::vector<std::uint8_t>;

// Little-endian fields, as the bundle, the statistics sidecar, the zip writer and the
// ONNX wire format store them: the only place the byte order is written down.
inline void put_le_u16(Bytes& out, std::uint16_t v) {
  out.push_back(std::uint8_t(v));
  out.push_back(std::uint8_t(v >> 8));
}
inline void set_le_u32(std::uint8_t* p, std::uint32_t v) {  // overwrites 4 bytes in place
  for (int k = 0; k < 4; ++k) p[k] = std::uint8_t(v >> (8 * k));
}
inline void put_le_u32(Bytes& out, std::uint32_t v) {
  out.resize(out.size() + 4);
  set_le_u32(out.data() + out.size() - 4, v);
}
inline void put_le_f32(Bytes& out, float f) {
  std::uint32_t v;
  std::memcpy(&v, &f, 4);
  put_le_u32(out, v);
}
inline std::uint16_t get_le_u16(const std::uint8_t* p) { return std::uint16_t(p[0] | p[1] << 8); }
inline std::uint32_t get_le_u32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
inline std::uint64_t get_le_u64(const std::uint8_t* p) { return get_le_u32(p) | std::uint64_t(get_le_u32(p + 4)) << 32; }
inline float get_le_f32(const std::uint8_t* p) {
  const std::uint32_t v = get_le_u32(p);
  float f;
  std::memcpy(&f, &v, 4);
  return f;
}
inline double get_le_f64(const std::uint8_t* p) {
  const std::uint64_t v = get_le_u64(p);
  double d;
  std::memcpy(&d, &v, 8);
  return d;
}

// Reads a whole file; refuses files longer than max_bytes (before reading them
// when the size is known up front) so a wrong path cannot exhaust memory.
Result<Bytes> file_read(const std::string& path, std::size_t max_bytes = std::numeric_limits<std::size_t>::max());
Result<bool> file_write(const std::string& path, const Bytes& bytes);
bool file_readable(const std::string& path);  // it exists and opens for reading

bool gzip_is_compressed(const Bytes& bytes);  // starts with the gzip magic 1f 8b
bool gzip_available();                        // false in builds without zlib (wasm)
// Inflates a gzip stream (one member or several concatenated, as gzip -d does)
// and checks its CRC; refuses output over max_output bytes as soon as inflating
// passes it (a bomb guard: memory stays within about max_output). In builds
// without zlib (wasm) it says so: decompress the file first.
Result<Bytes> gzip_decompress(const Bytes& bytes, std::size_t max_output = std::size_t(256) << 20);
// The first max_output bytes of the inflated stream (all of it if shorter),
// inflating no further: for reading a header before deciding how much to allow.
// The CRC is only checked when the whole stream fits.
Result<Bytes> gzip_head(const Bytes& bytes, std::size_t max_output);

}  // namespace lens
