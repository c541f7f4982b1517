// The .lens bundle: round trip, and corrupted files rejected with a clear message.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/formats/bundle.h"
#include "core/formats/crc32.h"
#include "app/core/model_library.h"
#include "app_fixture.h"
#include "report/report.h"
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

std::uint32_t header_length(const Bytes& b) { return get_le_u32(&b[12]); }

void reseal(Bytes& b) {  // recomputes the checksum after a deliberate edit
  set_le_u32(&b[b.size() - 4], crc32(b.data(), b.size() - 4));
}

// Replaces the JSON header (keeping weights) and fixes lengths and checksum.
Bytes with_header(const Bytes& good, const std::string& json) {
  const std::size_t len = header_length(good);
  Bytes b;
  b.reserve(good.size() + json.size());
  b.insert(b.end(), good.begin(), good.begin() + kHeaderStart);
  set_le_u32(&b[12], std::uint32_t(json.size()));
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
  b[8] = 5;
  reseal(b);
  expect_error(b, "unsupported format version 5");
}

// A model without an input map is written as version 1, exactly the layout old readers know.
TEST(BundleWrite, WritesVersionOneWithoutInputMap) {
  const Bytes b = bundle_write(tiny_bundle(1));
  EXPECT_EQ(b[8], 1);
  EXPECT_EQ(good_header().find("input_norm"), std::string::npos);
}

// Version 2 carries torchvision's Normalize(mean, std) and it survives the round trip.
TEST(BundleRoundTrip, KeepsTheInputMapInVersionTwo) {
  Bundle in = tiny_bundle(3);
  in.net.norm = {0.1307f, 0.3081f};
  const Bytes bytes = bundle_write(in);
  EXPECT_EQ(bytes[8], 2);
  const auto out = bundle_read(bytes);
  ASSERT_TRUE(out) << out.error;
  EXPECT_EQ(out->net.norm.mean, 0.1307f);
  EXPECT_EQ(out->net.norm.std, 0.3081f);
}

// Version 1 ignores an "input_norm" key (unknown keys are ignored there); version 2 checks it.
TEST(BundleRead, ChecksTheInputMapOnlyInVersionTwo) {
  Bundle in = tiny_bundle(3);
  in.net.norm = {0.5f, 0.25f};
  const Bytes good = bundle_write(in);
  std::string h(good.begin() + kHeaderStart, good.begin() + std::ptrdiff_t(kHeaderStart + header_length(good)));
  const std::string needle = "\"std\":0.25";
  ASSERT_NE(h.find(needle), std::string::npos) << h;
  std::string zero = h;
  zero.replace(zero.find(needle), needle.size(), "\"std\":0.0");
  expect_error(with_header(good, zero), "input_norm");
  std::string text = h;
  text.replace(text.find(needle), needle.size(), "\"std\":\"x\"");
  expect_error(with_header(good, text), "input_norm");
  Bytes v1 = with_header(good, zero);
  v1[8] = 1;
  reseal(v1);
  const auto r = bundle_read(v1);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->net.norm.identity());
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

// Parameters near the float limit overflow every forward pass: refused, naming
// the layer, weight or bias, the index and the value.
TEST(BundleRead, RejectsAbsurdParameterValues) {
  Bundle t = tiny_bundle(1);
  t.net.layers[1].W(2, 3) = 3.4e38f;
  expect_error(bundle_write(t),
               "bundle: absurd value: layer 1 weight 11 (unit 2, input 3) is 3.39999995e+38 (every weight and bias "
               "must be within +-10000)");
  t = tiny_bundle(1);
  t.net.layers[0].b(2) = -1e30f;
  expect_error(bundle_write(t), "bundle: absurd value: layer 0 bias 2 is -1.00000002e+30");
  t = tiny_bundle(1);
  t.net.layers[0].W(0, 0) = 10000.001f;
  expect_error(bundle_write(t), "layer 0 weight 0 (unit 0, input 0) is 10000.001");
  t = tiny_bundle(1);  // the limit itself is allowed
  t.net.layers[0].W(0, 0) = -kBundleMaxMagnitude;
  t.net.layers[1].b(0) = kBundleMaxMagnitude;
  const auto r = bundle_read(bundle_write(t));
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->net.layers[1].b(0), 1e4f);
}

TEST(BundleRead, NonFiniteMessageNamesTheParameter) {
  Bundle t = tiny_bundle(1);
  t.net.layers[0].b(1) = -std::numeric_limits<float>::infinity();
  expect_error(bundle_write(t), "bundle: layer 0 has NaN or infinite weights (layer 0 bias 1 is -inf)");
}

// Every shipped model is far inside the magnitude limit (their largest |w| is about 9).
TEST(BundleRead, ShippedModelsAreWellInsideTheMagnitudeLimit) {
  for (const char* id : {"mlp128", "mlp2x64", "mlp32", "mlp6-dead", "mlp6", "xor"}) {
    const auto b = bundle_load(test::assets_dir() + "/models/" + id + ".lens");
    ASSERT_TRUE(b) << b.error;
    for (const Dense& d : b->net.layers) {
      EXPECT_LT(d.W.cwiseAbs().maxCoeff(), kBundleMaxMagnitude / 100) << id;
      EXPECT_LT(d.b.cwiseAbs().maxCoeff(), kBundleMaxMagnitude / 100) << id;
    }
  }
}

