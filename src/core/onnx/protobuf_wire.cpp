#include "core/onnx/protobuf_wire.h"

#include <cstring>

#include "core/formats/bytes.h"

namespace lens {

bool WireReader::fail(const std::string& why) {
  error_ = why;
  p_ = end_;
  return false;
}

// Little-endian base-128: 7 bits per byte, high bit set on all but the last; at most 10 bytes.
bool WireReader::varint(std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p_ >= end_) return fail("truncated varint");
    const std::uint8_t byte = *p_++;
    v |= std::uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return fail("varint longer than 10 bytes");
}

bool WireReader::next(WireField& f) {
  if (p_ >= end_ || failed()) return false;
  std::uint64_t key = 0;
  if (!varint(key)) return false;
  const std::uint64_t number = key >> 3;
  if (number == 0 || number > 0x1fffffff) return fail("bad field number " + std::to_string(number));
  f = WireField{};
  f.number = std::uint32_t(number);
  switch (key & 7) {
    case 0:
      f.type = WireType::Varint;
      return varint(f.value);
    case 1:
      if (end_ - p_ < 8) return fail("truncated 64-bit field");
      f.type = WireType::Fixed64;
      f.value = get_le_u64(p_);
      p_ += 8;
      return true;
    case 2: {
      std::uint64_t n = 0;
      if (!varint(n)) return false;
      if (n > std::uint64_t(end_ - p_))
        return fail("field " + std::to_string(number) + " says " + std::to_string(n) + " bytes, " +
                    std::to_string(end_ - p_) + " remain");
      f.type = WireType::Len;
      f.data = p_;
      f.size = std::size_t(n);
      p_ += n;
      return true;
    }
    case 5:
      if (end_ - p_ < 4) return fail("truncated 32-bit field");
      f.type = WireType::Fixed32;
      f.value = get_le_u32(p_);
      p_ += 4;
      return true;
    default:
      return fail("unsupported wire type " + std::to_string(key & 7) + " (field " + std::to_string(number) + ")");
  }
}

bool wire_string(const WireField& f, std::string& out) {
  if (f.type != WireType::Len) return false;
  out.assign(reinterpret_cast<const char*>(f.data), f.size);
  return true;
}

bool wire_int64(const WireField& f, std::int64_t& out) {
  if (f.type != WireType::Varint) return false;
  out = std::int64_t(f.value);  // int64 fields are plain two's complement varints
  return true;
}

bool wire_float(const WireField& f, float& out) {
  if (f.type != WireType::Fixed32) return false;
  const std::uint32_t bits = std::uint32_t(f.value);
  std::memcpy(&out, &bits, 4);
  return true;
}

static double bits_to_double(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

std::size_t wire_repeated_count(const WireField& f, WireType element) {
  if (f.type == element) return 1;
  if (f.type != WireType::Len) return 0;
  if (element == WireType::Fixed32) return f.size / 4;
  if (element == WireType::Fixed64) return f.size / 8;
  std::size_t n = 0;
  for (std::size_t k = 0; k < f.size; ++k) n += (f.data[k] & 0x80) == 0;
  return n;
}

// A packed run is a message of bare varints, decoded in place into `out` (reserved first).
template <class Int>
static bool append_varints(const WireField& f, std::vector<Int>& out) {
  if (f.type == WireType::Varint) {
    out.push_back(Int(f.value));
    return true;
  }
  if (f.type != WireType::Len) return false;
  out.reserve(out.size() + wire_repeated_count(f, WireType::Varint));
  const std::uint8_t* p = f.data;
  const std::uint8_t* end = f.data + f.size;
  while (p < end) {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (p >= end || shift >= 70) return false;
      const std::uint8_t byte = *p++;
      v |= std::uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    out.push_back(Int(v));  // int64 fields are plain two's complement varints
  }
  return true;
}

bool wire_append_uint64(const WireField& f, std::vector<std::uint64_t>& out) { return append_varints(f, out); }
bool wire_append_int64(const WireField& f, std::vector<std::int64_t>& out) { return append_varints(f, out); }

bool wire_append_float(const WireField& f, std::vector<float>& out) {
  float v;
  if (f.type == WireType::Fixed32) return wire_float(f, v) && (out.push_back(v), true);
  if (f.type != WireType::Len || f.size % 4) return false;
  const std::size_t n = f.size / 4, at = out.size();
  out.resize(at + n);
  for (std::size_t k = 0; k < n; ++k) out[at + k] = get_le_f32(f.data + 4 * k);
  return true;
}

bool wire_append_double(const WireField& f, std::vector<double>& out) {
  if (f.type == WireType::Fixed64) return out.push_back(bits_to_double(f.value)), true;
  if (f.type != WireType::Len || f.size % 8) return false;
  out.reserve(out.size() + f.size / 8);
  for (std::size_t k = 0; k < f.size / 8; ++k) out.push_back(get_le_f64(f.data + 8 * k));
  return true;
}

}  // namespace lens
