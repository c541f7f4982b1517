// The .lens bundle: round trip, and corrupted files rejected with a clear message.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/bundle.h"
#include "core/crc32.h"
#include "test_support.h"

namespace lens {
namespace {

Bundle tiny_bundle(std::uint64_t seed) {
  Bundle b;
  b.info.id = "tiny";
  b.info.name = "Tiny test model";
  b.info.seed = seed;
  b.info.test_accuracy = 0.5;
  b.info.training = {{"optimizer", "adam"}, {"epochs", 3}};
  b.net = mlp_make({6, 4, 3}, Activation::ReLU);
  test::randomize(b.net, seed);
  return b;
}

const std::size_t kHeaderStart = 16;

std::uint32_t header_length(const Bytes& b) { return b[12] | b[13] << 8 | b[14] << 16 | std::uint32_t(b[15]) << 24; }

void reseal(Bytes& b) {  // recomputes the checksum after a deliberate edit
  const std::uint32_t c = crc32(b.data(), b.size() - 4);
  for (int k = 0; k < 4; ++k) b[b.size() - 4 + std::size_t(k)] = std::uint8_t(c >> (8 * k));
}

// Replaces the JSON header (keeping weights) and fixes lengths and checksum.
Bytes with_header(const Bytes& good, const std::string& json) {
  const std::size_t len = header_length(good);
  Bytes b;
  b.reserve(good.size() + json.size());
  b.insert(b.end(), good.begin(), good.begin() + kHeaderStart);
  for (int k = 0; k < 4; ++k) b[12 + std::size_t(k)] = std::uint8_t(json.size() >> (8 * k));
  for (char ch : json) b.push_back(std::uint8_t(ch));
  b.insert(b.end(), good.begin() + std::ptrdiff_t(kHeaderStart + len), good.end());
  reseal(b);
  return b;
}

std::string good_header() {
  const Bytes b = bundle_write(tiny_bundle(1));
  return std::string(b.begin() + kHeaderStart, b.begin() + std::ptrdiff_t(kHeaderStart + header_length(b)));
}

std::string read_error(const Bytes& b) {
  const auto r = bundle_read(b);
  EXPECT_FALSE(r) << "a corrupted bundle was accepted";
  return r.error;
}

void expect_error(const Bytes& b, const std::string& fragment) {
  const std::string e = read_error(b);
  EXPECT_NE(e.find(fragment), std::string::npos) << "error was: " << e;
}

TEST(BundleRoundTrip, WeightsAreBitIdentical) {
  const Bundle in = tiny_bundle(7);
  const auto out = bundle_read(bundle_write(in));
  ASSERT_TRUE(out) << out.error;
  EXPECT_EQ(out->info.id, "tiny");
  EXPECT_EQ(out->info.name, "Tiny test model");
  EXPECT_EQ(out->info.seed, 7u);
  EXPECT_DOUBLE_EQ(out->info.test_accuracy, 0.5);
  EXPECT_EQ(out->info.training["epochs"], 3);
  ASSERT_EQ(out->net.layers.size(), 2u);
  for (std::size_t l = 0; l < 2; ++l) {
    const Dense &a = in.net.layers[l], &b = out->net.layers[l];
    EXPECT_EQ(a.act, b.act);
    ASSERT_EQ(a.W.rows(), b.W.rows());
    ASSERT_EQ(a.W.cols(), b.W.cols());
    EXPECT_EQ(std::memcmp(a.W.data(), b.W.data(), sizeof(float) * std::size_t(a.W.size())), 0);
    EXPECT_EQ(std::memcmp(a.b.data(), b.b.data(), sizeof(float) * std::size_t(a.b.size())), 0);
  }
  EXPECT_EQ(bundle_write(*out), bundle_write(in)) << "writing is not deterministic";
}

TEST(BundleRead, RejectsEmptyFile) { expect_error({}, "empty file"); }

TEST(BundleRead, RejectsBadMagic) {
  Bytes b = bundle_write(tiny_bundle(1));
  b[1] = 'X';
  expect_error(b, "bad magic");
  expect_error(Bytes{'{', '"', 'a', '"'}, "bad magic");
}

TEST(BundleRead, RejectsUnknownVersion) {
  Bytes b = bundle_write(tiny_bundle(1));
  b[8] = 2;
  reseal(b);
  expect_error(b, "unsupported format version 2");
}

// Every possible truncation is rejected, and says "truncated".
TEST(BundleRead, RejectsTruncationAnywhere) {
  const Bytes good = bundle_write(tiny_bundle(1));
  for (std::size_t n = 1; n < good.size(); ++n) {
    const Bytes b(good.begin(), good.begin() + std::ptrdiff_t(n));
    const auto r = bundle_read(b);
    ASSERT_FALSE(r) << "accepted a file cut to " << n << " bytes";
    EXPECT_TRUE(r.error.find("truncated") != std::string::npos || r.error.find("JSON") != std::string::npos)
        << n << " bytes: " << r.error;
  }
}

TEST(BundleRead, RejectsTrailingBytes) {
  Bytes b = bundle_write(tiny_bundle(1));
  b.insert(b.end() - 4, {0, 0, 0, 0});
  reseal(b);
  expect_error(b, "size mismatch");
}

TEST(BundleRead, RejectsBadChecksum) {
  Bytes b = bundle_write(tiny_bundle(1));
  b[b.size() - 10] ^= 0x01;  // one bit of one weight
  expect_error(b, "bad checksum");
}

TEST(BundleRead, RejectsNonFiniteWeights) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    Bundle t = tiny_bundle(1);
    t.net.layers[1].W(2, 3) = bad;
    expect_error(bundle_write(t), "NaN or infinite");
  }
}

