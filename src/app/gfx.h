// The page's GPU-side images, owned by main and passed to the panels. Kept out
// of AppState so that state stays plain data the JS API and tests can reason about.
// Each image remembers a key: what it was made from. It is uploaded again only
// when the key for the current state differs.
#pragma once
#include <tuple>
#include <vector>

#include "app/core/app_state.h"
#include "app/textures.h"

namespace lens {

// The drawing canvas: the strokes, or the input blown up when it came from elsewhere.
struct CanvasKey {
  InputSource source = InputSource::Drawing;
  int version = -1;  // the drawing's version, or the live input's when it was not drawn
  bool dark = true;
  bool operator==(const CanvasKey& o) const { return std::tie(source, version, dark) == std::tie(o.source, o.version, o.dark); }
  bool operator!=(const CanvasKey& o) const { return !(*this == o); }
};

// The 28x28 input the network sees and its saliency overlay.
struct InputKey {
  int live_version = -1;
  bool dark = true;
  bool operator==(const InputKey& o) const { return std::tie(live_version, dark) == std::tie(o.live_version, o.dark); }
  bool operator!=(const InputKey& o) const { return !(*this == o); }
};

// A model's maximization images (then each layer follows its own version). `norm`: the model's
// input-normalization version (app_norm.h), whose change makes every image again.
struct AtlasKey {
  int model = -1, norm = 0;
  bool dark = true;
  bool operator==(const AtlasKey& o) const { return std::tie(model, norm, dark) == std::tie(o.model, o.norm, o.dark); }
  bool operator!=(const AtlasKey& o) const { return !(*this == o); }
};

// One neuron's image: its incoming weights (the diverging scale is the same in both
// themes, so dark stays true) or its top test digits.
struct NeuronKey {
  int model = -1, norm = 0, layer = -1, unit = -1;  // norm as in AtlasKey (the top digits are measured again)
  bool dark = true;
  bool operator==(const NeuronKey& o) const {
    return std::tie(model, norm, layer, unit, dark) == std::tie(o.model, o.norm, o.layer, o.unit, o.dark);
  }
  bool operator!=(const NeuronKey& o) const { return !(*this == o); }
};

// An image of a whole model (XOR's output over the plane).
struct ModelKey {
  int model = -1;
  bool operator==(const ModelKey& o) const { return model == o.model; }
  bool operator!=(const ModelKey& o) const { return !(*this == o); }
};

// A model's output over the plane, redrawn when the model or (while it trains) its weights change.
struct SurfaceKey {
  int model = -1, weights = -1;
  bool operator==(const SurfaceKey& o) const { return model == o.model && weights == o.weights; }
  bool operator!=(const SurfaceKey& o) const { return !(*this == o); }
};

struct Gfx {
  Texture canvas;                 // the drawing (or the shown test digit)
  Texture input;                  // 28x28: what the network sees
  Texture saliency;               // 28x28 diverging overlay
  Texture weights;                // selected neuron's incoming weights (first layer), or a channel's filter
  Texture top_images;             // selected neuron's top activating test images (3x3)
  Texture xor_surface;            // XOR: the output over the input square
  Texture plane_unit;             // a plane model's hidden unit: its activation over the square
  Texture legend;                 // diverging colour bar
  std::vector<Atlas> actmax;      // per layer (hidden..., output) maximization images
  Atlas concepts;                 // one thumbnail per stroke concept (interpret/concepts.h)
  int concepts_dark = -1;         // the theme it was drawn for
  std::vector<int> actmax_uploaded;  // per layer: the analysis' layer version on the GPU
  std::vector<double> actmax_uploaded_at;  // per layer: when (ms)
  int actmax_version = -1;        // the analysis' overall version on the GPU
  std::vector<Atlas> prior;       // per layer: digit-prior maximization images (once computed)
  // Per hidden layer, a convolutional one's channel maps for the live input (units.h), each
  // scaled by the layer's largest value; uploaded when the live input changes.
  std::vector<Atlas> maps;
  InputKey maps_key;
  AtlasKey prior_key;             // whose images, in which theme
  Atlas diverse;                  // the inspector's several images of one neuron: raw, then digit-prior
  int diverse_version = -1;       // the DiverseImages version on the GPU ...
  int diverse_dark = -1;          // ... and the theme it was drawn for
  int prior_version = -1;         // the gallery's version on the GPU
  CanvasKey canvas_key;
  InputKey input_key;
  AtlasKey atlas_key;
  NeuronKey weights_key, top_key;
  SurfaceKey xor_key;
  SurfaceKey plane_unit_key;
  int plane_unit_layer = -1, plane_unit_index = -1;
};

// Uploads the images whose keys changed (called before the panels).
void gfx_refresh(AppState& s, Gfx& g, double now_ms);

}  // namespace lens
