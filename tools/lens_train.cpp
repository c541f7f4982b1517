// lens-train: trains an MLP or a small convnet (a recipe's "conv" layers) on MNIST (or the XOR toy task) and writes a .lens bundle
// whose header records the full recipe, the seed and the measured test accuracy.
//   lens-train --recipe tools/recipes/mlp32.json --out assets/models/mlp32.lens
//   lens-train --layers 784,128,10 --optimizer adam --lr 1e-3 --epochs 10 --seed 1 --out m.lens
// Flags override the recipe's values.
#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/formats/bundle.h"
#include "core/formats/json.h"
#include "core/formats/mnist.h"
#include "core/training/recipe.h"
#include "core/training/train_budget.h"
#include "core/training/trainer.h"
#include "core/training/vae.h"
#include "core/numerics/workers.h"

using namespace lens;
using nlohmann::json;

namespace {

struct Cli {
  std::string recipe_path, out, data_dir;
  int threads = 2;
  bool quiet = false;
  json overrides = json::object();
};

// Each flag given on the command line becomes a recipe key.
template <class T> CLI::Option* flag(CLI::App& app, Cli& cli, const std::string& name, const std::string& key, const std::string& help) {
  return app.add_option_function<T>(name, [&cli, key](const T& v) { cli.overrides[key] = v; }, help);
}

Result<json> load_recipe(const std::string& path) {
  if (path.empty()) return Result<json>::ok(json::object());
  auto bytes = file_read(path, kJsonMaxBytes);
  if (!bytes) return Result<json>::fail(bytes.error);
  auto j = json_parse(bytes->data(), bytes->data() + bytes->size());
  if (!j) return Result<json>::fail(path + ": " + j.error);
  if (!j->is_object()) return Result<json>::fail(path + ": not a JSON object");
  return j;
}

void print_progress(const Progress& p, int epochs) {
  const int width = 28, done = p.steps ? width * p.step / p.steps : width;
  std::fprintf(stderr, "\r  epoch %2d/%d [%s%s] %3d%%  loss %.4f  %7.0f samples/s ", p.epoch, epochs,
               std::string(std::size_t(done), '#').c_str(), std::string(std::size_t(width - done), '.').c_str(),
               p.steps ? 100 * p.step / p.steps : 100, double(p.loss), p.samples_per_second);
  std::fflush(stderr);
}

// Writes the bundle beside `out` under a temporary name, reads it back, and only then renames
// it over `out`: a run that fails anywhere leaves an existing file as it was.
Result<bool> bundle_save_replacing(const Bundle& b, const std::string& out) {
  const std::string temp = out + ".part-" + std::to_string(getpid());
  auto fail = [&](const std::string& why) {
    std::remove(temp.c_str());
    return Result<bool>::fail(why);
  };
  if (auto ok = bundle_save(b, temp); !ok) return fail(ok.error);
  if (auto check = bundle_load(temp); !check) return fail("wrote an unreadable bundle: " + check.error);
  if (std::rename(temp.c_str(), out.c_str()) != 0) return fail(out + ": cannot replace it with " + temp);
  return Result<bool>::ok(true);
}

// A "kind": "vae" recipe: trains the digit prior and writes its decoder as a "decoder" bundle.
int train_vae(const json& r, const Cli& cli) {
  auto config = vae_config_from_json(r);
  if (!config) { std::fprintf(stderr, "lens-train: %s\n", config.error.c_str()); return 2; }
  const VaeConfig& c = *config;
  const std::string dataset = r.value("dataset", "mnist");
  if (dataset != "mnist") { std::fprintf(stderr, "lens-train: a vae recipe trains on \"mnist\" (got \"%s\")\n", dataset.c_str()); return 2; }
  if (auto text = recipe_text_check(r); !text) { std::fprintf(stderr, "lens-train: %s\n", text.error.c_str()); return 2; }
  set_worker_threads(cli.threads);
  const std::string dir = mnist_default_dir(cli.data_dir);
  auto all = mnist_load(dir, "train");
  if (!all) { std::fprintf(stderr, "lens-train: %s\n", all.error.c_str()); return 1; }
  auto test = mnist_load(dir, "t10k");
  if (!test) { std::fprintf(stderr, "lens-train: %s\n", test.error.c_str()); return 1; }
  if (c.inputs != all->images.rows()) {
    std::fprintf(stderr, "lens-train: \"inputs\" is %d but MNIST images have %d pixels\n", c.inputs, int(all->images.rows()));
    return 2;
  }
  DataSet train_set, validation_set;
  split_validation(*all, c.validation, c.seed, train_set, validation_set);
  if (train_set.size() == 0) { std::fprintf(stderr, "lens-train: no training images left after validation\n"); return 2; }
  std::printf("lens-train: vae on mnist, %d -> %d -> %d code, %d train / %d validation, seed %llu\n", c.inputs, c.hidden,
              c.latent, train_set.size(), validation_set.size(), (unsigned long long)c.seed);
  const auto t0 = std::chrono::steady_clock::now();
  const Vae vae = vae_train(c, train_set, validation_set, [&](const VaeEpoch& e) {
    std::printf("epoch %2d  train loss %.2f (reconstruction %.2f, KL %.2f)  val loss %.2f  %.1f s\n", e.epoch,
                double(e.train.loss), double(e.train.reconstruction), double(e.train.kl), double(e.validation.loss), e.seconds);
    std::fflush(stdout);
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const VaeLoss t = vae_evaluate(vae, *test, c.beta, c.seed + 2);
  std::printf("test: loss %.2f nats per digit (reconstruction %.2f, KL %.2f) (%d images)  training took %.1f s\n",
              double(t.loss), double(t.reconstruction), double(t.kl), test->size(), seconds);
  Bundle b;
  b.net = vae_decoder_image(vae);
  b.info.kind = BundleKind::Decoder;
  b.info.id = r.value("id", "digit-prior");
  b.info.name = r.value("name", b.info.id);
  b.info.notes = r.value("notes", "");
  b.info.dataset = dataset;
  b.info.seed = c.seed;
  b.info.training = vae_config_to_json(c);
  b.info.training["dataset"] = dataset;
  b.info.training["test_loss"] = double(t.loss);
  if (auto ok = bundle_save_replacing(b, cli.out); !ok) { std::fprintf(stderr, "lens-train: %s\n", ok.error.c_str()); return 1; }
  std::printf("wrote %s (decoder, %zu parameters)\n", cli.out.c_str(), b.net.parameter_count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lens-train: train an MLP or a small convnet (a recipe's \"conv\" layers) on MNIST (or an MLP on XOR) and write a .lens weight bundle"};
  Cli cli;
  app.add_option("--recipe", cli.recipe_path, "JSON recipe (tools/recipes/*.json); flags override its values");
  app.add_option("--out,-o", cli.out, "output bundle path (.lens)")->required();
  app.add_option("--data", cli.data_dir, "folder with the MNIST IDX files (default: $LENS_MNIST_DIR, else ../shared/data/mnist)");
  app.add_option("--threads", cli.threads,
                 "threads (default 2): training's products run in fixed blocks of their outputs, each summed in one "
                 "fixed order, so the bundle is the same bytes whatever this is")
      ->check(CLI::Range(1, 64));
  app.add_flag("--quiet,-q", cli.quiet, "no progress bar");
  flag<std::string>(app, cli, "--id", "id", "model id (a-z, 0-9, -, _)");
  flag<std::string>(app, cli, "--name", "name", "display name");
  flag<std::string>(app, cli, "--notes", "notes", "free text stored in the bundle");
  flag<std::string>(app, cli, "--dataset", "dataset", "mnist (default), mnist-subset (the page's first 20,000 training images) or xor");
  flag<std::vector<int>>(app, cli, "--layers", "layers", "layer sizes, e.g. 784,128,10")->delimiter(',');
  flag<std::string>(app, cli, "--activation", "activation", "relu, leaky_relu, sigmoid, tanh, identity");
  flag<std::string>(app, cli, "--head", "head", "softmax or sigmoid (one binary output)");
  flag<std::string>(app, cli, "--init", "init", "he, xavier or uniform");
  flag<float>(app, cli, "--bias-init", "bias_init", "initial hidden bias (negative starts kill ReLUs)");
  flag<std::string>(app, cli, "--optimizer", "optimizer", "sgd (with momentum) or adam");
  flag<float>(app, cli, "--lr", "lr", "learning rate");
  flag<float>(app, cli, "--momentum", "momentum", "SGD momentum");
  flag<std::string>(app, cli, "--schedule", "schedule", "constant, step or cosine");
  flag<float>(app, cli, "--lr-decay", "lr_decay", "step schedule: factor per step");
  flag<int>(app, cli, "--lr-step", "lr_step", "step schedule: epochs per step");
  flag<int>(app, cli, "--batch", "batch", "mini-batch size");
  flag<int>(app, cli, "--epochs", "epochs", "passes over the training set");
  flag<float>(app, cli, "--l2", "l2", "L2 weight decay");
  flag<std::vector<float>>(app, cli, "--normalize", "normalize",
                           "MEAN,STD: the network sees (pixel - MEAN) / STD, as torchvision's Normalize (e.g. 0.1307,0.3081)")
      ->delimiter(',');
  flag<std::uint64_t>(app, cli, "--seed", "seed", "random seed (initialisation, shuffling, split)");
  flag<int>(app, cli, "--validation", "validation", "training images held out for validation");
  CLI11_PARSE(app, argc, argv);

  auto recipe = load_recipe(cli.recipe_path);
  if (!recipe) { std::fprintf(stderr, "lens-train: %s\n", recipe.error.c_str()); return 2; }
  json r = *recipe;
  r.merge_patch(cli.overrides);
  if (r.contains("kind") && r["kind"] == "vae") return train_vae(r, cli);
  auto config = train_config_from_json(r);
  if (!config) { std::fprintf(stderr, "lens-train: %s\n", config.error.c_str()); return 2; }
  const TrainConfig& c = *config;
  // The whole recipe, and what the run will hold, before any data is read or anything trained.
  auto text = recipe_text_check(r);
  if (!text) { std::fprintf(stderr, "lens-train: %s\n", text.error.c_str()); return 2; }
  const std::string dataset = *text;
  if (auto fits = train_config_fits(c); !fits) { std::fprintf(stderr, "lens-train: %s\n", fits.error.c_str()); return 2; }
  set_worker_threads(cli.threads);

  DataSet mnist_train, test_set;
  if (dataset == "xor") {
    test_set = xor_points();
  } else if (dataset == "mnist" || dataset == "mnist-subset") {
    const std::string dir = mnist_default_dir(cli.data_dir);
    // Each file's header is checked against what is left of the budget before its data is read.
    const std::uint64_t fit = train_images_that_fit(c);
    auto all = mnist_load(dir, "train", fit);
    if (!all) { std::fprintf(stderr, "lens-train: %s\n", all.error.c_str()); return 1; }
    auto test = mnist_load(dir, "t10k", fit - std::size_t(all->size()));
    if (!test) { std::fprintf(stderr, "lens-train: %s\n", test.error.c_str()); return 1; }
    mnist_train = std::move(*all);
    test_set = std::move(*test);
  }
  // The same function makes the page's data from a recipe: the same recipe trains the same bytes.
  auto data = recipe_data(dataset, c, mnist_train);
  if (!data) {
    std::fprintf(stderr, "lens-train: %s\n", data.error.c_str());
    return 2;
  }
  const DataSet& train_set = data->train;
  const DataSet& validation_set = data->validation;
  if (train_config_inputs(c) != train_set.images.rows()) {
    std::fprintf(stderr, "lens-train: the first layer has %d inputs but %s samples have %d values\n", train_config_inputs(c),
                 dataset.c_str(), int(train_set.images.rows()));
    return 2;
  }

  std::printf("lens-train: %s,", dataset.c_str());
  for (const ConvSpec& l : c.conv)
    std::printf(" conv %d of %dx%d%s%s,", l.channels, l.kernel, l.kernel, l.pool >= 2 ? " pool " : "",
                l.pool >= 2 ? std::to_string(l.pool).c_str() : "");
  std::printf(" layers");
  for (int n : c.sizes) std::printf(" %d", n);
  std::printf(", %s, %d train / %d validation / %d test, seed %llu, %d threads\n", train_config_to_json(c)["optimizer"].get<std::string>().c_str(),
              train_set.size(), validation_set.size(), test_set.size(), (unsigned long long)c.seed, worker_threads());
  const bool bar = !cli.quiet && isatty(STDERR_FILENO);
  TrainCallbacks cb;
  if (bar) cb.on_progress = [&](const Progress& p) { print_progress(p, c.epochs); };
  cb.on_epoch = [&](const EpochReport& e) {
    if (bar) std::fprintf(stderr, "\r%100s\r", "");
    std::printf("epoch %2d  lr %.2e  train loss %.4f acc %.2f%%  val loss %.4f acc %.2f%%  %.1f s  %.0f samples/s\n",
                e.epoch, double(e.lr), double(e.train.loss), 100.0 * e.train.accuracy, double(e.validation.loss),
                100.0 * e.validation.accuracy, e.seconds, e.samples_per_second);
    std::fflush(stdout);
  };
  const auto t0 = std::chrono::steady_clock::now();
  Bundle b;
  std::string divergence;
  b.net = train(c, train_set, validation_set, cb, &divergence);
  if (!divergence.empty()) {  // nothing is written: an existing file stays as it was
    if (bar) std::fprintf(stderr, "\r%100s\r", "");
    std::fprintf(stderr, "lens-train: %s; nothing was written\n", divergence.c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Evaluation test = evaluate(b.net, test_set);
  std::printf("test: loss %.4f  accuracy %.2f%% (%d images)  training took %.1f s\n", double(test.loss),
              100.0 * test.accuracy, test.count, seconds);

  b.info.id = r.value("id", "model");
  b.info.name = r.value("name", b.info.id);
  b.info.notes = r.value("notes", "");
  b.info.dataset = dataset;
  b.info.seed = c.seed;
  b.info.test_accuracy = test.accuracy;
  b.info.training = train_config_to_json(c);
  b.info.training["dataset"] = dataset;
  if (auto ok = bundle_save_replacing(b, cli.out); !ok) { std::fprintf(stderr, "lens-train: %s\n", ok.error.c_str()); return 1; }
  std::printf("wrote %s (%zu parameters)\n", cli.out.c_str(), b.net.parameter_count());
  return 0;
}
