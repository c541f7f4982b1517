// Text helpers for lens-report: number formatting and Markdown tables, so every
// section prints numbers the same way.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "interpret/numbers.h"

namespace lens {


// Escapes the characters that would break a Markdown table cell or start markup.
std::string md_escape(const std::string& s);
// A pipe table; align is one character per column: 'l', 'c' or 'r'.
std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                     const std::string& align = "");
// A bulleted list of "**name**: value" lines (values are Markdown).
std::string md_facts(const std::vector<std::pair<std::string, std::string>>& facts);

}  // namespace lens
