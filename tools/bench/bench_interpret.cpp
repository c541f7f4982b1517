// bench-interpret: how long the interpretability computations take on mlp128,
// natively and in wasm (under node). Prints measured figures only; the goals
// (set for the wasm build, where the page runs) are shown as pass/miss text and
// never make the program fail.
//
//   bench-interpret [--model FILE] [--data DIR] [--budget MS] [--tsv] [--parts]
//
// Each figure: one warm-up run, then repeated runs until at least --budget ms
// (default 1500) and 5 runs have passed (at most 200 runs); the median and the
// minimum are reported with the number of runs N. --parts adds a breakdown of
// the slow computations into their pieces (products, loops), timed the same way.
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/formats/bundle.h"
#include "core/numerics/gemm.h"
#include "core/numerics/infer.h"
#include "core/numerics/mlp.h"
#include "core/formats/mnist.h"
#include "interpret/ablation.h"
#include "interpret/actmax.h"
#include "interpret/concepts.h"
#include "interpret/neuron_stats.h"

#ifndef LENS_BENCH_MODEL
#define LENS_BENCH_MODEL "assets/models/mlp128.lens"
#endif
#ifndef LENS_BENCH_MNIST_DIR
#define LENS_BENCH_MNIST_DIR ""
#endif

namespace {

using Clock = std::chrono::steady_clock;

#ifdef __EMSCRIPTEN__
constexpr const char* kPlatform = "wasm";
#else
constexpr const char* kPlatform = "native";
#endif

volatile float g_sink = 0.f;  // keeps results observable so nothing is optimised away

struct Measure {
  double median = 0, min = 0;  // in the figure's unit
  int runs = 0;
};

double budget_ms = 1500;

// f runs one repetition; `scale` converts the repetition's milliseconds into the
// figure's unit (e.g. 1000.0 / 10000 for microseconds per call over 10000 calls).
Measure measure(const std::function<void()>& f, double scale = 1.0, int min_runs = 5, int max_runs = 200) {
  f();  // warm-up: first-touch allocations, caches, wasm tier-up
  std::vector<double> t;
  double total = 0;
  while (int(t.size()) < max_runs && (int(t.size()) < min_runs || total < budget_ms)) {
    const auto a = Clock::now();
    f();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
    t.push_back(ms);
    total += ms;
  }
  std::sort(t.begin(), t.end());
  const std::size_t n = t.size();
  Measure m;
  m.median = scale * (n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]));
  m.min = scale * t.front();
  m.runs = int(n);
  return m;
}

struct Row {
  std::string key, label, unit;
  Measure m;
  double goal = 0;  // 0 = no goal; else the figure must be below this (in unit), in wasm
};

void print_table(const std::vector<Row>& rows, bool tsv) {
  if (tsv) {
    for (const Row& r : rows)
      std::printf("%s\t%s\t%.4g\t%.4g\t%d\t%s\t%g\n", r.key.c_str(), r.label.c_str(), r.m.median, r.m.min, r.m.runs,
                  r.unit.c_str(), r.goal);
    return;
  }
  std::printf("%-48s %11s %11s %5s  %-18s %s\n", "figure", "median", "min", "N", "goal (wasm)", "status");
  for (const Row& r : rows) {
    char med[32], mn[32], goal[32] = "", status[16] = "";
    std::snprintf(med, sizeof med, "%.4g %s", r.m.median, r.unit.c_str());
    std::snprintf(mn, sizeof mn, "%.4g %s", r.m.min, r.unit.c_str());
    if (r.goal > 0) {
      std::snprintf(goal, sizeof goal, "< %g %s", r.goal, r.unit.c_str());
      std::snprintf(status, sizeof status, "%s", r.m.median < r.goal ? "pass" : "MISS");
    }
    if (r.unit.empty()) std::printf("%s\n", r.label.c_str());
    else if (r.m.runs) std::printf("%-48s %11s %11s %5d  %-18s %s\n", r.label.c_str(), med, mn, r.m.runs, goal, status);
    else std::printf("%-48s %11s %11s %5s  %-18s %s\n", r.label.c_str(), med, "", "", goal, status);
  }
}

