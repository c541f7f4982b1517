// The digit-prior maximization images of a whole model: one image per hidden neuron and per
// output class, layer by layer (interpret/actmax_prior.h), computed in slices so the page never
// stalls, or to the end (lens-report). The page shows them next to the raw maximization images
// and computes a layer only when it is first shown.
#pragma once
#include <Eigen/Core>
#include <memory>
#include <vector>

#include "core/numerics/mlp.h"
#include "interpret/actmax_prior.h"

namespace lens {

class PriorGallery {
 public:
  PriorGallery(const Mlp& net, const Mlp& decoder, const PriorActmaxConfig& config = {});
  int layers() const { return int(images_.size()); }
  // Asks for a layer's images; they are computed by the next step() calls.
  void want(int layer);
  // Advances the wanted layers by up to max_steps solver steps; true when nothing is left to do.
  bool step(int max_steps);
  bool done(int layer) const { return done_[std::size_t(layer)]; }
  bool all_done() const;
  // Whether some wanted layer is not done yet.
  bool pending() const;
  // A layer's images (inputs x units), zero until done(layer).
  const Eigen::MatrixXf& images(int layer) const { return images_[std::size_t(layer)]; }
  // Bumps whenever some layer's images change (for texture uploads).
  int version() const { return version_; }
  float progress(int layer) const;

 private:
  Mlp net_, decoder_;
  PriorActmaxConfig config_;
  std::vector<Eigen::MatrixXf> images_;
  std::vector<bool> done_, wanted_;
  std::unique_ptr<PriorActmaxSolver> solver_;
  int solving_ = -1, version_ = 0;
};

// Every layer's images, computed to the end.
std::vector<Eigen::MatrixXf> prior_gallery_all(const Mlp& net, const Mlp& decoder, const PriorActmaxConfig& config = {});

}  // namespace lens
