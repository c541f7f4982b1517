// The IDX reader on real MNIST and on malformed files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/formats/idx.h"
#include "core/formats/mnist.h"
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

// The type byte is shown in hex: 0x0D, not "0x13" (its decimal value behind a 0x).
TEST(IdxParse, NamesTheTypeByteInHex) {
  Bytes b = idx_bytes({3});
  b[2] = 0x0D;
  EXPECT_EQ(parse_error(b), "idx: unsupported data type 0x0D (float32; only unsigned byte, 0x08, is read)");
  b[2] = 0xFF;
  EXPECT_NE(parse_error(b).find("unsupported data type 0xFF (not an IDX type"), std::string::npos);
  b[2] = 0x00;
  EXPECT_NE(parse_error(b).find("unsupported data type 0x00 "), std::string::npos);
}

// A zero count must not hide an item size whose product wraps (item_size() would).
TEST(IdxParse, RejectsHugeItemsEvenWithZeroCount) {
  const Bytes b = {0, 0, 0x08, 4, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF};
  const std::string e = parse_error(b);
  EXPECT_NE(e.find("dimension overflow (0 x 2147483647 x 2147483647 x 2147483647 is more than 268435456 bytes"),
            std::string::npos) << e;
}

// A header may declare at most kIdxMaxDataBytes (256 MiB) of data, even when the product fits.
TEST(IdxParse, RejectsDeclaredSizeOverTheLimit) {
  const Bytes b = {0, 0, 0x08, 1, 0x10, 0, 0, 1};  // 268435457 one-byte labels
  const std::string e = parse_error(b);
  EXPECT_NE(e.find("dimension overflow (268435457 is more than 268435456 bytes, the limit)"), std::string::npos) << e;
}

// An IDX file with no items is well formed; as a data set it is refused.
TEST(IdxParse, ReadsZeroItemFile) {
  const auto r = idx_parse(idx_bytes({0, 28, 28}));
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->items(), 0u);
  EXPECT_EQ(r->item_size(), 784u);
  EXPECT_TRUE(r->data.empty());
}

// Cut anywhere, a file is refused with "truncated" (a header length field larger than the file).
TEST(IdxParse, RejectsTruncationAnywhere) {
  const Bytes good = idx_bytes({2, 3, 4});
  for (std::size_t n = 1; n < good.size(); ++n) {
    const std::string e = parse_error(Bytes(good.begin(), good.begin() + std::ptrdiff_t(n)));
    EXPECT_NE(e.find("truncated"), std::string::npos) << n << " bytes: " << e;
  }
}

// ---- gzip (zlib exists in native builds only; the wasm build must say so instead)

TEST(IdxGzip, WithoutZlibSaysSo) {
  if (gzip_available()) GTEST_SKIP() << "this build has zlib";
  const std::string e = parse_error(test::gzip(idx_bytes({3})));
  EXPECT_NE(e.find("no zlib"), std::string::npos) << e;
}

TEST(IdxGzip, ReadsGzipFile) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const Bytes plain = idx_bytes({3, 2, 2});
  const Bytes gz = test::gzip(plain);
  const auto inflated = gzip_decompress(gz);  // the test's own deflate writer agrees with zlib
  ASSERT_TRUE(inflated) << inflated.error;
  EXPECT_EQ(*inflated, plain);
  const auto r = idx_parse(gz);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->dims, (std::vector<std::uint32_t>{3, 2, 2}));
  EXPECT_EQ(r->data, Bytes(plain.begin() + 16, plain.end()));
}

// A gzip bomb is inflated no further than its IDX header declares (+1 byte):
// 1 GiB of zeros behind a header for 10 images stops after 7,857 bytes.
TEST(IdxGzip, StopsABombAtTheDeclaredSize) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  Bytes header = idx_bytes({10, 28, 28});
  header.resize(16);
  const Bytes bomb = test::gzip_zeros(header, std::uint64_t(1) << 30, /*with_crc=*/false);
  EXPECT_LT(bomb.size(), std::size_t(7) << 20);
  const std::string e = parse_error(bomb);
  EXPECT_EQ(e, "idx: trailing bytes (header promises 7840 bytes, the decompressed data has more)");
  // The same inflater with a plain limit: refused as soon as the output passes it.
  const auto capped = gzip_decompress(bomb, 1 << 20);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error, "gzip: decompresses to more than 1048576 bytes (the limit here)");
  const auto head = gzip_head(bomb, 20);
  ASSERT_TRUE(head) << head.error;
  EXPECT_EQ(head->size(), 20u);
}

