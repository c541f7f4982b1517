// lens-stats: writes a model's statistics sidecar (.stats, src/interpret/stats_file.h): the
// page's analysis of the 10k MNIST test set (statistics and single-neuron ablation, the same
// code and settings), so the page can explain a shipped model without the test digits.
//   lens-stats --model assets/models/mlp32.lens --out assets/models/mlp32.stats [--data DIR]
//   lens-stats --model assets/models/mlp32.lens --check assets/models/mlp32.stats
// --check recomputes and compares byte for byte (the ctest of every shipped sidecar).
// Exit codes: 0 done (or identical), 1 a file could not be read or written or differs, 2 bad flags.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "core/formats/bundle.h"
#include "core/formats/mnist.h"
#include "interpret/model_analysis.h"
#include "interpret/stats_file.h"

using namespace lens;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "lens-stats: %s\n", message.c_str());
  return 1;
}

Bytes measure(const Bundle& bundle, const DataSet& test) {
  AnalysisSettings settings;  // the page's: the same top_k and ablation
  settings.maximize = false;
  ModelAnalysis a;
  analysis_start(a, bundle, &test, 0, settings);
  analysis_run(a);
  return stats_file_write(analysis_stats_file(a));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lens-stats: a model's test-set statistics and ablation as a sidecar file for the page"};
  std::string model, out, check, data_dir;
  app.add_option("--model,-m", model, "weight bundle (.lens) of an MNIST model")->required();
  auto* out_opt = app.add_option("--out,-o", out, "the .stats file to write");
  app.add_option("--check", check, "a .stats file to compare with the recomputed one, byte for byte")->excludes(out_opt);
  app.add_option("--data", data_dir, "folder with the MNIST IDX files (default: $LENS_MNIST_DIR, else ../shared/data/mnist)");
  try {
    app.parse(argc, argv);
    if (out.empty() == check.empty()) throw CLI::ValidationError("give --out FILE or --check FILE");
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return e.get_exit_code() == 0 ? 0 : 2;
  }
  auto bundle = bundle_load(model);
  if (!bundle) return fail(bundle.error);
  if (bundle->info.kind != BundleKind::Classifier || bundle->net.inputs() != 784 || bundle->net.outputs() != 10 ||
      bundle->net.layers.size() < 2)
    return fail(model + ": not an MNIST model with a hidden layer (784 inputs, 10 outputs); it has no test-set statistics");
  auto test = mnist_load(mnist_default_dir(data_dir), "t10k");
  if (!test) return fail(test.error);
  const Bytes bytes = measure(*bundle, *test);
  if (!out.empty()) {
    if (auto saved = file_write(out, bytes); !saved) return fail(saved.error);
    std::printf("wrote %s (%zu bytes)\n", out.c_str(), bytes.size());
    return 0;
  }
  auto committed = file_read(check, std::size_t(64) << 20);
  if (!committed) return fail(committed.error);
  if (auto parsed = stats_file_read(*committed, *bundle); !parsed) return fail(check + ": " + parsed.error + "; regenerate with tools/build-stats.sh");
  if (*committed != bytes)
    return fail(check + " is stale: it differs from what " + model +
                " measures on the test set now; regenerate it with tools/build-stats.sh (and commit it)");
  std::printf("%s: identical to the recomputed statistics\n", check.c_str());
  return 0;
}
