#include "core/formats/json.h"

#include <algorithm>
#include <cctype>
#include <cstring>
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

namespace {
// Accepts every value and remembers where the text stopped being JSON and why: run only on
// text the parser refused, to say where (nlohmann's messages name a line and column and a
// token; ours name the byte and, for the numbers JSON lacks, the number).
struct ErrorLocator {
  std::size_t byte = 0;
  std::string why;
  using json = nlohmann::json;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    byte = position;
    why = e.what();  // "[json.exception.parse_error.101] parse error at line 1, column 8: syntax error ..."
    if (const std::size_t colon = why.find(": ", why.find("parse error")); colon != std::string::npos) why.erase(0, colon + 2);
    return false;
  }
};
}  // namespace

Result<nlohmann::json> json_parse(const std::uint8_t* begin, const std::uint8_t* end) {
  using R = Result<nlohmann::json>;
  const std::size_t size = std::size_t(end - begin);
  if (size > kJsonMaxBytes)
    return R::fail("too long: " + std::to_string(size) + " bytes (at most " + std::to_string(kJsonMaxBytes) + ")");
  if (const std::size_t depth = json_nesting_depth(begin, end); depth > kJsonMaxDepth)
    return R::fail("nested " + std::to_string(depth) + " levels deep (at most " + std::to_string(kJsonMaxDepth) + " allowed)");
  nlohmann::json j = nlohmann::json::parse(begin, end, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ErrorLocator where;
    nlohmann::json::sax_parse(begin, end, &where, nlohmann::json::input_format_t::json, /*strict=*/true);
    if (where.why.empty()) return R::fail("not valid JSON");
    // The numbers JavaScript writes and JSON has not (a recipe's "lr": NaN) get their own words.
    // The word it stopped in: back from the byte it stopped at over letters and a minus sign.
    std::size_t token_start = std::min(size, where.byte);
    if (token_start > 0) --token_start;
    while (token_start > 0 && (std::isalpha(begin[token_start - 1]) || begin[token_start - 1] == '-')) --token_start;
    const std::string_view rest(reinterpret_cast<const char*>(begin) + token_start, size - token_start);
    for (const char* word : {"NaN", "nan", "Infinity", "-Infinity", "inf", "-inf"})
      if (rest.substr(0, std::strlen(word)) == word) where.why = std::string(word) + " is not a JSON number (JSON numbers are finite)";
    return R::fail("not valid JSON at byte " + std::to_string(where.byte) + ": " + where.why);
  }
  return R::ok(std::move(j));
}

Result<nlohmann::json> json_parse(std::string_view text) {
  const auto* begin = reinterpret_cast<const std::uint8_t*>(text.data());
  return json_parse(begin, begin + text.size());
}

}  // namespace lens
