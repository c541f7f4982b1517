// GPU textures for the page's images (maximization images, inputs, weights).
// Pixel images are drawn with nearest filtering, so 28x28 stays crisp at any size.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

#include "figures/colormap.h"

namespace lens {

struct Texture {
  unsigned id = 0;
  int width = 0, height = 0;
  int version = -1;  // what the caller last uploaded (to skip needless uploads)
  ImTextureID imgui_id() const { return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(id)); }
};

void texture_upload(Texture& t, const RgbImage& image);
// A texture's contents version (any upload to a GL texture id changes it): part of what the
// damage tracker (damage.h) compares from frame to frame.
std::uint32_t texture_generation(unsigned id);
void texture_changed(unsigned id);
void texture_upload_rgba(Texture& t, int width, int height, const std::uint8_t* rgba);
void texture_release(Texture& t);

// An atlas of equally sized tiles (e.g. every maximization image of a layer): tile i's UVs.
struct Atlas {
  Texture texture;
  int tile_w = 0, tile_h = 0, columns = 1, count = 0;
  void uv(int i, ImVec2& uv0, ImVec2& uv1) const;
};
// Tiles are column-stacked grayscale images in [0,1] (width x height each), drawn as ink.
void atlas_upload_ink(Atlas& a, const float* columns, int count, int width, int height, bool dark);
// ImGui::Image of tile i, or an empty space of the same size while the atlas (may be null) lacks it.
void atlas_image(const Atlas* a, int i, ImVec2 size);
// The atlas of one layer from a per-layer list, or null when the list does not have it yet.
inline const Atlas* layer_atlas(const std::vector<Atlas>& atlases, int layer) {
  return layer >= 0 && std::size_t(layer) < atlases.size() ? &atlases[std::size_t(layer)] : nullptr;
}

}  // namespace lens
