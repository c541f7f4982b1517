#include "interpret/prior_gallery.h"

#include "interpret/units.h"

namespace lens {

PriorGallery::PriorGallery(const Mlp& net, const Mlp& decoder, const PriorActmaxConfig& config)
    : net_(net), decoder_(decoder), config_(config) {
  config_.count = 1;
  for (const Layer& d : net.layers) images_.push_back(Eigen::MatrixXf::Zero(net.inputs(), layer_units(d)));
  done_.assign(images_.size(), false);
  wanted_.assign(images_.size(), false);
}

void PriorGallery::want(int layer) {
  if (layer >= 0 && layer < layers()) wanted_[std::size_t(layer)] = true;
}

bool PriorGallery::all_done() const {
  for (bool d : done_)
    if (!d) return false;
  return true;
}

bool PriorGallery::pending() const {
  for (std::size_t l = 0; l < done_.size(); ++l)
    if (wanted_[l] && !done_[l]) return true;
  return false;
}

float PriorGallery::progress(int layer) const {
  if (done(layer)) return 1.f;
  return solving_ == layer && solver_ ? solver_->progress() : 0.f;
}

// One layer at a time: all its units are one batch (one matrix problem per step).
bool PriorGallery::step(int max_steps) {
  while (max_steps > 0) {
    if (!solver_) {
      solving_ = -1;
      for (int l = 0; l < layers() && solving_ < 0; ++l)
        if (wanted_[std::size_t(l)] && !done_[std::size_t(l)]) solving_ = l;
      if (solving_ < 0) return true;
      std::vector<int> units(static_cast<std::size_t>(images_[std::size_t(solving_)].cols()));
      for (std::size_t u = 0; u < units.size(); ++u) units[u] = int(u);
      solver_ = std::make_unique<PriorActmaxSolver>(net_, decoder_, solving_, std::move(units), config_);
    }
    const int before = solver_->steps_done();
    const bool finished = solver_->step(max_steps);
    max_steps -= std::max(1, solver_->steps_done() - before);
    if (finished) {
      images_[std::size_t(solving_)] = solver_->images();
      done_[std::size_t(solving_)] = true;
      ++version_;
      solver_.reset();
    }
  }
  return false;
}

std::vector<Eigen::MatrixXf> prior_gallery_all(const Mlp& net, const Mlp& decoder, const PriorActmaxConfig& config) {
  PriorGallery g(net, decoder, config);
  for (int l = 0; l < g.layers(); ++l) g.want(l);
  while (!g.step(64)) {}
  std::vector<Eigen::MatrixXf> out;
  for (int l = 0; l < g.layers(); ++l) out.push_back(g.images(l));
  return out;
}

}  // namespace lens
