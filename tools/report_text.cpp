#include "report_text.h"

#include <cmath>
#include <cstdio>

namespace lens {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pct(double fraction, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, 100.0 * fraction);
  return buf;
}

std::string with_commas(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string signed_number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::abs(v));
  // A hyphen reads as a dash in prose; U+2212 is the minus sign. Rounded zeros carry no sign.
  const bool negative = v < 0 && std::string(buf).find_first_not_of("0.") != std::string::npos;
  return (negative ? "\u2212" : "") + std::string(buf);
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '[' || c == ']') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

static std::string md_row(const std::vector<std::string>& cells) {
  std::string r = "|";
  for (const std::string& c : cells) r += " " + c + " |";
  return r + "\n";
}

std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                     const std::string& align) {
  std::string t = md_row(header), rule = "|";
  for (std::size_t i = 0; i < header.size(); ++i) {
    const char a = i < align.size() ? align[i] : 'l';
    rule += a == 'c' ? ":-:|" : a == 'r' ? "--:|" : ":--|";
  }
  t += rule + "\n";
  for (const auto& r : rows) t += md_row(r);
  return t;
}

}  // namespace lens

namespace lens {

std::string md_facts(const std::vector<std::pair<std::string, std::string>>& facts) {
  std::string s;
  for (const auto& [name, value] : facts) s += "- **" + name + "**: " + value + "\n";
  return s + "\n";
}

}  // namespace lens