TEST(BundleRead, RejectsBadJson) {
  expect_error(with_header(bundle_write(tiny_bundle(1)), "{\"id\": \"tiny\", \"layers\": ["), "bad JSON");
  expect_error(with_header(bundle_write(tiny_bundle(1)), "[1, 2, 3]"), "not an object");
}

TEST(BundleRead, RejectsHeaderArraySizeMismatch) {
  std::string h = good_header();
  // Header now says the hidden layer has 5 units: the arrays no longer fit.
  const auto pos = h.find("\"outputs\":4");
  ASSERT_NE(pos, std::string::npos);
  h.replace(pos, 11, "\"outputs\":5");
  expect_error(with_header(bundle_write(tiny_bundle(1)), h), "mismatch");
}

TEST(BundleRead, RejectsAbsurdSizes) {
  std::string h = good_header();
  const auto pos = h.find("\"inputs\":6");
  ASSERT_NE(pos, std::string::npos);
  h.replace(pos, 10, "\"inputs\":2000000000");
  expect_error(with_header(bundle_write(tiny_bundle(1)), h), "absurd size");
  Bytes b = bundle_write(tiny_bundle(1));
  b[15] = 0x7F;  // header length ~2 GB
  expect_error(b, "absurd size");
}

TEST(BundleRead, RejectsUnknownActivation) {
  std::string h = good_header();
  const auto pos = h.find("\"relu\"");
  ASSERT_NE(pos, std::string::npos);
  h.replace(pos, 6, "\"swish\"");
  expect_error(with_header(bundle_write(tiny_bundle(1)), h), "unknown activation");
}

TEST(BundleRead, RejectsMissingOrMalformedId) {
  std::string h = good_header();
  const auto pos = h.find("\"tiny\"");
  ASSERT_NE(pos, std::string::npos);
  h.replace(pos, 6, "\"../../etc\"");
  expect_error(with_header(bundle_write(tiny_bundle(1)), h), "\"id\"");
}

TEST(BundleRead, RejectsLayersThatDoNotChain) {
  std::string h = good_header();
  const auto pos = h.find("\"inputs\":4");
  ASSERT_NE(pos, std::string::npos);
  h.replace(pos, 10, "\"inputs\":3");
  expect_error(with_header(bundle_write(tiny_bundle(1)), h), "layer before gives 4");
}

TEST(BundleRead, RejectsWrongFieldTypes) {
  std::string h = good_header();
  const auto pos = h.find("\"test_accuracy\":0.5");
  ASSERT_NE(pos, std::string::npos);
  h.replace(pos, 19, "\"test_accuracy\":\"high\"");
  expect_error(with_header(bundle_write(tiny_bundle(1)), h), "test_accuracy");
}

TEST(BundleLoad, MissingFileSaysSo) {
  const auto r = bundle_load("/nonexistent/model.lens");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("cannot open"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace lens
