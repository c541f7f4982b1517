// bench-convnet: how fast an imported convnet answers, natively and in wasm (under node).
// Figures only, never a pass or fail: the goal for the page (wasm) is a stroke's answer under
// 10 ms for the PyTorch MNIST example (12 M multiply-adds a digit).
//
//   bench-convnet --onnx FILE --data DIR [--normalize MEAN,STD] [--digits N]
//
// Prints, for one digit at a time (lens.predict's path, infer.h) and for a batch of N digits
// (mlp_forward, the analyses' path): the median milliseconds a digit over N digits, and the
// multiply-adds per second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/formats/mnist.h"
#include "core/numerics/infer.h"
#include "core/onnx/onnx_import.h"

#ifdef __EMSCRIPTEN__
constexpr const char* kPlatform = "wasm";
#else
constexpr const char* kPlatform = "native";
#endif

using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

int main(int argc, char** argv) {
  std::string onnx, data;
  lens::OnnxImportOptions options;
  int digits = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--onnx") onnx = v;
    else if (k == "--data") data = v;
    else if (k == "--digits") digits = std::max(1, std::atoi(v.c_str()));
    else if (k == "--normalize") options.norm = lens::InputNorm{std::strtof(v.c_str(), nullptr), std::strtof(v.c_str() + v.find(',') + 1, nullptr)};
  }
  auto bytes = lens::file_read(onnx, lens::kOnnxMaxBytes);
  if (!bytes) return std::fprintf(stderr, "bench-convnet: %s\n", bytes.error.c_str()), 1;
  auto b = lens::onnx_import(*bytes, options);
  if (!b) return std::fprintf(stderr, "bench-convnet: %s\n", b.error.c_str()), 1;
  auto test = lens::mnist_load(lens::mnist_default_dir(data), "t10k");
  if (!test) return std::fprintf(stderr, "bench-convnet: %s\n", test.error.c_str()), 1;
  digits = std::min(digits, test->size());
  double work = 0;
  for (const lens::Layer& d : b->net.layers) work += double(d.W.size()) * (d.is_conv() ? d.conv_shape().plane() : 1);

  lens::InferScratch s;
  std::vector<float> probs(std::size_t(b->net.outputs()));
  lens::infer_one(b->net, test->images.col(0).data(), probs.data(), s);  // warm-up
  std::vector<double> one;
  for (int n = 0; n < digits; ++n) {
    const auto t0 = Clock::now();
    lens::infer_one(b->net, test->images.col(n).data(), probs.data(), s);
    one.push_back(ms_since(t0));
  }
  std::sort(one.begin(), one.end());
  const double median = one[one.size() / 2];
  const auto t0 = Clock::now();
  const Eigen::MatrixXf logits = lens::mlp_forward(b->net, test->images.leftCols(digits));
  const double batch = ms_since(t0) / digits;
  std::printf("%s: %s, %.1f M multiply-adds a digit\n", kPlatform, onnx.c_str(), work / 1e6);
  std::printf("  one digit (lens.predict's path): median %.2f ms, min %.2f ms over %d digits (%.2f G multiply-adds/s)\n", median,
              one.front(), digits, work / median / 1e6);
  std::printf("  a batch of %d (the analyses' path): %.2f ms a digit (%.2f G multiply-adds/s)%s\n", digits, batch,
              work / batch / 1e6, logits.allFinite() ? "" : " NON-FINITE");
  return 0;
}
