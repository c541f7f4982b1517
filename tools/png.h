// PNG output for the command-line tools (stb_image_write from Debian's libstb-dev).
#pragma once
#include <string>

#include "core/result.h"
#include "interpret/colormap.h"

namespace lens {

Result<bool> png_write(const std::string& path, const RgbImage& image);

}  // namespace lens
