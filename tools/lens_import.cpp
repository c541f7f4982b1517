// lens-import: an ONNX model (PyTorch's torch.onnx.export, Keras through tf2onnx) as a .lens
// bundle the page and lens-report read.
//   lens-import model.onnx -o model.lens [--name NAME] [--id ID] [--normalize MEAN,STD] [--accuracy A]
// ONNX files do not record the input normalization a model was trained with: give it with
// --normalize (torchvision's Normalize((0.1307,), (0.3081,)) is --normalize 0.1307,0.3081), or
// record it in the file's metadata (lens.input_mean, lens.input_std). Without either, when the
// MNIST test set is found (--data, $LENS_MNIST_DIR, ../shared/data/mnist), raw pixels, MNIST's
// and [-1, 1] are measured on its first 1,000 digits and the best is used, as the page does
// (interpret/input_norm_search.h), with the same sentence. The accuracy is then measured on the
// whole test set and compared with the recorded one, as the page does.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>

#include "core/formats/bundle.h"
#include "core/formats/mnist.h"
#include "core/onnx/onnx_import.h"
#include "core/onnx/onnx_norm_recorded.h"
#include "interpret/input_norm_search.h"

using namespace lens;

// How the input normalization was settled, for the summary's line.
enum class NormFrom { Option, File, Measured, Unmeasured };

static void summary(const Bundle& b, NormFrom from) {
  std::printf("%s (%s): layers", b.info.name.c_str(), b.info.id.c_str());
  for (int s : b.net.sizes()) std::printf(" %d", s);
  std::printf(", activations");
  for (const Layer& d : b.net.layers) std::printf(" %s", activation_name(d.act));
  std::printf(", head %s\n", head_name(b.net.head));
  if (b.net.has_conv())
    for (std::size_t l = 0; l < b.net.layers.size(); ++l) std::printf("  layer %zu: %s\n", l, layer_description(b.net.layers[l]).c_str());
  const char* why = from == NormFrom::Option ? "from --normalize" : from == NormFrom::File ? "recorded in the file"
                    : from == NormFrom::Measured ? "measured" : "none recorded, and MNIST was not found to measure one";
  std::printf("input: %s (%s)\n", norm_formula(b.net.norm).c_str(), why);
  if (b.info.test_accuracy >= 0) std::printf("recorded test accuracy: %.2f%%\n", 100 * b.info.test_accuracy);
  else std::printf("recorded test accuracy: none (give --accuracy with what your framework measured)\n");
}

// The model records no normalization and none was given: measured on the test digits when they
// are found, the best kept in b and the sentence printed.
static NormFrom find_norm(Bundle& b, const Result<DataSet>& test) {
  if (b.net.inputs() != 784) return NormFrom::File;  // a model of the plane has no pixels to normalize
  if (!test) {
    std::printf("normalization not measured: %s\n", test.error.c_str());
    return NormFrom::Unmeasured;
  }
  const NormSearch search = norm_search(b.net, *test);
  b.net.norm = search.chosen();
  std::printf("%s\n", norm_search_sentence(search).c_str());
  return NormFrom::Measured;
}

// Measures the accuracy on the 10k test images and says whether it disagrees with the record.
static void measure(const Bundle& b, const Result<DataSet>& test) {
  if (b.net.inputs() != 784) return;
  if (!test) {
    std::printf("not measured: %s\n", test.error.c_str());
    return;
  }
  const std::vector<int> predicted = head_predict(b.net.head, mlp_forward(b.net, test->images));
  int correct = 0;
  for (int n = 0; n < test->size(); ++n) correct += predicted[std::size_t(n)] == test->labels[std::size_t(n)];
  const double measured = double(correct) / test->size();
  std::printf("measured test accuracy: %.2f%% (%d of %d)\n", 100 * measured, correct, test->size());
  if (b.info.test_accuracy >= 0 && std::abs(measured - b.info.test_accuracy) > 0.005)
    std::printf("warning: %.2f points %s than recorded%s\n", 100 * std::abs(measured - b.info.test_accuracy),
                measured < b.info.test_accuracy ? "lower" : "higher",
                b.net.norm.identity() ? ": was the model trained on normalized input? Then pass --normalize MEAN,STD" : "");
}

int main(int argc, char** argv) {
  CLI::App app{"lens-import: an ONNX MLP (PyTorch, Keras via tf2onnx) as a .lens weight bundle"};
  std::string in, out, data;
  OnnxImportOptions o;
  std::vector<float> normalize;
  double accuracy = -1;
  app.add_option("model", in, "the .onnx file")->required();
  app.add_option("--out,-o", out, "output bundle path (.lens)")->required();
  app.add_option("--name", o.name, "display name (default: the model's lens.name metadata or its producer)");
  app.add_option("--id", o.id, "model id, a-z 0-9 - _ (default: from the name)");
  app.add_option("--normalize", normalize, "MEAN,STD the model was trained with: it sees (pixel - MEAN) / STD "
                                           "(torchvision Normalize((0.1307,), (0.3081,)) is 0.1307,0.3081); without it, "
                                           "and without the file's metadata, the best of raw, MNIST's and [-1, 1] is measured")
      ->delimiter(',')->expected(2);
  app.add_option("--accuracy", accuracy, "the test accuracy your framework measured, in [0, 1] (recorded; the page compares)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--data", data, "folder with the MNIST IDX files, to measure the normalization and the accuracy");
  CLI11_PARSE(app, argc, argv);
  if (!normalize.empty()) {
    if (!(normalize[1] >= kBundleMinNormStd && normalize[1] <= kBundleMaxMagnitude && std::abs(normalize[0]) <= kBundleMaxMagnitude)) {
      std::fprintf(stderr, "lens-import: --normalize MEAN,STD needs |MEAN| <= 1e4 and STD in [1e-4, 1e4]\n");
      return 2;
    }
    o.norm = InputNorm{normalize[0], normalize[1]};
  }
  if (accuracy >= 0) o.test_accuracy = accuracy;
  const auto bytes = file_read(in, kOnnxMaxBytes);
  if (!bytes) { std::fprintf(stderr, "lens-import: %s\n", bytes.error.c_str()); return 1; }
  auto b = onnx_import(*bytes, o);
  if (!b) { std::fprintf(stderr, "lens-import: %s: %s\n", in.c_str(), b.error.c_str()); return 1; }
  const auto test = mnist_load(mnist_default_dir(data), "t10k");
  const NormFrom from = o.norm ? NormFrom::Option : onnx_records_input_norm(*bytes) ? NormFrom::File : find_norm(*b, test);
  if (auto r = bundle_save(*b, out); !r) { std::fprintf(stderr, "lens-import: %s\n", r.error.c_str()); return 1; }
  summary(*b, from);
  measure(*b, test);
  std::printf("wrote %s\n", out.c_str());
  return 0;
}
