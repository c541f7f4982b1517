// Keeps the page's textures in step with the state: each image is uploaded again
// only when what it was made from (its key, gfx.h) changed.
#include "app/gfx.h"

#include <algorithm>
#include <cstdint>

#include "core/constants.h"
#include "interpret/concepts.h"
#include "interpret/units.h"

namespace lens {

constexpr double kAtlasRefreshMs = 250;  // a layer still being solved refreshes on screen 4 times a second

static void upload_gray(Texture& t, const float* v, int w, int h, int scale, bool dark) {
  std::vector<std::uint8_t> rgba(std::size_t(w * scale) * std::size_t(h * scale) * 4, 255);
  for (int y = 0; y < h * scale; ++y)
    for (int x = 0; x < w * scale; ++x) {
      const float a = std::clamp(v[(y / scale) * w + x / scale], 0.f, 1.f);
      const std::uint8_t g = std::uint8_t(255.f * (dark ? a : 1.f - a) + 0.5f);
      std::uint8_t* p = &rgba[(std::size_t(y) * std::size_t(w * scale) + std::size_t(x)) * 4];
      p[0] = p[1] = p[2] = g;
    }
  texture_upload_rgba(t, w * scale, h * scale, rgba.data());
}

void gfx_refresh(AppState& s, Gfx& g, double now_ms) {
  // The canvas shows the drawing, or the loaded digit blown up when the input came from elsewhere.
  const bool drawn = s.source == InputSource::Drawing || s.live.x.size() != kPixels;
  const CanvasKey canvas{s.source, drawn ? s.drawing.version : s.live.version, s.dark};
  if (g.canvas_key != canvas || !g.canvas.id) {
    if (drawn) upload_gray(g.canvas, s.drawing.canvas.pixels.data(), kCanvasSide, kCanvasSide, 1, s.dark);
    else upload_gray(g.canvas, s.live.x.data(), kSide, kSide, 1, s.dark);
    g.canvas_key = canvas;
  }
  if (!s.is_image_model()) return;
  const InputKey input{s.live.version, s.dark};
  if (g.input_key != input && s.live.x.size() == kPixels) {
    upload_gray(g.input, s.live.x.data(), kSide, kSide, 1, s.dark);
    if (s.live.saliency.size() == kPixels) texture_upload(g.saliency, image_diverging(s.live.saliency.data(), kSide, kSide, 1));
    g.input_key = input;
  }
  if (g.concepts_dark != int(s.dark)) {  // the same for every model: drawn once per theme
    Eigen::MatrixXf thumbs(kPixels, kConceptCount);
    for (int k = 0; k < kConceptCount; ++k) thumbs.col(k) = concept_render(Concept(k), concept_variants()[kConceptThumbVariant]);
    atlas_upload_ink(g.concepts, thumbs.data(), kConceptCount, kSide, kSide, s.dark);
    g.concepts_dark = int(s.dark);
  }
  ModelAnalysis* a = s.analysis();
  const AtlasKey atlas{s.current, s.model() ? s.model()->norm.version : 0, s.dark};
  if (a && (g.atlas_key != atlas || g.actmax_version != a->actmax_version)) {
    // Only the layers whose images changed go to the GPU again, and a layer still being
    // solved at most every kAtlasRefreshMs: a wide layer's atlas is megabytes, and
    // uploading it every frame would cost more than the solving.
    const bool all = g.atlas_key != atlas;
    g.actmax.resize(a->actmax.size());
    g.actmax_uploaded.resize(a->actmax.size(), -1);
    g.actmax_uploaded_at.resize(a->actmax.size(), -1e9);
    bool behind = false;
    for (std::size_t l = 0; l < a->actmax.size(); ++l) {
      if (!all && g.actmax_uploaded[l] == a->actmax_layer_version[l]) continue;
      if (!all && !a->actmax_done[l] && now_ms - g.actmax_uploaded_at[l] < kAtlasRefreshMs) { behind = true; continue; }
      atlas_upload_ink(g.actmax[l], a->actmax[l].data(), int(a->actmax[l].cols()), kSide, kSide, s.dark);
      g.actmax_uploaded[l] = a->actmax_layer_version[l];
      g.actmax_uploaded_at[l] = now_ms;
    }
    g.atlas_key = atlas;
    if (!behind) g.actmax_version = a->actmax_version;
  }
  // Digit-prior images: a layer goes to the GPU once, when its gallery has finished it.
  const PriorGallery* pg = s.current >= 0 && s.prior.galleries.size() > std::size_t(s.current)
                               ? s.prior.galleries[std::size_t(s.current)].get() : nullptr;
  if (pg && (g.prior_key != atlas || g.prior_version != pg->version())) {
    g.prior.resize(std::size_t(pg->layers()));
    for (int l = 0; l < pg->layers(); ++l)
      if (pg->done(l)) atlas_upload_ink(g.prior[std::size_t(l)], pg->images(l).data(), int(pg->images(l).cols()), kSide, kSide, s.dark);
      else g.prior[std::size_t(l)].count = 0;
    g.prior_key = atlas;
    g.prior_version = pg->version();
  } else if (!pg) {
    for (Atlas& at : g.prior) at.count = 0;
    g.prior_version = -1;
  }
  const DiverseImages& d = s.prior.diverse;
  if (d.model >= 0 && (g.diverse_version != d.version || g.diverse_dark != int(s.dark))) {
    Eigen::MatrixXf both(d.raw.rows(), d.raw.cols() + d.prior.cols());
    both.leftCols(d.raw.cols()) = d.raw;
    if (d.prior.cols()) both.rightCols(d.prior.cols()) = d.prior;
    atlas_upload_ink(g.diverse, both.data(), int(both.cols()), kSide, kSide, s.dark);
    g.diverse_version = d.version;
    g.diverse_dark = int(s.dark);
  }
  const Mlp* net = s.model() ? &s.model()->bundle.net : nullptr;
  const bool filter = net && s.sel_layer < s.hidden_layers() && net->layers[std::size_t(s.sel_layer)].is_conv();
  if (s.sel_unit >= 0 && (s.sel_layer == 0 || filter) && s.sel_layer < s.hidden_layers()) {
    const NeuronKey weights{s.current, 0, s.sel_layer, s.sel_unit, true};  // the weights do not depend on the input map
    if (g.weights_key != weights) {
      const Layer& d = net->layers[std::size_t(s.sel_layer)];
      if (filter) {
        const FilterTiles f = filter_tiles(d, s.sel_unit);
        texture_upload(g.weights, image_diverging(f.values.data(), f.width, f.height, 1));
      } else {
        const Eigen::VectorXf w = d.W.row(s.sel_unit).transpose();
        texture_upload(g.weights, image_diverging(w.data(), kSide, kSide, 1));
      }
      g.weights_key = weights;
    }
  }
  const InputKey maps{s.live.version, s.dark};
  if (net && net->has_conv() && g.maps_key != maps && s.live.trace.layers.size() == net->layers.size()) {
    g.maps.resize(std::size_t(s.hidden_layers()));
    for (int l = 0; l < s.hidden_layers(); ++l) {
      const Layer& d = net->layers[std::size_t(l)];
      if (!d.is_conv()) continue;
      const Eigen::VectorXf m = layer_maps(d, s.live.trace.layers[std::size_t(l)]).col(0);
      const float top = m.maxCoeff();
      const Eigen::VectorXf shown = top > 0 ? Eigen::VectorXf(m.cwiseMax(0.f) / top) : Eigen::VectorXf::Zero(m.size());
      const Shape3 one = unit_map_shape(d);
      atlas_upload_ink(g.maps[std::size_t(l)], shown.data(), layer_units(d), one.w, one.h, s.dark);
    }
    g.maps_key = maps;
  }
  if (s.sel_unit >= 0 && a && a->has_stats && s.sel_layer < s.hidden_layers() && s.test.size()) {
    const NeuronKey top{s.current, s.model()->norm.version, s.sel_layer, s.sel_unit, s.dark};
    if (g.top_key != top) {
      const std::vector<int>& images = a->stats.layers[std::size_t(s.sel_layer)].top[std::size_t(s.sel_unit)];
      Eigen::MatrixXf cols(kPixels, Eigen::Index(images.size()));
      for (std::size_t i = 0; i < images.size(); ++i) cols.col(Eigen::Index(i)) = s.test.images.col(images[i]);
      Atlas tmp;
      tmp.texture = g.top_images;
      atlas_upload_ink(tmp, cols.data(), int(images.size()), kSide, kSide, s.dark);
      g.top_images = tmp.texture;
      g.top_key = top;
    }
  }
}

}  // namespace lens