// 10,000 levels of nesting in "training" used to overflow the stack inside
// nlohmann::json (native SIGSEGV, "Maximum call stack size exceeded" in the page).
TEST(BundleRead, RejectsDeepNestingBeforeParsing) {
  const std::string h = good_header();
  const auto training = h.find("\"training\":");
  ASSERT_NE(training, std::string::npos);
  const std::size_t value = training + 11;
  const std::size_t value_end = h.find('}', value) + 1;  // {"epochs":3,"optimizer":"adam"}
  auto with_training = [&](const std::string& t) {
    return with_header(bundle_write(tiny_bundle(1)), h.substr(0, value) + t + h.substr(value_end));
  };
  const std::string arrays = std::string(10000, '[') + std::string(10000, ']');
  expect_error(with_training("{\"a\":" + arrays + "}"), "bundle: bad JSON header: nested 10002 levels deep (at most 64 allowed)");
  std::string objects = "1";
  for (int i = 0; i < 10000; ++i) objects = "{\"a\":" + objects + "}";
  expect_error(with_training(objects), "nested 10001 levels deep (at most 64 allowed)");
  // Unbalanced (invalid) text is refused for its depth just the same, before the parser builds it.
  expect_error(with_training(std::string(100000, '[')), "nested 100001 levels deep");

  // The limit counts the header object itself: 62 levels inside "training" reach 64 and pass, 63 do not.
  auto nested = [](int n) { return std::string(std::size_t(n), '[') + std::string(std::size_t(n), ']'); };
  const auto ok = bundle_read(with_training("{\"deep\":" + nested(62) + "}"));
  ASSERT_TRUE(ok) << ok.error;
  EXPECT_EQ(bundle_read(bundle_write(*ok))->info.training, ok->info.training);  // copies and dumps are fine
  expect_error(with_training("{\"deep\":" + nested(63) + "}"), "nested 65 levels deep (at most 64 allowed)");
  // Brackets inside strings are text, not nesting.
  const auto text = bundle_read(with_training("{\"s\":\"" + std::string(5000, '[') + "\\\"" + std::string(5000, '{') + "\"}"));
  ASSERT_TRUE(text) << text.error;
  EXPECT_EQ(text->info.training["s"].get<std::string>().size(), 10001u);
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

// A short file whose header declares 16 million parameters is refused as truncated
// before anything is allocated for them (it used to allocate 64 MB of zeros first).
TEST(BundleRead, RejectsShortFileWithHugeHeaderBeforeAllocating) {
  const std::string h =
      "{\"id\":\"big\",\"layers\":[{\"inputs\":4000,\"outputs\":4000,\"activation\":\"relu\"}]}";
  expect_error(with_header(bundle_write(tiny_bundle(1)), h),
               "bundle: truncated (the header's layers need 64016094 bytes, file has");
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

namespace lens {
namespace {

Bundle tiny_decoder() {
  Bundle b;
  b.info.id = "prior";
  b.info.kind = BundleKind::Decoder;
  b.net = mlp_make({3, 4, 6}, Activation::ReLU, Activation::Sigmoid, Head::Sigmoid);
  test::randomize(b.net, 4);
  return b;
}

// Version 3: a decoder (the digit prior) says so, and survives the round trip; classifiers are
// still written as version 1, so older readers keep reading them.
TEST(BundleRoundTrip, KeepsADecodersKindInVersionThree) {
  const Bytes bytes = bundle_write(tiny_decoder());
  EXPECT_EQ(bytes[8], 3);
  const auto out = bundle_read(bytes);
  ASSERT_TRUE(out) << out.error;
  EXPECT_EQ(out->info.kind, BundleKind::Decoder);
  EXPECT_TRUE(out->net.layers[1].W == tiny_decoder().net.layers[1].W);
  EXPECT_EQ(bundle_write(tiny_bundle(1))[8], 1);
  EXPECT_EQ(bundle_read(bundle_write(tiny_bundle(1)))->info.kind, BundleKind::Classifier);
}

TEST(BundleRead, ChecksTheKindInVersionThree) {
  const Bytes good = bundle_write(tiny_decoder());
  const std::string h(good.begin() + kHeaderStart, good.begin() + std::ptrdiff_t(kHeaderStart + header_length(good)));
  const std::string needle = "\"kind\":\"decoder\"";
  ASSERT_NE(h.find(needle), std::string::npos) << h;
  std::string unknown = h, missing = h, number = h;
  unknown.replace(unknown.find(needle), needle.size(), "\"kind\":\"painter\"");
  expect_error(with_header(good, unknown), "unknown kind \"painter\"");
  missing.replace(missing.find(needle), needle.size(), "\"kinds\":\"decoder\"");
  expect_error(with_header(good, missing), "\"kind\" missing");
  number.replace(number.find(needle), needle.size(), "\"kind\":3");
  expect_error(with_header(good, number), "\"kind\" missing or not a string");
  // A decoder must give pixels in [0, 1]: its last layer is a sigmoid.
  std::string relu = h;
  const std::string last = "\"activation\":\"sigmoid\"";
  ASSERT_NE(relu.rfind(last), std::string::npos) << h;
  relu.replace(relu.rfind(last), last.size(), "\"activation\":\"relu\"");
  expect_error(with_header(good, relu), "sigmoid");
}

}  // namespace
}  // namespace lens

namespace lens {
namespace {

// The page lists a model from its header before fetching its weights (lens-info --index writes
// the headers into models.json): the header reader is bundle_read's own, so the listed model
// has the facts and shapes the fetched one will have, and a header bundle_read refuses is refused.
TEST(BundleHeader, DescribesTheModelBundleReadReads) {
  for (const char* id : {"mlp2x64", "mlp6-dead", "xor", "digit-prior"}) {
    const auto bytes = file_read(test::assets_dir() + "/models/" + id + ".lens");
    ASSERT_TRUE(bytes) << bytes.error;
    const auto whole = bundle_read(*bytes);
    const auto header = bundle_header_read(*bytes);
    ASSERT_TRUE(whole && header) << id << ": " << whole.error << header.error;
    EXPECT_EQ((*header)["id"], id);
    const auto listed = bundle_from_header(*header);
    ASSERT_TRUE(listed) << listed.error;
    EXPECT_EQ(listed->net.sizes(), whole->net.sizes()) << id;
    EXPECT_EQ(listed->net.head, whole->net.head) << id;
    EXPECT_EQ(listed->net.norm.mean, whole->net.norm.mean) << id;
    EXPECT_EQ(listed->info.kind, whole->info.kind) << id;
    EXPECT_EQ(listed->info.name, whole->info.name) << id;
    EXPECT_EQ(listed->info.test_accuracy, whole->info.test_accuracy) << id;
    EXPECT_EQ(listed->net.layers[0].W.cwiseAbs().maxCoeff(), 0.f) << "no weights, only their shapes";
  }
}

TEST(BundleHeader, RefusesWhatBundleReadRefuses) {
  auto h = bundle_header_read(bundle_write(tiny_bundle(1)));
  ASSERT_TRUE(h) << h.error;
  nlohmann::json bad = *h;
  bad["layers"][0]["activation"] = "swish";
  const auto listed = bundle_from_header(bad);
  ASSERT_FALSE(listed);
  EXPECT_NE(listed.error.find("layer 0: unknown activation \"swish\""), std::string::npos) << listed.error;
  EXPECT_EQ(bundle_read(with_header(bundle_write(tiny_bundle(1)), bad.dump())).error,
            "bundle: layer 0: unknown activation \"swish\"");
  bad = *h;
  bad.erase("version");
  EXPECT_FALSE(bundle_from_header(bad)) << "the version says which fields the header may have";
  EXPECT_FALSE(bundle_header_read(Bytes{1, 2, 3}));
}

}  // namespace
}  // namespace lens

// lens-report and the page take the same bundles: one rule (bundle_shown_as) says which. A
// 10-output sigmoid-head model, once reported on and refused by the page, is refused by both;
// so is a 784-10 model without a hidden layer, once shown by the page and refused by the report.
namespace lens {
namespace {

Bundle shaped(std::vector<int> sizes, Head head) {
  Bundle b;
  b.info.id = "shape";
  b.net = mlp_make(sizes, Activation::ReLU, Activation::Identity, head);
  return b;
}

TEST(BundleShownAs, OneRuleForThePageAndTheReport) {
  const Bundle sigmoid10 = shaped({784, 16, 10}, Head::Sigmoid), flat = shaped({784, 10}, Head::Softmax),
               mnist = shaped({784, 16, 10}, Head::Softmax), plane = shaped({2, 2, 1}, Head::Sigmoid);
  const auto refused = bundle_shown_as(sigmoid10);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error.find("this one has 784 inputs and 10 sigmoid outputs"), std::string::npos) << refused.error;
  EXPECT_NE(bundle_shown_as(flat).error.find("and no hidden layer"), std::string::npos) << bundle_shown_as(flat).error;
  EXPECT_EQ(*bundle_shown_as(mnist), BundleShown::Image);
  EXPECT_EQ(*bundle_shown_as(plane), BundleShown::Plane);
  for (const Bundle* b : {&sigmoid10, &flat, &mnist, &plane}) {
    auto s = test::app_with_models("mlp6");
    const bool page = bool(model_library_add(*s, bundle_write(*b), "test"));
    const bool report = report_is_mnist_model(*b) || report_is_plane_model(*b);
    EXPECT_EQ(page, report) << b->net.inputs() << " inputs, " << b->net.outputs() << " outputs, " << b->net.layers.size() << " layers";
    EXPECT_EQ(page, bool(bundle_shown_as(*b)));
  }
}

}  // namespace
}  // namespace lens
