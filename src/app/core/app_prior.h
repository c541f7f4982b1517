// The digit prior in the page: the decoder bundle (models/digit-prior.lens), fetched only when
// digit-prior images are first needed, and the digit-prior maximization images of each model,
// computed layer by layer when first shown (interpret/prior_gallery.h).
#pragma once
#include <Eigen/Core>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/formats/bytes.h"
#include "core/numerics/mlp.h"
#include "core/result.h"
#include "interpret/prior_gallery.h"

namespace lens {

struct AppState;

// lens.actmax's {count}: at most this many images of one neuron.
constexpr int kActmaxMaxCount = 16;

// The inspector's "several images" of one neuron: raw and digit-prior images pushed apart by the
// diversity penalty, so a neuron that responds to two shapes shows both.
struct DiverseImages {
  int model = -1, layer = -1, unit = -1;  // whose (-1: none shown)
  Eigen::MatrixXf raw, prior;             // (inputs, count); prior empty when it could not be made
  std::string prior_error;                // why there are no digit-prior images
  int version = 0;                        // bumps when the images change
};

struct PriorState {
  std::optional<Mlp> decoder;       // set once the bundle has arrived and passed the checks
  std::string error;                // why it could not be loaded ("" while none)
  std::vector<std::unique_ptr<PriorGallery>> galleries;  // per model index, made on first use
  DiverseImages diverse;
};

// True when the decoder is here; else asks the page for it (once, unless it failed).
bool app_prior_want(AppState& s);
// The fetched bundle: must be a decoder from a short code to 784 pixels.
Result<bool> app_prior_arrived(AppState& s, const Bytes& bytes);
void app_prior_failed(AppState& s, const std::string& why);

// A convnet's layer whose every step repeats every convolution (analysis_actmax_late): its
// digit-prior images, all its units at once, would hold the page for seconds a step, and its
// extra raw images for seconds. The page does not offer them there.
bool app_prior_layer_costly(AppState& s, int layer);
// The current model's gallery with `layer` wanted, or null while the decoder is not here (then
// the fetch is asked for), the model is not an MNIST model or the layer is costly.
PriorGallery* app_prior_gallery(AppState& s, int layer);
// Whether the page has digit-prior work to do (a fetch under way, or images to compute).
bool app_prior_pending(const AppState& s);
// Advances the current model's gallery by up to max_steps solver steps; true while work is left.
bool app_prior_busy(AppState& s, int max_steps);

// `count` digit-prior images of one unit of the current model (inputs x count), computed now
// (with count > 1, pushed apart by the diversity penalty). Needs the decoder.
Result<Eigen::MatrixXf> app_prior_actmax(AppState& s, int layer, int unit, int count);
// `count` raw (pixel-space) maximization images of one unit, pushed apart when count > 1.
Eigen::MatrixXf app_raw_actmax_diverse(AppState& s, int layer, int unit, int count);
// Fills s.prior.diverse for one unit of the current model: count raw images and, when the
// decoder is here, count digit-prior ones (else it is asked for and prior_error says so).
void app_show_diverse(AppState& s, int layer, int unit, int count);

}  // namespace lens
