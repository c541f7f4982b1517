// What an ONNX file says about itself: the name an imported model is shown by (never the
// exporter's default graph name, "torch_jit"), and whether it records its input normalization
// (when it does not, the page and lens-import measure one: interpret/input_norm_search.h).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/formats/bytes.h"
#include "core/onnx/onnx_import.h"
#include "core/onnx/onnx_norm_recorded.h"
#include "onnx_writer.h"
#include "test_support.h"

namespace lens {
namespace {

using test::onnx_model;
using test::onnx_node;
using test::onnx_tensor;
using test::onnx_value;

// 784 -> 10 in one Gemm, its graph named "test_graph" (onnx_writer.h), with this metadata.
Bytes one_layer(const std::vector<std::pair<std::string, std::string>>& meta = {}) {
  return onnx_model({onnx_node("Gemm", {"x", "W", "b"}, {"z"}, "fc", {{"transB", 2, 0, 1}})},
                    {onnx_tensor("W", {10, 784}, std::vector<float>(7840, 0.001f)), onnx_tensor("b", {10}, std::vector<float>(10, 0.f))},
                    onnx_value("x", {-1, 784}), onnx_value("z", {-1, 10}), 13, meta);
}

// The same bytes with one text replaced by another of the same length (field lengths stay right).
Bytes replaced(Bytes bytes, const std::string& from, const std::string& to) {
  EXPECT_EQ(from.size(), to.size());
  auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
  EXPECT_NE(at, bytes.end()) << from;
  if (at != bytes.end()) std::copy(to.begin(), to.end(), at);
  return bytes;
}

std::string name_of(const Bytes& bytes, const OnnxImportOptions& o = {}) {
  auto b = onnx_import(bytes, o);
  EXPECT_TRUE(b) << b.error;
  return b ? b->info.name + " | " + b->info.id : "";
}

// PyTorch names every graph "torch_jit" (older versions "torch-jit-export"), the ONNX exporter of
// torch.export "main_graph", tf2onnx "tf2onnx": those name the exporter, so the model is named
// after its producer. A graph name someone chose, metadata and options are used as given.
TEST(OnnxNames, AnExportersDefaultGraphNameIsNotTheModelsName) {
  const auto fixture = file_read(test::onnx_fixtures_dir() + "/mlp-norm-unrecorded.onnx");
  ASSERT_TRUE(fixture) << fixture.error;
  const std::string torch_jit = "torch_jit";
  ASSERT_NE(std::search(fixture->begin(), fixture->end(), torch_jit.begin(), torch_jit.end()), fixture->end())
      << "the fixture's graph is PyTorch's torch_jit";
  EXPECT_EQ(name_of(*fixture), "mlp-norm-unrecorded | mlp-norm-unrecorded") << "its lens.name metadata";
  const Bytes unnamed = replaced(*fixture, "lens.name", "lens.nope");  // a key the importer does not read
  EXPECT_EQ(name_of(unnamed), "ONNX model from pytorch | onnx-model-from-pytorch");
  EXPECT_EQ(name_of(replaced(one_layer(), "test_graph", "main_graph")), "ONNX model from lens-test | onnx-model-from-lens-test");
  EXPECT_EQ(name_of(one_layer()), "test_graph | test_graph") << "a name someone gave the graph";
  EXPECT_EQ(name_of(one_layer({{"lens.name", "Lab MLP"}})), "Lab MLP | lab-mlp");
  OnnxImportOptions named;
  named.name = "Course model";
  EXPECT_EQ(name_of(*fixture, named), "Course model | course-model");
}

// Either metadata key records a normalization, the identity included; other keys, no metadata,
// and bytes that are not a model record none.
TEST(OnnxNormRecorded, ReadsTheMetadataKeysTheImporterReads) {
  for (const auto& [file, recorded] : {std::pair<const char*, bool>{"mlp-relu-softmax.onnx", true},
                                       {"mlp-leaky-2x16.onnx", true},
                                       {"mlp-norm-unrecorded.onnx", false},
                                       {"mlp-tanh-logsoftmax.onnx", false}}) {
    const auto bytes = file_read(test::onnx_fixtures_dir() + "/" + file);
    ASSERT_TRUE(bytes) << bytes.error;
    EXPECT_EQ(onnx_records_input_norm(*bytes), recorded) << file;
  }
  EXPECT_TRUE(onnx_records_input_norm(one_layer({{"lens.input_mean", "0"}, {"lens.input_std", "1"}}))) << "raw pixels, recorded";
  EXPECT_TRUE(onnx_records_input_norm(one_layer({{"lens.name", "x"}, {"lens.input_std", "0.5"}})));
  EXPECT_FALSE(onnx_records_input_norm(one_layer({{"lens.name", "x"}, {"lens.test_accuracy", "0.9"}})));
  EXPECT_FALSE(onnx_records_input_norm(one_layer()));
  EXPECT_FALSE(onnx_records_input_norm(Bytes{}));
  EXPECT_FALSE(onnx_records_input_norm(Bytes{0x08, 0xff}));
  const Bytes with = one_layer({{"lens.input_mean", "0.1"}});
  for (std::size_t n = 0; n < with.size(); n += 97) onnx_records_input_norm(Bytes(with.begin(), with.begin() + long(n)));  // no read past the end (ASan)
}

}  // namespace
}  // namespace lens
