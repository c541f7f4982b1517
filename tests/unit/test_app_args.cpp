// The JS API's value checks (app/core/api_args.h): each refuses with a message that
// names the value and what would be accepted, and returns the checked value otherwise.
#include <gtest/gtest.h>

#include <cmath>

#include "app/core/api_args.h"
#include "app/core/drawing.h"
#include "app_fixture.h"

namespace lens {
namespace {

using test::has;

const LoadedModel& model(const AppState& s, const std::string& id) { return s.models[std::size_t(model_library_find(s, id))]; }

// Model ids must be loaded ones; the message lists them.
TEST(ApiArgs, ModelIdMustBeLoaded) {
  auto s = test::app_with_models();
  const auto ok = check_model_id(*s, "mlp6-dead");
  ASSERT_TRUE(ok);
  EXPECT_EQ(s->models[std::size_t(*ok)].bundle.info.id, "mlp6-dead");
  const auto bad = check_model_id(*s, "mlp9000");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error, "unknown model id \"mlp9000\" (known: xor, mlp6-dead, mlp6, mlp32, mlp128, mlp2x64, cnn)");
}

// Names from the API are printable and short: a NUL (where a C string would end, so that
// "mlp6\0x" would pick mlp6) or any control character is refused, and so is a long name.
TEST(ApiArgs, NamesAreShortAndPrintable) {
  auto s = test::app_with_models();
  const auto nul = check_model_id(*s, std::string("mlp6\0x", 6));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error, "model id contains the control character U+0000 at position 4 (names hold printable characters only)");
  EXPECT_FALSE(check_model_id(*s, "mlp6\x1b"));
  EXPECT_FALSE(check_tab("neuron\n"));
  const auto long_tab = check_tab(std::string(kApiMaxNameChars + 1, 'x'));
  ASSERT_FALSE(long_tab);
  EXPECT_EQ(long_tab.error, "tab is 257 bytes long (at most 256)");
  EXPECT_TRUE(check_api_name("label", "Remove model"));
  EXPECT_TRUE(check_api_name("label", "caf\xC3\xA9")) << "non-ASCII characters are printable";
}

// lens.loadBundle's options: their JSON text at most kApiMaxOptionsChars, a name of at most
// kImportMaxNameChars characters (not bytes).
TEST(ApiArgs, ImportOptionsAreBounded) {
  const auto huge = check_import_options(R"({"name": ")" + std::string(5000, 'x') + R"("})");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error, "options are 5012 characters long as JSON (at most 4096)");
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "\xE6\x95\xB0";  // 100 characters, 300 bytes
  EXPECT_TRUE(check_import_options(R"({"name": ")" + hundred + R"("})"));
  const auto long_name = check_import_options(R"({"name": ")" + hundred + R"(x"})");
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error, "options.name must be a string of 1 to 100 characters");
}

// Tabs by their URL names only.
TEST(ApiArgs, TabMustBeOneOfTheFour) {
  for (const char* name : {"explore", "neuron", "outputs", "network"}) {
    const auto t = check_tab(name);
    ASSERT_TRUE(t) << name;
    EXPECT_STREQ(tab_name(*t), name);
  }
  const auto bad = check_tab("Neuron");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error, "unknown tab \"Neuron\" (explore, neuron, outputs, network, train)");
}

// Layers count hidden layers from 0 and the output layer is number H; neurons count from 0.
TEST(ApiArgs, NeuronMustExistInTheModel) {
  auto s = test::app_with_models();
  const LoadedModel& m = model(*s, "mlp2x64");  // hidden layers 0 and 1, output layer 2
  EXPECT_TRUE(check_neuron(m, 0, 0));
  EXPECT_TRUE(check_neuron(m, 1, 63));
  const auto out = check_neuron(m, 2, 9);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->layer, 2);
  EXPECT_EQ(out->unit, 9);
  const auto layer = check_neuron(m, 3, 0);
  ASSERT_FALSE(layer);
  EXPECT_EQ(layer.error, "layer 3 does not exist in mlp2x64 (hidden layers 0 to 1, output layer 2)");
  EXPECT_FALSE(check_neuron(m, -1, 0));
  const auto neuron = check_neuron(m, 1, 64);
  ASSERT_FALSE(neuron);
  EXPECT_EQ(neuron.error, "neuron 64 does not exist in layer 1 of mlp2x64 (it has 64, numbered from 0)");
  EXPECT_FALSE(check_neuron(m, 2, 10));
  EXPECT_FALSE(check_neuron(m, 0, -1));
}

