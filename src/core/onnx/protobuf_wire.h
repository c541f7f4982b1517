// Protocol Buffers' wire format, read from bytes we do not trust (an .onnx file from
// anywhere). Only what ONNX's messages use: varints, 32- and 64-bit fixed values and
// length-delimited fields (strings, bytes, sub-messages, packed repeated numbers).
// Groups (wire types 3 and 4, long deprecated) are refused. Every read is bounds-checked:
// a malformed or truncated field ends the reader with an error, it never reads past the end.
//
// Why not libprotobuf: the page is wasm, where Debian's libprotobuf would have to be built
// from source and linked in (hundreds of KB); ONNX needs a fraction of the wire format,
// and a reader this small is easy to fuzz whole (tests/fuzz/fuzz_onnx.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lens {

enum class WireType : std::uint8_t { Varint = 0, Fixed64 = 1, Len = 2, Fixed32 = 5 };

struct WireField {
  std::uint32_t number = 0;
  WireType type = WireType::Varint;
  std::uint64_t value = 0;              // Varint, Fixed64 and Fixed32 (zero-extended)
  const std::uint8_t* data = nullptr;   // Len: the field's bytes
  std::size_t size = 0;
};

class WireReader {
 public:
  WireReader(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  // The next field, or false at the end or on malformed bytes (then error() says why).
  bool next(WireField& f);
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  bool varint(std::uint64_t& v);
  bool fail(const std::string& why);
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  std::string error_;
};

// Decoders for one field's payload; each returns false on malformed input.
bool wire_string(const WireField& f, std::string& out);   // a Len field as bytes
bool wire_int64(const WireField& f, std::int64_t& out);   // a Varint field (two's complement)
bool wire_float(const WireField& f, float& out);          // a Fixed32 field
// A repeated numeric field arrives either one value per field or packed in one Len field.
// How many values such a field carries, without decoding them: 1 for a single value; for a
// packed run what its bytes hold (varints: the bytes that end one, so never more than the
// bytes; fixed-width: size / width). 0 when the field cannot hold that kind of value. A
// reader compares it with its limits before it allocates (a 60 MB packed field holds up to
// 60 M varints, 480 MB once decoded).
std::size_t wire_repeated_count(const WireField& f, WireType element);
// Each append reserves what the field carries, exactly, and nothing more.
bool wire_append_int64(const WireField& f, std::vector<std::int64_t>& out);
bool wire_append_float(const WireField& f, std::vector<float>& out);    // fixed32
bool wire_append_double(const WireField& f, std::vector<double>& out);  // fixed64
bool wire_append_uint64(const WireField& f, std::vector<std::uint64_t>& out);  // varints

}  // namespace lens
