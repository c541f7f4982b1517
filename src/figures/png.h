// PNG encoding for figures (stb_image_write from Debian's libstb-dev), to bytes, so the
// page (download, lens.figure) and lens-report (files) encode the same way.
#pragma once
#include <cstdint>
#include <vector>

#include "core/formats/bytes.h"
#include "figures/colormap.h"

namespace lens {

// An RGBA raster, row-major, top row first.
struct RgbaImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // 4 bytes a pixel
};

// Empty bytes for an empty image.
Bytes png_encode(const RgbImage& image);
Bytes png_encode(const RgbaImage& image);

}  // namespace lens
