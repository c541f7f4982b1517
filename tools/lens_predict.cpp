// lens-predict: the native library's predictions for MNIST test images, as JSON
// (the browser tests compare the page's answers with these).
//   lens-predict --model assets/models/mlp128.lens [--data DIR] [--first 0] [--count 100]
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>

#include "core/formats/bundle.h"
#include "core/formats/mnist.h"

using namespace lens;

int main(int argc, char** argv) {
  CLI::App app{"lens-predict: predictions of a bundle on MNIST test images, as JSON"};
  std::string model, data;
  int first = 0, count = 100;
  app.add_option("--model", model, "bundle (.lens)")->required();
  app.add_option("--data", data, "folder with the MNIST IDX files");
  app.add_option("--first", first, "first test image")->check(CLI::NonNegativeNumber);
  app.add_option("--count", count, "number of images")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  const auto b = bundle_load(model);
  if (!b) { std::fprintf(stderr, "lens-predict: %s\n", b.error.c_str()); return 1; }
  const auto test = mnist_load(mnist_default_dir(data), "t10k");
  if (!test) { std::fprintf(stderr, "lens-predict: %s\n", test.error.c_str()); return 1; }
  if (first + count > test->size()) { std::fprintf(stderr, "lens-predict: only %d test images\n", test->size()); return 2; }
  const Eigen::MatrixXf logits = mlp_forward(b->net, test->images.middleCols(first, count));
  const Eigen::MatrixXf p = head_probabilities(b->net.head, logits);
  const std::vector<int> pred = head_predict(b->net.head, logits);
  std::printf("{\"model\": \"%s\", \"first\": %d, \"predicted\": [", b->info.id.c_str(), first);
  for (int i = 0; i < count; ++i) std::printf("%s%d", i ? ", " : "", pred[std::size_t(i)]);
  std::printf("], \"confidence\": [");
  for (int i = 0; i < count; ++i) {  // JSON has no NaN: a non-finite value is null
    const double v = p(pred[std::size_t(i)], i);
    std::isfinite(v) ? std::printf("%s%.6f", i ? ", " : "", v) : std::printf("%snull", i ? ", " : "");
  }
  std::printf("]}\n");
  return 0;
}
