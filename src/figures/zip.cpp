#include "figures/zip.h"

#include <cstdint>

#include "core/formats/crc32.h"

namespace lens {

// The format (PKWARE APPNOTE 4.3) lays its fields out little-endian (core/formats/bytes.h).
constexpr std::uint16_t kDosTime = 0;                     // 00:00:00
constexpr std::uint16_t kDosDate = (0u << 9) | (1u << 5) | 1u;  // 1980-01-01, the format's epoch
constexpr std::uint16_t kUtf8Names = 1u << 11;            // general purpose flag: names are UTF-8

// The fields the local header and the central directory share, from "version needed" on.
static void common_fields(Bytes& b, const ZipEntry& e, std::uint32_t crc) {
  put_le_u16(b, 10);  // version needed: 1.0, stored
  put_le_u16(b, kUtf8Names);
  put_le_u16(b, 0);   // method: stored
  put_le_u16(b, kDosTime);
  put_le_u16(b, kDosDate);
  put_le_u32(b, crc);
  put_le_u32(b, std::uint32_t(e.data.size()));  // compressed size
  put_le_u32(b, std::uint32_t(e.data.size()));  // uncompressed size
  put_le_u16(b, std::uint16_t(e.path.size()));
  put_le_u16(b, 0);   // extra field length
}

Bytes zip_stored(const std::vector<ZipEntry>& entries) {
  Bytes out, directory;
  for (const ZipEntry& e : entries) {
    const std::uint32_t crc = crc32(e.data.data(), e.data.size()), offset = std::uint32_t(out.size());
    put_le_u32(out, 0x04034b50);  // local file header
    common_fields(out, e, crc);
    out.insert(out.end(), e.path.begin(), e.path.end());
    out.insert(out.end(), e.data.begin(), e.data.end());

    put_le_u32(directory, 0x02014b50);  // central directory header
    put_le_u16(directory, 20);          // made by: version 2.0
    common_fields(directory, e, crc);
    put_le_u16(directory, 0);  // comment length
    put_le_u16(directory, 0);  // disk number
    put_le_u16(directory, 0);  // internal attributes
    put_le_u32(directory, 0);  // external attributes
    put_le_u32(directory, offset);
    directory.insert(directory.end(), e.path.begin(), e.path.end());
  }
  const std::uint32_t directory_at = std::uint32_t(out.size());
  out.insert(out.end(), directory.begin(), directory.end());
  put_le_u32(out, 0x06054b50);  // end of central directory
  put_le_u16(out, 0);
  put_le_u16(out, 0);
  put_le_u16(out, std::uint16_t(entries.size()));
  put_le_u16(out, std::uint16_t(entries.size()));
  put_le_u32(out, std::uint32_t(directory.size()));
  put_le_u32(out, directory_at);
  put_le_u16(out, 0);  // comment length
  return out;
}

}  // namespace lens
