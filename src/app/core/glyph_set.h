// The characters the page draws text with, as inclusive (first, last) ranges ending in 0:
// the one list for the DejaVu Sans subset the page ships (src/app/CMakeLists.txt reads the
// pairs below and hands them to pyftsubset) and for the glyphs ImGui rasterises (main.cpp).
// Write each range as a pair of hexadecimal literals on one line, as below.
#pragma once
#include <cstdint>

namespace lens {

constexpr std::uint16_t kPageGlyphRanges[] = {
    0x0020, 0x007E,  // ASCII
    0x00A0, 0x00FF,  // Latin-1 (the multiplication sign among them)
    0x2013, 0x2014,  // en and em dashes
    0x2018, 0x201D,  // curly quotes
    0x2022, 0x2022,  // bullet
    0x2026, 0x2026,  // ellipsis
    0x2190, 0x2193,  // arrows
    0x2212, 0x2212,  // minus sign
    0x2264, 0x2265,  // less-than or equal, greater-than or equal
    0x25B2, 0x25B2,  // triangle pointing up
    0x25BC, 0x25BC,  // triangle pointing down
    0x2713, 0x2713,  // check mark
    0x2717, 0x2717,  // ballot x
    0};

}  // namespace lens