// A bomb of bare zeros has no IDX header: refused after inflating 36 bytes.
TEST(IdxGzip, RefusesABombWithoutHeaderAtOnce) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const std::string e = parse_error(test::gzip_zeros({}, std::uint64_t(1) << 30, false));
  EXPECT_NE(e.find("unsupported data type 0x00"), std::string::npos) << e;
}

// A header declaring more than 256 MiB is refused before its data is inflated.
TEST(IdxGzip, RefusesAnAbsurdDeclaredSizeBeforeInflating) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const Bytes header = {0, 0, 0x08, 3, 0x00, 0x06, 0x00, 0x00, 0, 0, 0, 28, 0, 0, 0, 28};  // 393216 images: 308 MB
  const std::string e = parse_error(test::gzip_zeros(header, std::uint64_t(1) << 30, false));
  EXPECT_NE(e.find("dimension overflow (393216 x 28 x 28 is more than 268435456 bytes, the limit)"), std::string::npos)
      << e;
}

// A small gzip file declaring 342,000 images (268 MB) is refused from its header by the
// caller's budget, before anything past the header is inflated.
TEST(IdxGzip, RefusesMoreItemsThanTheBudgetBeforeInflating) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const Bytes header = {0, 0, 0x08, 3, 0x00, 0x05, 0x37, 0xF0, 0, 0, 0, 28, 0, 0, 0, 28};  // 342,000 x 28 x 28
  const Bytes gz = test::gzip_zeros(header, 4096, true);
  const auto r = idx_parse(gz, 300000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error, "idx: the header declares 342000 items; at most 300000 fit in the memory budget here");
  // Plain bytes the same, before they are copied.
  Bytes plain = header;
  plain.resize(16 + 784);
  EXPECT_EQ(idx_parse(plain, 10).error, "idx: the header declares 342000 items; at most 10 fit in the memory budget here");
}

// A header that declares more than its gzip stream could inflate to (deflate's best is 1032
// to 1) is refused as truncated before inflating, with the counts.
TEST(IdxGzip, RefusesADeclaredSizeTheStreamCannotHold) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const Bytes header = {0, 0, 0x08, 3, 0x00, 0x00, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};  // 60,000 x 28 x 28
  const Bytes gz = test::gzip_zeros(header, 1000, true);
  ASSERT_LT(gz.size() * kDeflateMaxRatio, 47040016u);
  const std::string e = parse_error(gz);
  EXPECT_EQ(e.rfind("idx: truncated data (header promises 47040000 bytes, 60000 items of 784 bytes, but a gzip stream of ", 0), 0u)
      << e;
  EXPECT_NE(e.find(" bytes inflates to at most "), std::string::npos) << e;
}

TEST(IdxGzip, RejectsShortData) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  Bytes plain = idx_bytes({4, 5, 6});
  plain.pop_back();
  const std::string e = parse_error(test::gzip(plain));
  EXPECT_EQ(e, "idx: truncated data (header promises 120 bytes, 4 items of 30 bytes; the decompressed data has 119)");
}

TEST(IdxGzip, RejectsTruncatedOrCorruptStreams) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const Bytes gz = test::gzip(idx_bytes({40, 5}));
  for (std::size_t n = 2; n < gz.size(); ++n) {  // every cut (2 bytes still look like gzip)
    const std::string e = parse_error(Bytes(gz.begin(), gz.begin() + std::ptrdiff_t(n)));
    EXPECT_TRUE(e.find("truncated") != std::string::npos || e.find("corrupt") != std::string::npos)
        << n << " bytes: " << e;
  }
  Bytes bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0x40;
  EXPECT_NE(parse_error(bad_crc).find("gzip: corrupt stream (incorrect data check)"), std::string::npos);
  Bytes bad_size = gz;
  bad_size[bad_size.size() - 1] ^= 0x01;
  EXPECT_NE(parse_error(bad_size).find("gzip: corrupt stream"), std::string::npos);
}

TEST(IdxGzip, RejectsTrailingGarbageButReadsConcatenatedMembers) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const Bytes plain = idx_bytes({6});
  Bytes gz = test::gzip(plain);
  gz.push_back(0);
  EXPECT_NE(parse_error(gz).find("gzip: 1 bytes of trailing garbage"), std::string::npos);
  // gzip -d reads "cat a.gz b.gz" as the two files joined: so does the reader.
  const Bytes first = test::gzip(Bytes(plain.begin(), plain.begin() + 7));
  Bytes joined = test::gzip(Bytes(plain.begin() + 7, plain.end()));
  joined.insert(joined.begin(), first.begin(), first.end());
  const auto r = idx_parse(joined);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->data, Bytes(plain.begin() + 8, plain.end()));
}

