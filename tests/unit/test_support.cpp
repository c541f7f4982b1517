#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "core/formats/crc32.h"
#include "core/formats/mnist.h"

namespace lens::test {

#ifndef LENS_TEST_MNIST_DIR
#define LENS_TEST_MNIST_DIR ""
#endif
#ifndef LENS_TEST_ASSETS_DIR
#define LENS_TEST_ASSETS_DIR ""
#endif
#ifndef LENS_TEST_ONNX_FIXTURES_DIR
#define LENS_TEST_ONNX_FIXTURES_DIR ""
#endif
#ifndef LENS_TEST_FORWARD_REF_DIR
#define LENS_TEST_FORWARD_REF_DIR ""
#endif

static std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string mnist_dir() { return mnist_default_dir(env_or("LENS_MNIST_DIR", LENS_TEST_MNIST_DIR)); }

std::string assets_dir() { return env_or("LENS_ASSETS_DIR", LENS_TEST_ASSETS_DIR); }

std::string onnx_testdata_dir() { return env_or("LENS_ONNX_TESTDATA_DIR", "/usr/share/libonnx-testdata/data"); }

std::string onnx_fixtures_dir() { return env_or("LENS_ONNX_FIXTURES_DIR", LENS_TEST_ONNX_FIXTURES_DIR); }

std::string forward_ref_dir() { return env_or("LENS_FORWARD_REF_DIR", LENS_TEST_FORWARD_REF_DIR); }

void randomize(Mlp& net, std::uint64_t seed, float scale) {
  Rng rng(seed);
  for (Dense& d : net.layers) {
    for (Eigen::Index i = 0; i < d.W.size(); ++i) d.W.data()[i] = scale * rng.normal();
    for (Eigen::Index i = 0; i < d.b.size(); ++i) d.b(i) = scale * rng.normal();
  }
}

namespace {
struct BitWriter {  // deflate's bit order: bytes fill from the least significant bit
  Bytes& out;
  std::uint32_t acc = 0;
  int n = 0;
  void bit(std::uint32_t b) {
    acc |= (b & 1u) << n;
    if (++n == 8) { out.push_back(std::uint8_t(acc)); acc = 0; n = 0; }
  }
  void bits(std::uint32_t v, int count) { for (int i = 0; i < count; ++i) bit(v >> i); }       // fields: LSB first
  void code(std::uint32_t c, int len) { for (int i = len - 1; i >= 0; --i) bit(c >> i); }  // Huffman codes: MSB first
  void literal(std::uint8_t b) { b < 144 ? code(0x30u + b, 8) : code(0x190u + (b - 144u), 9); }
  void flush() { if (n) out.push_back(std::uint8_t(acc)); acc = 0; n = 0; }
};
}  // namespace

Bytes gzip_zeros(const Bytes& head, std::uint64_t zeros, bool with_crc) {
  Bytes out = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};  // deflate, no flags, no time, unknown OS
  BitWriter w{out};
  w.bits(1, 1);  // the final block
  w.bits(1, 2);  // fixed Huffman codes
  for (std::uint8_t b : head) w.literal(b);
  std::uint64_t left = zeros;
  if (left > 0) { w.literal(0); --left; }                      // a zero for the matches to copy
  for (; left >= 258; left -= 258) { w.code(0xC5, 8); w.code(0, 5); }  // length 258 (code 285), distance 1
  for (; left > 0; --left) w.literal(0);
  w.code(0, 7);  // end of block (256)
  w.flush();
  std::uint32_t crc = 0;
  if (with_crc) {
    crc = crc32(head.data(), head.size());
    const Bytes block(1 << 16, 0);
    for (std::uint64_t z = zeros; z > 0;) {
      const std::size_t n = std::size_t(std::min<std::uint64_t>(z, block.size()));
      crc = crc32(block.data(), n, crc);
      z -= n;
    }
  }
  put_le_u32(out, crc);
  put_le_u32(out, std::uint32_t(head.size() + zeros));  // ISIZE: the length mod 2^32
  return out;
}

Bundle shipped(const std::string& id) {
  auto b = bundle_load(assets_dir() + "/models/" + id + ".lens");
  EXPECT_TRUE(b) << b.error;
  return b ? std::move(*b) : Bundle{};
}

const DataSet& mnist_test_set() {
  static const DataSet d = [] {
    auto r = mnist_load(mnist_dir(), "t10k");
    if (!r) { ADD_FAILURE() << r.error; return DataSet{}; }
    return *r;
  }();
  return d;
}

}  // namespace lens::test
