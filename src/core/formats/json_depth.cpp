#include "core/formats/json_depth.h"

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

}  // namespace lens
