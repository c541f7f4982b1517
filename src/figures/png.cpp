#include "figures/png.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

namespace lens {

static void append(void* context, void* data, int size) {
  auto* out = static_cast<Bytes*>(context);
  const auto* p = static_cast<const std::uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

static Bytes encode(const std::uint8_t* pixels, int width, int height, int channels) {
  Bytes out;
  if (width <= 0 || height <= 0) return out;
  if (!stbi_write_png_to_func(append, &out, width, height, channels, pixels, width * channels)) out.clear();
  return out;
}

Bytes png_encode(const RgbImage& image) { return encode(image.pixels.data(), image.width, image.height, 3); }
Bytes png_encode(const RgbaImage& image) { return encode(image.pixels.data(), image.width, image.height, 4); }

}  // namespace lens