std::vector<int> iota(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[std::size_t(i)] = i;
  return v;
}

void run_actmax(const lens::Mlp& net, int layer, const std::vector<int>& units) {
  lens::ActmaxSolver s(net, layer, units, lens::ActmaxConfig{});
  while (!s.step(64)) {}
  g_sink = g_sink + s.images()(0, 0);
}

// The pieces of the slow computations, rebuilt from the public API (same shapes,
// same operations) so each can be timed on its own.
void add_parts(std::vector<Row>& rows, const lens::Mlp& net, const lens::DataSet& test) {
  const lens::Dense& L0 = net.layers[0];
  const lens::Dense& L1 = net.layers[1];
  const Eigen::Index N = test.images.cols(), H = L0.outputs();
  const Eigen::MatrixXf& X = test.images;

  // --- statistics: the forward over all images, then the per-unit bookkeeping loop.
  Eigen::MatrixXf Z0(H, N), A0, Z1;
  rows.push_back({"p_gemm0", "  stats: W0*X product (128x784 by 784x10000)", "ms",
                  measure([&] { Z0.noalias() = L0.W * X; g_sink = g_sink + Z0(0, 0); })});
  rows.push_back({"p_gemm0_lib", "  stats: gemm() W0*X (core/numerics/gemm.h; wasm: SIMD)", "ms",
                  measure([&] { lens::gemm(L0.W, X, Z0); g_sink = g_sink + Z0(0, 0); })});
  rows.push_back({"p_trace", "  stats: mlp_forward_trace of 10000 (1000/step)", "ms", measure([&] {
                    lens::Trace t;
                    for (Eigen::Index i = 0; i < N; i += 1000)
                      lens::mlp_forward_trace(net, X.middleCols(i, std::min<Eigen::Index>(1000, N - i)), t);
                    g_sink = g_sink + t.logits()(0, 0);
                  })});
  {
    lens::Trace t;
    lens::mlp_forward_trace(net, X, t);
    rows.push_back({"p_head", "  stats: head_predict over 10000", "ms", measure([&] {
                      g_sink = g_sink + float(lens::head_predict(net.head, t.logits())[0]);
                    })});
  }
  // --- ablation re-score: activation of the cached z0, the second product, argmax.
  Z0.colwise() += L0.b;
  rows.push_back({"p_relu", "  ablation: ReLU of cached z0 (128x10000)", "ms",
                  measure([&] { A0 = lens::activate(L0.act, Z0); g_sink = g_sink + A0(0, 0); })});
  rows.push_back({"p_gemm1", "  ablation: W1*A0 product (10x128 by 128x10000)", "ms",
                  measure([&] { Z1.noalias() = L1.W * A0; g_sink = g_sink + Z1(0, 0); })});
  rows.push_back({"p_gemm1_lib", "  ablation: gemm() W1*A0 (core/numerics/gemm.h)", "ms",
                  measure([&] { lens::gemm(L1.W, A0, Z1); g_sink = g_sink + Z1(0, 0); })});

  // --- activation maximization of hidden units: per-step pieces on (784, 128).
  const lens::ActmaxConfig cfg{};
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(784, H).cwiseAbs(), g = x;
  const int reps = 256;       // a per-step piece repeated 256 times = its cost over one 256-step solve
  rows.push_back({"p_shift", "  actmax128: 2x image_shift per step (x256)", "ms", measure([&] {
                    for (int k = 0; k < reps; ++k) g = lens::image_shift(lens::image_shift(x, 28, 1, -1), 28, -1, 1);
                    g_sink = g_sink + g(0, 0);
                  })});
  rows.push_back({"p_blur", "  actmax128: image_blur (x48 = steps using it)", "ms", measure([&] {
                    Eigen::MatrixXf y;
                    for (int k = 0; k < 48; ++k) y = lens::image_blur(x, 28, cfg.blur_sigma);
                    g_sink = g_sink + y(0, 0);
                  })});
  rows.push_back({"p_adam", "  actmax128: Adam + clamp update (x256)", "ms", measure([&] {
                    Eigen::MatrixXf m = Eigen::MatrixXf::Zero(784, H), v = m, xx = x;
                    for (int k = 1; k <= reps; ++k) {
                      m = 0.9f * m + 0.1f * g;
                      v = 0.999f * v + 0.001f * g.cwiseProduct(g);
                      const float c1 = 1 - std::pow(0.9f, float(k)), c2 = 1 - std::pow(0.999f, float(k));
                      xx.array() += cfg.lr * (m.array() / c1) / ((v.array() / c2).sqrt() + 1e-8f);
                      xx = xx.cwiseMax(0.f).cwiseMin(1.f);
                    }
                    g_sink = g_sink + xx(0, 0);
                  })});
  rows.push_back({"p_tv", "  actmax128: L2 + TV regularizer loop (x256)", "ms", measure([&] {
                    for (int k = 0; k < reps; ++k) {
                      g -= cfg.l2 * x;
                      for (Eigen::Index u = 0; u < x.cols(); ++u) {
                        const float* p = x.col(u).data();
                        float* gp = g.col(u).data();
                        for (int yy = 0; yy < 28; ++yy)
                          for (int xx = 0; xx < 28; ++xx) {
                            const int i = yy * 28 + xx;
                            float lap = 0.f;
                            if (xx > 0) lap += p[i] - p[i - 1];
                            if (xx + 1 < 28) lap += p[i] - p[i + 1];
                            if (yy > 0) lap += p[i] - p[i - 28];
                            if (yy + 1 < 28) lap += p[i] - p[i + 28];
                            gp[i] -= cfg.tv * lap;
                          }
                      }
                    }
                    g_sink = g_sink + g(0, 0);
                  })});
}

}  // namespace

