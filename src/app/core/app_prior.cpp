#include "app/core/app_prior.h"

#include "app/core/app_state.h"
#include "core/formats/bundle.h"
#include "core/constants.h"
#include "interpret/actmax.h"
#include "interpret/diversity.h"
#include "interpret/model_analysis.h"

namespace lens {

Result<bool> app_prior_arrived(AppState& s, const Bytes& bytes) {
  auto b = bundle_read(bytes);
  std::string error;
  if (!b) error = b.error;
  else if (b->info.kind != BundleKind::Decoder) error = "digit prior: the file is a classifier, not a decoder";
  else if (b->net.outputs() != kPixels) error = "digit prior: the decoder makes " + std::to_string(b->net.outputs()) + " pixels, not 784";
  if (!error.empty()) {
    app_prior_failed(s, error);
    return Result<bool>::fail(error);
  }
  s.prior.decoder = std::move(b->net);
  s.prior.error.clear();
  asset_settle(s.assets, AssetKind::Prior);
  return Result<bool>::ok(true);
}

void app_prior_failed(AppState& s, const std::string& why) {
  s.prior.error = why.empty() ? "digit prior: could not be loaded" : why;
  asset_settle(s.assets, AssetKind::Prior);
}

bool app_prior_want(AppState& s) {
  if (s.prior.decoder) return true;
  if (s.prior.error.empty()) asset_want(s.assets, AssetKind::Prior);
  return false;
}

bool app_prior_layer_costly(AppState& s, int layer) {
  const ModelAnalysis* a = s.analysis();
  return a && a->bundle && layer >= 0 && layer < int(a->bundle->net.layers.size()) && analysis_actmax_late(*a, layer);
}

PriorGallery* app_prior_gallery(AppState& s, int layer) {
  if (!s.is_image_model() || s.current < 0 || app_prior_layer_costly(s, layer)) return nullptr;
  if (!app_prior_want(s)) return nullptr;
  auto& all = s.prior.galleries;
  if (all.size() <= std::size_t(s.current)) all.resize(std::size_t(s.current) + 1);
  auto& g = all[std::size_t(s.current)];
  if (!g) g = std::make_unique<PriorGallery>(s.model()->bundle.net, *s.prior.decoder);
  g->want(layer);
  return g.get();
}

bool app_prior_pending(const AppState& s) {
  if (asset_awaited(s.assets, AssetKind::Prior)) return true;
  if (s.current < 0 || s.prior.galleries.size() <= std::size_t(s.current)) return false;
  const auto& g = s.prior.galleries[std::size_t(s.current)];
  return g && g->pending();
}

bool app_prior_busy(AppState& s, int max_steps) {
  if (s.current < 0 || s.prior.galleries.size() <= std::size_t(s.current)) return false;
  auto& g = s.prior.galleries[std::size_t(s.current)];
  return g && !g->step(max_steps);
}

Result<Eigen::MatrixXf> app_prior_actmax(AppState& s, int layer, int unit, int count) {
  if (!s.prior.decoder)
    return Result<Eigen::MatrixXf>::fail(s.prior.error.empty() ? "the digit prior is not loaded yet" : s.prior.error);
  PriorActmaxSolver solver(s.model()->bundle.net, *s.prior.decoder, layer, {unit}, prior_actmax_defaults(count));
  while (!solver.step(64)) {}
  return Result<Eigen::MatrixXf>::ok(solver.images());
}

Eigen::MatrixXf app_raw_actmax_diverse(AppState& s, int layer, int unit, int count) {
  const bool output = layer + 1 == int(s.model()->bundle.net.layers.size());
  ActmaxConfig c = actmax_layer_defaults(s.model()->bundle.net, layer);
  c.count = count;
  c.diversity = kRawDiversity;
  ActmaxSolver solver(s.model()->bundle.net, layer, {unit}, c, s.analysis()->settings.output_objective);
  if (const ModelAnalysis* a = s.analysis(); !output && a->has_stats && !a->stats.layers[std::size_t(layer)].is_dead(unit))
    solver.set_targets(Eigen::VectorXf::Constant(1, a->stats.layers[std::size_t(layer)].max(unit)));  // each image beats every test digit
  while (!solver.step(64)) {}
  return solver.images();
}

void app_show_diverse(AppState& s, int layer, int unit, int count) {
  DiverseImages& d = s.prior.diverse;
  d.model = s.current;
  d.layer = layer;
  d.unit = unit;
  d.raw = app_raw_actmax_diverse(s, layer, unit, count);
  auto prior = app_prior_actmax(s, layer, unit, count);
  d.prior = prior ? std::move(*prior) : Eigen::MatrixXf();
  d.prior_error = prior ? "" : prior.error;
  if (!prior) app_prior_want(s);
  ++d.version;
}

}  // namespace lens
