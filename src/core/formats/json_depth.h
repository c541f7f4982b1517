// How deeply a JSON text nests, measured without parsing it. nlohmann::json's
// parser, dump(), copies and comparisons recurse once per level, so text from
// outside (a bundle header, say) that nests deeper than a small limit must be
// refused before it reaches them: 10,000 levels of [[[...]]] overflow the stack.
#pragma once
#include <cstddef>
#include <cstdint>

namespace lens {

// The deepest nesting of arrays and objects in [begin, end): brackets inside
// strings do not count (backslash escapes are honoured). Any bytes are
// accepted; for text that is not valid JSON the answer is at least the depth a
// parser would reach before it gives up. One pass, no allocation.
std::size_t json_nesting_depth(const std::uint8_t* begin, const std::uint8_t* end);

}  // namespace lens