// Selection and explanations are for hidden neurons: the output layer is refused by name.
TEST(ApiArgs, HiddenNeuronIsNotInTheOutputLayer) {
  auto s = test::app_with_models();
  const LoadedModel& m = model(*s, "mlp32");
  EXPECT_TRUE(check_hidden_neuron(m, 0, 31));
  const auto out = check_hidden_neuron(m, 1, 3);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error, "layer 1 is the output layer of mlp32; this needs a hidden neuron (layers 0 to 0)");
  const auto missing = check_hidden_neuron(m, 0, 999);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(has(missing.error, "neuron 999 does not exist")) << missing.error;
}

// An input has exactly the model's size, every value finite and in [0, 1].
TEST(ApiArgs, InputHasTheModelsSizeAndValuesInZeroOne) {
  auto s = test::app_with_models();
  const LoadedModel& m = model(*s, "mlp32");
  std::vector<float> v(784, 0.25f);
  const auto ok = check_input(m, v.data(), 784);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 784);
  EXPECT_EQ((*ok)(783), 0.25f);
  const auto short_input = check_input(m, v.data(), 2);
  ASSERT_FALSE(short_input);
  EXPECT_EQ(short_input.error, "expected 784 values for model mlp32, got 2");
  v[5] = std::nanf("");
  EXPECT_EQ(check_input(m, v.data(), 784).error, "value 5 is not a finite number (must be in [0, 1])");
  v[5] = 2.f;
  EXPECT_EQ(check_input(m, v.data(), 784).error, "value 5 is 2 (must be in [0, 1])");
  v[5] = -0.5f;
  EXPECT_FALSE(check_input(m, v.data(), 784));
  const float plane[2] = {0.f, 1.f};
  EXPECT_TRUE(check_input(model(*s, "xor"), plane, 2));
}

// lens.predict takes exactly one sample; lens.predictBatch whole samples; every value in
// [0, 1] unless the values are bytes; a bad value is named by sample and index.
TEST(ApiArgs, SamplesForPredictAreWholeAndInZeroOne) {
  auto s = test::app_with_models();
  const LoadedModel& m = model(*s, "mlp32");
  std::vector<float> v(784 * 3, 0.5f);
  EXPECT_EQ(*check_samples(m, v.data(), 784, -1), 1);
  EXPECT_EQ(check_samples(m, v.data(), 783, -1).error, "expected 784 values for model mlp32, got 783");
  EXPECT_EQ(*check_samples(m, v.data(), 784 * 3, 0), 3);
  EXPECT_EQ(check_samples(m, v.data(), 784 * 2 + 1, 0).error,
            "expected a positive multiple of 784 values (784 per sample) for model mlp32, got 1569");
  EXPECT_FALSE(check_samples(m, v.data(), 0, 0));
  v[784 * 2 + 7] = std::nanf("");
  EXPECT_EQ(check_samples(m, v.data(), 784 * 3, 10).error, "sample 12, value 7 is not a finite number (must be in [0, 1])");
  EXPECT_EQ(check_samples(m, v.data() + 784 * 2, 784, -1).error, "value 7 is not a finite number (must be in [0, 1])");
  EXPECT_EQ(*check_samples(m, nullptr, 784 * 3, 0), 3) << "bytes are always valid pixels";
}

// A stroke is for image models, needs a point, and is turned into canvas pixels.
TEST(ApiArgs, StrokeIsForImageModelsWithPointsInZeroOne) {
  auto s = test::app_with_models();
  const float xy[4] = {0.5f, 0.25f, 1.f, 0.f};
  const auto ok = check_stroke(model(*s, "mlp32"), xy, 2);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, (std::vector<float>{0.5f * kCanvasSide, 0.25f * kCanvasSide, float(kCanvasSide), 0.f}));
  EXPECT_EQ(check_stroke(model(*s, "mlp32"), xy, 0).error, "need at least one point");
  const float outside[2] = {0.5f, 1.5f};
  EXPECT_EQ(check_stroke(model(*s, "mlp32"), outside, 1).error, "coordinate 1 is 1.5 (must be in [0, 1])");
  const auto plane = check_stroke(model(*s, "xor"), xy, 2);
  ASSERT_FALSE(plane);
  EXPECT_EQ(plane.error, "model xor does not take an image (it has 2 inputs)");
}

}  // namespace
}  // namespace lens
