// Writes a seeded model and its logits on the first 1000 MNIST test images, the
// native reference that the wasm unit tests compare against.
//   lens-forward-ref --data DIR --out DIR
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/formats/bundle.h"
#include "core/formats/mnist.h"
#include "core/numerics/rng.h"

using namespace lens;

int main(int argc, char** argv) {
  std::string data, out;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
  }
  if (out.empty()) {
    std::fprintf(stderr, "usage: lens-forward-ref [--data MNIST_DIR] --out DIR\n");
    return 2;
  }
  const auto test = mnist_load(mnist_default_dir(data), "t10k");
  if (!test) {
    std::fprintf(stderr, "lens-forward-ref: %s\n", test.error.c_str());
    return 1;
  }
  // Two hidden layers with different activations so both code paths are compared.
  Bundle b;
  b.info.id = "forward-ref";
  b.info.seed = 20261128;
  b.net = mlp_make({784, 64, 32, 10}, Activation::ReLU);
  b.net.layers[1].act = Activation::Tanh;
  Rng rng(b.info.seed);
  for (Dense& d : b.net.layers) {
    const float sd = std::sqrt(2.f / float(d.inputs()));
    for (Eigen::Index i = 0; i < d.W.size(); ++i) d.W.data()[i] = sd * rng.normal();
    for (Eigen::Index i = 0; i < d.b.size(); ++i) d.b(i) = 0.1f * rng.normal();
  }
  const Eigen::MatrixXf logits = mlp_forward(b.net, test->images.leftCols(1000));
  const Bytes raw(reinterpret_cast<const std::uint8_t*>(logits.data()),
                  reinterpret_cast<const std::uint8_t*>(logits.data() + logits.size()));
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "lens-forward-ref: cannot create %s: %s\n", out.c_str(), ec.message().c_str());
    return 1;
  }
  if (auto r = bundle_save(b, out + "/forward-ref.lens"); !r) { std::fprintf(stderr, "%s\n", r.error.c_str()); return 1; }
  if (auto r = file_write(out + "/forward-ref.logits", raw); !r) { std::fprintf(stderr, "%s\n", r.error.c_str()); return 1; }
  std::printf("wrote %s/forward-ref.{lens,logits}: 1000 images x 10 logits, |logit| max %.2f\n", out.c_str(),
              double(logits.cwiseAbs().maxCoeff()));
  return 0;
}
