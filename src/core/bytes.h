// Reading whole files, and gzip, at the boundary: both return a Result.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace lens {

using Bytes = std::vector<std::uint8_t>;

Result<Bytes> file_read(const std::string& path);
Result<bool> file_write(const std::string& path, const Bytes& bytes);

bool gzip_is_compressed(const Bytes& bytes);  // starts with the gzip magic 1f 8b
// Inflates a gzip stream; refuses output over max_output bytes (a bomb guard).
// In builds without zlib (wasm) it says so: decompress the file first.
Result<Bytes> gzip_decompress(const Bytes& bytes, std::size_t max_output = std::size_t(512) << 20);

}  // namespace lens
