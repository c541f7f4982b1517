// JSON text from outside (a bundle header, a recipe, API options, a link's recipe, the model
// list): one parser, with one size limit and one depth limit, for every such text.
// nlohmann::json's parser, dump(), copies and comparisons recurse once per level, so text that
// nests deeper than a small limit must be refused before it reaches them: 10,000 levels of
// [[[...]]] overflow the stack.
#pragma once
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace lens {

// The longest text accepted (a bundle header is at most this long too) and the deepest
// nesting of arrays and objects, the outermost counting as one. Ours nest 3 levels deep.
constexpr std::size_t kJsonMaxBytes = std::size_t(1) << 20;
constexpr std::size_t kJsonMaxDepth = 64;

// Parses untrusted text. The error says why it was refused: "too long: 1048577 bytes (at most
// 1048576)", "nested 65 levels deep (at most 64 allowed)" or "not valid JSON at byte N: why"
// (N counts from 1; "NaN is not a JSON number (JSON numbers are finite)"); callers put what
// the text was in front ("recipe: ...", "bundle: bad JSON header: ...").
Result<nlohmann::json> json_parse(std::string_view text);
Result<nlohmann::json> json_parse(const std::uint8_t* begin, const std::uint8_t* end);

// The deepest nesting of arrays and objects in [begin, end): brackets inside
// strings do not count (backslash escapes are honoured). Any bytes are
// accepted; for text that is not valid JSON the answer is at least the depth a
// parser would reach before it gives up. One pass, no allocation.
std::size_t json_nesting_depth(const std::uint8_t* begin, const std::uint8_t* end);

}  // namespace lens
