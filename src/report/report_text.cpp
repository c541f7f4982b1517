#include "report/report_text.h"

#include <cmath>
#include <cstdio>

namespace lens {

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
