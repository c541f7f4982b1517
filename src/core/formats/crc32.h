#pragma once
#include <cstddef>
#include <cstdint>

namespace lens {

// CRC-32 (IEEE 802.3, the polynomial of zip and PNG), so a bundle's checksum can
// be verified with any standard tool.
std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace lens
