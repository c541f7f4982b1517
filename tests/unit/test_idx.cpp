// The IDX reader on real MNIST and on malformed files.
#include <gtest/gtest.h>

#include "core/idx.h"
#include "core/mnist.h"
#include "test_support.h"

namespace lens {
namespace {

// A well-formed IDX file: magic 00 00 08 ndims, big-endian dims, bytes.
Bytes idx_bytes(const std::vector<std::uint32_t>& dims) {
  Bytes b = {0, 0, 0x08, std::uint8_t(dims.size())};
  std::size_t n = 1;
  for (std::uint32_t d : dims) {
    for (int k = 3; k >= 0; --k) b.push_back(std::uint8_t(d >> (8 * k)));
    n *= d;
  }
  for (std::size_t i = 0; i < n; ++i) b.push_back(std::uint8_t(i % 10));
  return b;
}

std::string parse_error(const Bytes& b) {
  const auto r = idx_parse(b);
  EXPECT_FALSE(r) << "a malformed file was accepted";
  return r.error;
}

TEST(IdxParse, ReadsWellFormedFile) {
  const auto r = idx_parse(idx_bytes({3, 2, 2}));
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->dims, (std::vector<std::uint32_t>{3, 2, 2}));
  EXPECT_EQ(r->items(), 3u);
  EXPECT_EQ(r->item_size(), 4u);
  EXPECT_EQ(r->data[5], 5);
}

TEST(IdxParse, RejectsEmptyFile) { EXPECT_NE(parse_error({}).find("empty file"), std::string::npos); }

TEST(IdxParse, RejectsBadMagic) {
  Bytes b = idx_bytes({2});
  b[0] = 0x50;  // "P" of a PNG, say
  EXPECT_NE(parse_error(b).find("bad magic"), std::string::npos);
}

TEST(IdxParse, RejectsTruncatedHeader) {
  Bytes b = idx_bytes({4, 5, 6});
  b.resize(9);  // magic + 1.25 dimensions
  EXPECT_NE(parse_error(b).find("truncated header"), std::string::npos);
}

TEST(IdxParse, RejectsTruncatedData) {
  Bytes b = idx_bytes({4, 5, 6});
  b.pop_back();
  EXPECT_NE(parse_error(b).find("truncated data"), std::string::npos);
}

TEST(IdxParse, RejectsDimensionOverflow) {
  // 65536^3 bytes cannot exist: the product must be caught before it wraps.
  Bytes b = {0, 0, 0x08, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0};
  EXPECT_NE(parse_error(b).find("dimension overflow"), std::string::npos);
  Bytes negative = {0, 0, 0x08, 1, 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_NE(parse_error(negative).find("dimension overflow"), std::string::npos);
}

TEST(IdxParse, RejectsTrailingBytes) {
  Bytes b = idx_bytes({3});
  b.push_back(7);
  EXPECT_NE(parse_error(b).find("trailing bytes"), std::string::npos);
}

TEST(IdxParse, RejectsUnsupportedType) {
  Bytes b = idx_bytes({3});
  b[2] = 0x0D;  // float32 IDX: valid format, not one MNIST uses
  EXPECT_NE(parse_error(b).find("unsupported data type"), std::string::npos);
}

TEST(MnistFromIdx, RejectsWrongItemCount) {
  const auto images = idx_parse(idx_bytes({3, 28, 28}));
  const auto labels = idx_parse(idx_bytes({2}));
  ASSERT_TRUE(images && labels);
  const auto r = mnist_from_idx(*images, *labels);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("wrong item count"), std::string::npos) << r.error;
}

TEST(MnistFromIdx, RejectsLabelOutsideDigits) {
  const auto images = idx_parse(idx_bytes({1, 28, 28}));
  auto labels = idx_parse(idx_bytes({1}));
  ASSERT_TRUE(images && labels);
  labels->data[0] = 12;
  const auto r = mnist_from_idx(*images, *labels);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("not a digit"), std::string::npos) << r.error;
}

TEST(MnistLoad, MissingFolderNamesTheFile) {
  const auto r = mnist_load("/nonexistent/mnist", "t10k");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("/nonexistent/mnist/t10k-images-idx3-ubyte"), std::string::npos) << r.error;
}

// The real data set: 60000 training and 10000 test items; the first training digit is a 5.
TEST(MnistLoad, ReadsTheRealDataSet) {
  const std::string dir = test::mnist_dir();
  const auto train_labels = mnist_read_idx(dir, "train-labels-idx1-ubyte");
  ASSERT_TRUE(train_labels) << train_labels.error;
  EXPECT_EQ(train_labels->items(), 60000u);
  EXPECT_EQ(train_labels->data[0], 5);
  const auto train_images = mnist_read_idx(dir, "train-images-idx3-ubyte");
  ASSERT_TRUE(train_images) << train_images.error;
  EXPECT_EQ(train_images->dims, (std::vector<std::uint32_t>{60000, 28, 28}));

  const auto test = mnist_load(dir, "t10k");
  ASSERT_TRUE(test) << test.error;
  EXPECT_EQ(test->size(), 10000);
  EXPECT_EQ(test->images.rows(), 784);
  EXPECT_EQ(test->labels[0], 7);  // the first test digit is a 7
  EXPECT_FLOAT_EQ(test->images.maxCoeff(), 1.f);
  EXPECT_FLOAT_EQ(test->images.minCoeff(), 0.f);
}

}  // namespace
}  // namespace lens
