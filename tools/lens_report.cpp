// lens-report: writes a Markdown report with figures that explains a network
// neuron by neuron, ready to publish as is (README.md + figures/ in one folder).
//   lens-report --model assets/models/mlp32.lens --out docs/reports/mlp32 [--data DIR] [--top 9] [--images N]
// MNIST models (784 inputs, 10 classes) are measured on the 10k test set; XOR
// models get a smaller report of tables and a decision-region figure.
// Exit codes: 0 done, 1 a file could not be read or written, 2 bad flags.
#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "core/formats/bundle.h"
#include "core/constants.h"
#include "core/formats/mnist.h"
#include "interpret/model_analysis.h"
#include "interpret/prior_gallery.h"
#include "report/report.h"
#include "report/report_xor.h"

using namespace lens;

namespace {

struct Cli {
  std::string model, out, data_dir, prior;
  int top = 9;
  int images = 0;  // the first this many test images; 0: all
  bool quiet = false;
};

class Clock {  // progress lines on stderr: what is done and how long it took
 public:
  explicit Clock(bool quiet) : quiet_(quiet) {}
  void done(const char* what) {
    const auto now = std::chrono::steady_clock::now();
    if (!quiet_) std::fprintf(stderr, "  %-38s %6.2f s\n", what, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  double total() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  bool quiet_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "lens-report: %s\n", message.c_str());
  return 1;
}

// The digit prior: --prior PATH, else digit-prior.lens next to the model when there is one
// (the shipped models' folder), else none ("--prior none": none).
Result<std::optional<Mlp>> load_prior(const Cli& cli) {
  using R = Result<std::optional<Mlp>>;
  std::string path = cli.prior;
  if (path == "none") return R::ok(std::nullopt);
  if (path.empty()) {
    const auto slash = cli.model.find_last_of('/');
    path = (slash == std::string::npos ? std::string(".") : cli.model.substr(0, slash)) + "/digit-prior.lens";
    if (!std::ifstream(path, std::ios::binary).good()) return R::ok(std::nullopt);
  }
  auto b = bundle_load(path);
  if (!b) return R::fail("--prior: " + b.error);
  if (b->info.kind != BundleKind::Decoder || b->net.outputs() != 784)
    return R::fail("--prior: " + path + " is not a digit prior (a decoder bundle that makes 784 pixels)");
  return R::ok(std::move(b->net));
}

void write_mnist_report(const Bundle& bundle, const DataSet& test, const Cli& cli, const std::optional<Mlp>& prior,
                        ReportPage& page, Clock& clock) {
  // The page's analysis, run to the end: the same settings, numbers and sentences.
  AnalysisSettings settings;
  settings.top_k = cli.top;
  ModelAnalysis a;
  analysis_start(a, bundle, &test, 0, settings);
  analysis_run(a);
  clock.done("statistics, maximization, ablation, facts");
  ReportContext context{bundle, test, a, cli.model};
  std::vector<Eigen::MatrixXf> prior_images;
  if (prior) {
    prior_images = prior_gallery_all(bundle.net, *prior);
    context.prior = &prior_images;
    clock.done("digit-prior maximization");
  }
  report_mnist(page, context);
  clock.done("write the figures");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lens-report: explain a network neuron by neuron in a Markdown report with figures"};
  Cli cli;
  app.add_option("--model,-m", cli.model, "weight bundle (.lens)")->required();
  app.add_option("--out,-o", cli.out, "output folder (README.md and figures/ are written there)")->required();
  app.add_option("--data", cli.data_dir,
                 "folder with the MNIST IDX files (default: $LENS_MNIST_DIR, else ../shared/data/mnist)");
  app.add_option("--top", cli.top, "strongest test images shown per neuron (1-25, default 9)")
      ->check(CLI::Range(1, 25));
  app.add_option("--images", cli.images, "measure on the first N test images only (a quick look, a test; default: all 10,000)")
      ->check(CLI::Range(1, 1000000));
  app.add_flag("--quiet,-q", cli.quiet, "no progress lines");
  app.add_option("--prior", cli.prior, "digit prior (a decoder .lens) for the digit-prior images; default: digit-prior.lens "
                 "next to the model if there is one; \"none\": raw maximization images only");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    app.exit(e);                            // prints help, or the error with a hint
    return e.get_exit_code() == 0 ? 0 : 2;  // CLI11's own codes are > 100; ours say "bad flags"
  }
  Clock clock(cli.quiet);

  auto bundle = bundle_load(cli.model);
  if (!bundle) return fail(bundle.error);
  if (bundle->info.kind == BundleKind::Decoder)
    return fail(cli.model + ": a digit prior (a decoder that draws digits), not a model to report on; give it as --prior");
  // The page's rule (bundle_shown_as): the report is for exactly the models the page shows.
  if (auto shown = bundle_shown_as(*bundle); !shown) return fail(cli.model + ": lens-report " + shown.error);
  const auto prior = load_prior(cli);
  if (!prior) return fail(prior.error);
  DataSet test;  // read before anything is written, so a missing file leaves no half-made folder
  if (!report_is_plane_model(*bundle)) {
    auto loaded = mnist_load(mnist_default_dir(cli.data_dir), "t10k");
    if (!loaded) return fail(loaded.error);
    test = std::move(*loaded);
    if (cli.images > 0 && cli.images < test.size()) {
      test.images.conservativeResize(Eigen::NoChange, cli.images);
      test.labels.resize(std::size_t(cli.images));
    }
    clock.done("load the test set");
  }
  if (auto made = report_folder_create(cli.out); !made) return fail(made.error);
  ReportPage page;
  if (report_is_plane_model(*bundle))
    report_xor(page, *bundle, cli.model);
  else
    write_mnist_report(*bundle, test, cli, *prior, page, clock);
  if (auto saved = report_save(page, cli.out); !saved) return fail(saved.error);
  std::printf("wrote %s/README.md and %d figure%s in %.1f s\n", cli.out.c_str(), page.figure_count(),
              page.figure_count() == 1 ? "" : "s", clock.total());
  return 0;
}
