#include "core/formats/number_text.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace lens {

Result<double> number_from_text(const std::string& key, const std::string& text) {
  const std::string shown = text.size() <= 40 ? text : text.substr(0, 37) + "...";
  const auto refuse = [&](const char* why) {
    return Result<double>::fail(key + " is \"" + shown + "\", " + why);
  };
  // strtod skips leading space and stops at the first byte it cannot read: both are refused
  // here, as are an embedded NUL and "nan"/"inf", which strtod reads but are no measurement.
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front())) || text.find('\0') != std::string::npos)
    return refuse("not a number (the whole text must be one, e.g. 0.3081)");
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return refuse("not a number (the whole text must be one, e.g. 0.3081)");
  if (!std::isfinite(v)) return refuse("not a finite number");
  return Result<double>::ok(v);
}

}  // namespace lens
