// The protobuf wire reader: the encodings ONNX files use, and malformed bytes refused.
#include <gtest/gtest.h>

#include "core/onnx/protobuf_wire.h"
#include "onnx_writer.h"

namespace lens {
namespace {

// Varints of every length up to 10 bytes, fixed32 floats and nested Len fields come back as written.
TEST(WireReader, ReadsWhatTheWriterWrote) {
  test::PbWriter w;
  w.i(1, 300).i(2, -1).f32(3, 1.5f).str(4, "gemm");
  WireReader r(w.out.data(), w.out.size());
  WireField f;
  std::int64_t v = 0;
  ASSERT_TRUE(r.next(f));
  EXPECT_TRUE(wire_int64(f, v));
  EXPECT_EQ(v, 300);
  ASSERT_TRUE(r.next(f));
  EXPECT_TRUE(wire_int64(f, v));
  EXPECT_EQ(v, -1);  // ten bytes on the wire
  ASSERT_TRUE(r.next(f));
  float x = 0;
  EXPECT_TRUE(wire_float(f, x));
  EXPECT_EQ(x, 1.5f);
  ASSERT_TRUE(r.next(f));
  std::string s;
  EXPECT_TRUE(wire_string(f, s));
  EXPECT_EQ(s, "gemm");
  EXPECT_FALSE(r.next(f));
  EXPECT_FALSE(r.failed());
}

// Repeated int64 fields arrive one per field or packed; both decode to the same values.
TEST(WireReader, DecodesPackedAndUnpackedRepeatedFields) {
  test::PbWriter packed_body;
  for (std::int64_t v : {1, 784, -1}) packed_body.varint(std::uint64_t(v));
  test::PbWriter w;
  w.i(1, 5).bytes(1, packed_body.out);
  std::vector<std::int64_t> out;
  WireReader r(w.out.data(), w.out.size());
  WireField f;
  while (r.next(f)) ASSERT_TRUE(wire_append_int64(f, out));
  EXPECT_EQ(out, (std::vector<std::int64_t>{5, 1, 784, -1}));
}

// A repeated field's count is known without decoding it: one value, or what a packed run's
// bytes hold (a varint ends at each byte without the high bit).
TEST(WireReader, CountsRepeatedValuesWithoutDecodingThem) {
  test::PbWriter w;
  w.i(1, 5).packed(2, {1, 784, -1, 300}).f32(3, 1.f);
  const Bytes floats(12, 0);
  w.bytes(4, floats);
  WireReader r(w.out.data(), w.out.size());
  WireField f;
  std::vector<std::size_t> counts;
  while (r.next(f))
    counts.push_back(wire_repeated_count(f, f.number == 3 || f.number == 4 ? WireType::Fixed32 : WireType::Varint));
  EXPECT_EQ(counts, (std::vector<std::size_t>{1, 4, 1, 3}));  // -1 takes 10 bytes, 784 and 300 two: still 4 values
}

// Every truncation of a valid message ends in an error or a clean stop, never a read past the end.
TEST(WireReader, RefusesTruncatedAndMalformedFields) {
  test::PbWriter w;
  w.i(1, 1u << 30).str(2, "a longer string field").f32(3, 2.f);
  for (std::size_t n = 1; n < w.out.size(); ++n) {
    Bytes cut(w.out.begin(), w.out.begin() + std::ptrdiff_t(n));
    WireReader r(cut.data(), cut.size());
    WireField f;
    int fields = 0;
    while (r.next(f)) ++fields;
    EXPECT_TRUE(r.failed() || fields < 3) << n;
  }
  const Bytes group = {0x0b};  // field 1, wire type 3 (start group)
  WireReader g(group.data(), group.size());
  WireField f;
  EXPECT_FALSE(g.next(f));
  EXPECT_NE(g.error().find("wire type 3"), std::string::npos) << g.error();
  const Bytes too_long = {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};  // length 4 GB, 1 byte present
  WireReader l(too_long.data(), too_long.size());
  EXPECT_FALSE(l.next(f));
  EXPECT_NE(l.error().find("remain"), std::string::npos) << l.error();
  Bytes endless(11, 0xff);  // a varint that never ends
  WireReader e(endless.data(), endless.size());
  EXPECT_FALSE(e.next(f));
  EXPECT_TRUE(e.failed());
}

}  // namespace
}  // namespace lens
