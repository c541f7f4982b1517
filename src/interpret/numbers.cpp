#include "interpret/numbers.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "core/training/train_budget.h"

namespace lens {

static const char* kNotANumber = "n/a";

std::string fmt(const char* format, double v) {
  if (!std::isfinite(v)) return kNotANumber;
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pct(double fraction, int decimals) {
  if (!std::isfinite(fraction)) return kNotANumber;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, 100.0 * fraction);
  return buf;
}

std::string points(double fraction, int decimals) {
  if (!std::isfinite(fraction)) return kNotANumber;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, 100.0 * fraction);
  return std::string(buf) + (std::string(buf) == "1" ? " point" : " points");
}

std::string with_commas(long long n) {
  // The magnitude in unsigned arithmetic: -n overflows for the smallest long long.
  const std::uint64_t magnitude = n < 0 ? 0 - std::uint64_t(n) : std::uint64_t(n);
  return (n < 0 ? "-" : "") + count_with_commas(magnitude);
}

std::string signed_number(double v, int decimals) {
  if (!std::isfinite(v)) return kNotANumber;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::abs(v));
  // A hyphen reads as a dash in prose; U+2212 is the minus sign. Rounded zeros carry no sign.
  const bool negative = v < 0 && std::string(buf).find_first_not_of("0.") != std::string::npos;
  return (negative ? "\u2212" : "") + std::string(buf);
}

std::string count_of(long long n, const std::string& singular, const std::string& plural) {
  return with_commas(n) + " " + (n == 1 ? singular : plural);
}

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = char(s[0] - 'a' + 'A');
  return s;
}

std::string ordinal(int n) {
  const int tens = n % 100, ones = n % 10;
  const char* suffix = tens >= 11 && tens <= 13 ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th";
  return std::to_string(n) + suffix;
}

}  // namespace lens
