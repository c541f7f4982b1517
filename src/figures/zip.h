// A minimal zip writer: entries stored uncompressed (PNGs are compressed already, and
// every unzip reads method 0), a fixed timestamp so the same report gives the same bytes.
#pragma once
#include <string>
#include <vector>

#include "core/formats/bytes.h"

namespace lens {

struct ZipEntry {
  std::string path;  // with '/' between folders, e.g. "figures/l0-n000-actmax.png"
  Bytes data;
};

// The archive: local headers with the data, then the central directory. Sizes must stay
// under 4 GiB and the count under 65,535 (no zip64), far beyond any report.
Bytes zip_stored(const std::vector<ZipEntry>& entries);

}  // namespace lens
