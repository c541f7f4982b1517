// Text helpers for lens-report: number formatting and Markdown tables, so every
// section prints numbers the same way.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace lens {

std::string fmt(const char* format, double v);          // printf with one number
std::string pct(double fraction, int decimals = 1);     // 0.3474 -> "34.7%"
std::string with_commas(long long n);                   // 10000 -> "10,000"
std::string signed_number(double v, int decimals = 2);  // uses a real minus sign: "−1.25"

// Escapes the characters that would break a Markdown table cell or start markup.
std::string md_escape(const std::string& s);
// A pipe table; align is one character per column: 'l', 'c' or 'r'.
std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                     const std::string& align = "");
// A bulleted list of "**name**: value" lines (values are Markdown).
std::string md_facts(const std::vector<std::pair<std::string, std::string>>& facts);

}  // namespace lens
