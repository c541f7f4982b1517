#include "png.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO_UNUSED
#include <stb/stb_image_write.h>

namespace lens {

Result<bool> png_write(const std::string& path, const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0) return Result<bool>::fail(path + ": empty image");
  if (!stbi_write_png(path.c_str(), image.width, image.height, 3, image.pixels.data(), image.width * 3))
    return Result<bool>::fail(path + ": cannot write PNG");
  return Result<bool>::ok(true);
}

}  // namespace lens