int main(int argc, char** argv) {
  std::string model = LENS_BENCH_MODEL, data_dir = LENS_BENCH_MNIST_DIR;
  bool tsv = false, parts = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) model = argv[++i];
    else if (a == "--data" && i + 1 < argc) data_dir = argv[++i];
    else if (a == "--budget" && i + 1 < argc) budget_ms = std::atof(argv[++i]);
    else if (a == "--tsv") tsv = true;
    else if (a == "--parts") parts = true;
    else {
      std::fprintf(stderr, "usage: bench-interpret [--model FILE] [--data DIR] [--budget MS] [--tsv] [--parts]\n");
      return 2;
    }
  }
  data_dir = lens::mnist_default_dir(data_dir);

  lens::Result<lens::Bundle> bundle = lens::bundle_load(model);
  if (!bundle) {
    std::fprintf(stderr, "bench-interpret: %s\n", bundle.error.c_str());
    return 1;
  }
  lens::Result<lens::DataSet> test = lens::mnist_load(data_dir, "t10k");
  if (!test) {
    std::fprintf(stderr, "bench-interpret: %s\n", test.error.c_str());
    return 1;
  }
  const lens::Mlp& net = bundle->net;
  if (net.layers.size() != 2) {
    std::fprintf(stderr, "bench-interpret: expected a one-hidden-layer model like mlp128, got %zu layers\n", net.layers.size());
    return 1;
  }
  const int H = net.layers[0].outputs(), C = net.outputs();
  std::string sizes;
  for (int s : net.sizes()) sizes += (sizes.empty() ? "" : "-") + std::to_string(s);
  std::printf("%sbench-interpret [%s] model %s (%s), %d test images, Eigen SIMD: %s, threads: %d\n",
                tsv ? "# " : "", kPlatform, bundle->info.id.c_str(), sizes.c_str(), test->size(), Eigen::SimdInstructionSetsInUse(),
                Eigen::nbThreads());

  std::vector<Row> rows;
  const Measure am_h = measure([&] { run_actmax(net, 0, iota(H)); });
  rows.push_back({"actmax_hidden", "actmax: " + std::to_string(H) + " hidden units, 256 steps", "ms", am_h});
  const Measure am_o = measure([&] { run_actmax(net, 1, iota(C)); });
  rows.push_back({"actmax_output", "actmax: " + std::to_string(C) + " output classes, 256 steps", "ms", am_o});
  Row all{"actmax_all", "actmax: all images (sum of the two medians)", "ms", {}, 1000};
  all.m.median = am_h.median + am_o.median;
  all.m.min = am_h.min + am_o.min;
  rows.push_back(all);

  rows.push_back({"stats", "stats_compute over the 10k test set", "ms",
                  measure([&] { g_sink = g_sink + lens::stats_compute(net, *test).accuracy; }), 100});

  rows.push_back({"ablation_build", "AblationScorer construction (one-time)", "ms",
                  measure([&] { lens::AblationScorer s(net, *test); (void)s; })});
  {
    const lens::AblationScorer scorer(net, *test);
    lens::Ablation ab = lens::Ablation::none(net);
    for (int k = 0; k < 10; ++k) ab.switch_off(0, (k * 13) % H);
    rows.push_back({"ablation_score", "ablation re-score (10 neurons off)", "ms",
                    measure([&] { g_sink = g_sink + scorer.score(ab).accuracy; }), 100});
  }

  // Shapes (interpret/concepts.h): drawing the vocabulary (once per page) and measuring every
  // layer's units on it (once per model).
  rows.push_back({"concepts_draw", "shapes: draw the " + std::to_string(lens::kConceptCount * int(lens::concept_variants().size())) +
                                       " shape drawings (canvas, brush, preprocessing)", "ms", measure([&] {
                    for (int k = 0; k < lens::kConceptCount; ++k)
                      for (const lens::ConceptVariant& v : lens::concept_variants()) g_sink = g_sink + lens::concept_render(lens::Concept(k), v)(400);
                  })});
  {
    const lens::ConceptProbe& probe = lens::concept_probe();
    rows.push_back({"concepts_digits", "shapes: how much 1,000 test digits look like each shape", "ms", measure([&] {
                      g_sink = g_sink + lens::concept_digits(*test, probe).resemblance(0, 0);
                    })});
    const lens::ConceptDigits digits = lens::concept_digits(*test, probe);
    rows.push_back({"concepts_scores", "shapes: every unit's responses and scores", "ms", measure([&] {
                      g_sink = g_sink + lens::concept_scores_all(net, probe, &digits)[0].score(0, 0);
                    })});
  }

  {
    const int calls = 10000;
    const Eigen::MatrixXf one = test->images.col(0);
    rows.push_back({"forward_one", "mlp_forward, one image (10000 calls)", "us", measure([&] {
                      for (int k = 0; k < calls; ++k) g_sink = g_sink + lens::mlp_forward(net, one)(0, 0);
                    }, 1000.0 / calls)});
  }

  {
    // lens.predict's path (core/numerics/infer.h): one test digit after another, 10000 calls.
    const Eigen::Index I = test->images.rows();
    std::vector<float> probs(static_cast<std::size_t>(C));
    lens::InferScratch scratch;
    rows.push_back({"predict_one", "infer_one (lens.predict), one image (10000 calls)", "us", measure([&] {
                      for (Eigen::Index k = 0; k < 10000; ++k)
                        lens::infer_one(net, test->images.data() + (k % test->images.cols()) * I, probs.data(), scratch);
                      g_sink = g_sink + probs[0];
                    }, 1000.0 / 10000)});
  }

  if (parts) {
    rows.push_back({"parts", "breakdown:", "", {}});
    add_parts(rows, net, *test);
  }
  print_table(rows, tsv);
  return 0;
}
