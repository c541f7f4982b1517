// Activation maximization of every unit of one layer of a model (the first by default; the page's
// settings for that layer, actmax_layer_defaults: 256 steps for neurons and classes, 128 for
// channels), natively, for tools/bench/peers.sh's comparison with PyTorch (torch_actmax.py runs
// the same algorithm with autograd on the first layer). Prints one JSON line: the median time
// over --runs runs and the mean objective the images reach (a channel's response).
//   bench-actmax --model assets/models/mlp128.lens [--layer 0] [--runs 5] [--images OUT.f32]
// --images writes the images (units x 784 float32, image after image) for the comparison.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/formats/bundle.h"
#include "interpret/actmax.h"
#include "interpret/units.h"

int main(int argc, char** argv) {
  std::string model, images_out;
  int runs = 5, layer = 0, steps = 0;
  float lr = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) model = argv[++i];
    else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--images" && i + 1 < argc) images_out = argv[++i];
    else if (a == "--layer" && i + 1 < argc) layer = std::atoi(argv[++i]);
    else if (a == "--steps" && i + 1 < argc) steps = std::atoi(argv[++i]);
    else if (a == "--lr" && i + 1 < argc) lr = float(std::atof(argv[++i]));
    else { std::fprintf(stderr, "usage: bench-actmax --model FILE [--layer L] [--steps N] [--lr X] [--runs N] [--images OUT.f32]\n"); return 2; }
  }
  const auto bundle = lens::bundle_load(model);
  if (!bundle) { std::fprintf(stderr, "bench-actmax: %s\n", bundle.error.c_str()); return 1; }
  const lens::Mlp& net = bundle->net;
  const int layers = int(net.layers.size());
  if (layer < 0 || layer >= layers) {
    std::fprintf(stderr, "bench-actmax: --layer must be from 0 to %d for %s\n", layers - 1, model.c_str());
    return 2;
  }
  std::vector<int> units(std::size_t(lens::layer_units(net.layers[std::size_t(layer)])));  // a convolutional layer's units are its channels
  for (std::size_t u = 0; u < units.size(); ++u) units[u] = int(u);
  lens::ActmaxConfig config = lens::actmax_layer_defaults(net, layer);
  if (steps > 0) config.steps = steps;
  if (lr > 0) config.lr = lr;
  std::vector<double> ms;
  Eigen::MatrixXf images;
  for (int r = 0; r <= runs; ++r) {  // run 0 warms up
    const auto t0 = std::chrono::steady_clock::now();
    images = lens::actmax_run(net, layer, units, config);
    const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (r > 0) ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  if (!images_out.empty()) {
    std::FILE* f = std::fopen(images_out.c_str(), "wb");
    if (!f || std::fwrite(images.data(), sizeof(float), std::size_t(images.size()), f) != std::size_t(images.size())) {
      std::fprintf(stderr, "bench-actmax: cannot write %s\n", images_out.c_str());
      return 1;
    }
    std::fclose(f);
  }
  // what the images reach: each unit's objective at its own image (a channel's response)
  const lens::Mlp part = [&] { lens::Mlp p = net; p.layers.resize(std::size_t(layer + 1)); return p; }();
  const bool output = layer + 1 == layers;
  const Eigen::VectorXf reached =
      lens::actmax_objective_value(part, units, output ? lens::ActmaxObjective::Logit : lens::ActmaxObjective::PreActivation, images);
  std::printf("{\"layer\": %d, \"units\": %d, \"steps\": %d, \"lr\": %g, \"runs\": %d, \"ms\": %.3f, \"min_ms\": %.3f, \"mean_reached\": %.4f}\n",
              layer, int(units.size()), config.steps, double(config.lr), runs, ms[ms.size() / 2], ms.front(), double(reached.mean()));
  return 0;
}