// Inflating once must be the end of it: gzip inside gzip is refused, never inflated again
// (a gzip quine would otherwise recurse for ever).
TEST(IdxGzip, RefusesGzipInsideGzip) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  const std::string e = parse_error(test::gzip(test::gzip(idx_bytes({3}))));
  EXPECT_NE(e.find("gzip-compressed again"), std::string::npos) << e;
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

TEST(MnistFromIdx, RejectsEmptyDataSet) {
  const auto images = idx_parse(idx_bytes({0, 28, 28}));
  const auto labels = idx_parse(idx_bytes({0}));
  ASSERT_TRUE(images && labels);
  const auto r = mnist_from_idx(*images, *labels);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error, "empty data set: 0 images and 0 labels");
}

// Arrays made by hand (not by idx_parse) whose data disagrees with their dims are refused, not overrun.
TEST(MnistFromIdx, RejectsInconsistentArrays) {
  auto images = idx_parse(idx_bytes({2, 28, 28}));
  auto labels = idx_parse(idx_bytes({2}));
  ASSERT_TRUE(images && labels);
  images->data.resize(100);
  const auto r = mnist_from_idx(*images, *labels);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("inconsistent array"), std::string::npos) << r.error;
}

// A scratch folder under $TMPDIR (or /tmp), removed with its files at the end.
struct ScratchDir {
  std::string path;
  std::vector<std::string> files;
  explicit ScratchDir(const std::string& name) {
    const char* tmp = std::getenv("TMPDIR");
    path = std::string(tmp && *tmp ? tmp : "/tmp") + "/lens-test-" + name + "-" + std::to_string(getpid());
    ::mkdir(path.c_str(), 0700);
  }
  void write(const std::string& name, const Bytes& bytes) {
    files.push_back(path + "/" + name);
    ASSERT_TRUE(file_write(files.back(), bytes));
  }
  ~ScratchDir() {
    for (const std::string& f : files) std::remove(f.c_str());
    ::rmdir(path.c_str());
  }
};

// lens-train and lens-report go through mnist_load: a 0-item set names the file.
TEST(MnistLoad, RefusesEmptyFilesNamingThem) {
  ScratchDir dir("empty");
  dir.write("t10k-images-idx3-ubyte", idx_bytes({0, 28, 28}));
  dir.write("t10k-labels-idx1-ubyte", idx_bytes({0}));
  const auto r = mnist_load(dir.path, "t10k");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error, dir.path + "/t10k-images-idx3-ubyte holds 0 images (an empty data set)");
  dir.write("train-images-idx3-ubyte", idx_bytes({1, 28, 28}));
  dir.write("train-labels-idx1-ubyte", idx_bytes({0}));
  const auto t = mnist_load(dir.path, "train");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error, dir.path + "/train-labels-idx1-ubyte holds 0 labels (an empty data set)");
}

TEST(MnistLoad, RefusesEmptyGzipFilesNamingThem) {
  if (!gzip_available()) GTEST_SKIP() << "no zlib in this build";
  ScratchDir dir("empty-gz");
  dir.write("t10k-images-idx3-ubyte.gz", test::gzip(idx_bytes({0, 28, 28})));
  dir.write("t10k-labels-idx1-ubyte.gz", test::gzip(idx_bytes({0})));
  const auto r = mnist_load(dir.path, "t10k");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error, dir.path + "/t10k-images-idx3-ubyte.gz holds 0 images (an empty data set)");
}

// A plain file that exists but is broken is reported as itself, not as "missing".
TEST(MnistLoad, ReportsABrokenPlainFileAsItself) {
  ScratchDir dir("broken");
  Bytes images = idx_bytes({2, 28, 28});
  images.resize(100);
  dir.write("t10k-images-idx3-ubyte", images);
  const auto r = mnist_load(dir.path, "t10k");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find(dir.path + "/t10k-images-idx3-ubyte: idx: truncated data"), std::string::npos) << r.error;
}

TEST(FileRead, RefusesFilesOverTheLimit) {
  ScratchDir dir("large");
  dir.write("big", Bytes(5000, 1));
  const auto r = file_read(dir.path + "/big", 4999);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error, dir.path + "/big: file too large (more than 4999 bytes; not the kind of file expected)");
  const auto ok = file_read(dir.path + "/big", 5000);
  ASSERT_TRUE(ok) << ok.error;
  EXPECT_EQ(ok->size(), 5000u);
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
