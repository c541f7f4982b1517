// Training speed of the kernels alone: 784-128-10, ReLU, softmax, Adam on the MNIST training
// images, at the batch sizes given (default 64 and 256), natively or in wasm under node
// (the page's training loop without the page). Prints samples/s by wall clock and by the
// process's CPU time (steadier on a shared machine), the fastest of its 20-step stretches (the
// least disturbed by other work), and the load average. Figures only. LENS_THREADS sets
// training's threads (workers.h; default 1, as the page's wasm).
//   [LENS_THREADS=2] bench-train-step [STEPS=600] [BATCH...]
//   node --no-experimental-fetch build/web/tools/bench/bench-train-step.js [STEPS] [BATCH...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "core/numerics/gemm.h"
#include "core/formats/mnist.h"
#include "core/training/trainer.h"
#include "core/numerics/workers.h"

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 600;
  std::vector<int> batches;
  for (int i = 2; i < argc; ++i) batches.push_back(std::atoi(argv[i]));
  if (batches.empty()) batches = {64, 256};
  const char* dir = std::getenv("LENS_MNIST_DIR");
  auto data = lens::mnist_load(dir ? dir : LENS_BENCH_MNIST_DIR, "train");
  if (!data) {
    std::fprintf(stderr, "bench-train-step: %s\n", data.error.c_str());
    return 1;
  }
  std::string load = "n/a";
  if (std::ifstream f("/proc/loadavg"); f) std::getline(f, load);
#ifdef __EMSCRIPTEN__
  const char* where = "wasm (node)";
#else
  const char* where = "native";
#endif
  if (const char* t = std::getenv("LENS_THREADS")) lens::set_worker_threads(std::atoi(t));
  std::printf("bench-train-step: 784-128-10 Adam, %s, SIMD width %d, %d threads, load %s\n", where, lens::simd_width(),
              lens::worker_threads(), load.c_str());
  std::printf("| batch | steps | samples/s (wall) | samples/s (CPU time) | samples/s (fastest 20 steps) | final loss |\n"
              "| --- | --- | --- | --- | --- | --- |\n");
  for (int batch : batches) {
    lens::TrainConfig c;
    c.sizes = {784, 128, 10};
    c.batch = batch;
    c.epochs = 1000;
    c.seed = 1;
    lens::Training t(c, *data);
    t.step(20);  // warm-up (and, in wasm, the optimizing compiler)
    const auto w0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    int ran = 0;
    double fastest = 1e30;
    while (ran < steps) {
      const auto s0 = std::chrono::steady_clock::now();
      const int n = t.step(std::min(20, steps - ran));
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
      if (n == 20) fastest = std::min(fastest, s);
      ran += n;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
    const double samples = double(ran) * batch;
    std::printf("| %d | %d | %.0f | %.0f | %.0f | %.4f |\n", batch, ran, samples / wall, samples / cpu,
                fastest < 1e30 ? 20.0 * batch / fastest : 0.0, double(t.epoch_loss()));
  }
  return 0;
}
