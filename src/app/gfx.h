// The page's GPU-side images, owned by main and passed to the panels. Kept out
// of AppState so that state stays plain data the JS API and tests can reason about.
#pragma once
#include <vector>

#include "app/textures.h"

namespace lens {

struct Gfx {
  Texture canvas;                 // the drawing (or the shown test digit)
  Texture input;                  // 28x28: what the network sees
  Texture saliency;               // 28x28 diverging overlay
  Texture weights;                // selected neuron's incoming weights (first layer)
  Texture top_images;             // selected neuron's top activating test images (3x3)
  Texture xor_surface;            // XOR: the output over the input square
  Texture legend;                 // diverging colour bar
  std::vector<Atlas> actmax;      // per layer (hidden..., output) maximization images
  std::vector<int> actmax_uploaded;  // per layer: the analysis' layer version on the GPU
  std::vector<double> actmax_uploaded_at;  // per layer: when (ms)
  int canvas_version = -1, input_version = -1, actmax_model = -1, actmax_version = -1;
  int weights_key = -1, top_key = -1, xor_key = -1;
  bool atlas_dark = true;
};

}  // namespace lens
