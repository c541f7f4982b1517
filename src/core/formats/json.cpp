#include "core/formats/json.h"

#include <string>

namespace lens {

std::size_t json_nesting_depth(const std::uint8_t* begin, const std::uint8_t* end) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (const std::uint8_t* p = begin; p != end; ++p) {
    const std::uint8_t c = *p;
    if (in_string) {
      if (c == '\\') {
        if (++p == end) break;  // the escaped byte cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;  // an unmatched closer is the parser's error to report
    }
  }
  return deepest;
}

Result<nlohmann::json> json_parse(const std::uint8_t* begin, const std::uint8_t* end) {
  using R = Result<nlohmann::json>;
  const std::size_t size = std::size_t(end - begin);
  if (size > kJsonMaxBytes)
    return R::fail("too long: " + std::to_string(size) + " bytes (at most " + std::to_string(kJsonMaxBytes) + ")");
  if (const std::size_t depth = json_nesting_depth(begin, end); depth > kJsonMaxDepth)
    return R::fail("nested " + std::to_string(depth) + " levels deep (at most " + std::to_string(kJsonMaxDepth) + " allowed)");
  nlohmann::json j = nlohmann::json::parse(begin, end, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return R::fail("not valid JSON");
  return R::ok(std::move(j));
}

Result<nlohmann::json> json_parse(std::string_view text) {
  const auto* begin = reinterpret_cast<const std::uint8_t*>(text.data());
  return json_parse(begin, begin + text.size());
}

}  // namespace lens
