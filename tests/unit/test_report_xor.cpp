// The XOR report (report/report_xor.h) for the nets the page trains: 2 to 4 hidden units, each
// named in the tables and drawn as its own line in the decision-region figure, with a legend
// entry that tells the lines apart.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "report/report_xor.h"

namespace lens {
namespace {

// XOR with `hidden` tanh units whose lines all cross the plot: h0 = x1 OR x2, h1 = x1 AND x2
// (the output is h0 AND NOT h1), then x1 = 0.5 and x2 = 0.5, which the output ignores.
Bundle xor_bundle(int hidden) {
  Bundle b;
  b.info.id = "xor-" + std::to_string(hidden);
  b.info.name = "XOR 2-" + std::to_string(hidden) + "-1";
  b.info.dataset = "xor";
  b.net = mlp_make({2, hidden, 1}, Activation::Tanh);
  b.net.head = Head::Sigmoid;
  const float w[4][3] = {{10, 10, -5}, {10, 10, -15}, {10, 0, -5}, {0, 10, -5}};  // w1, w2, bias
  for (int u = 0; u < hidden; ++u) {
    b.net.layers[0].W(u, 0) = w[u][0], b.net.layers[0].W(u, 1) = w[u][1], b.net.layers[0].b(u) = w[u][2];
    b.net.layers[1].W(0, u) = u == 0 ? 10.f : u == 1 ? -40.f : 0.f;
  }
  b.net.layers[1].b(0) = -40;  // tanh units are -1 when off: the output is 10 h0 - 40 h1 - 40
  return b;
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ReportXor : public testing::TestWithParam<int> {};

// Every hidden unit has a column in the four-points table and a row in the weights table.
TEST_P(ReportXor, TablesNameEveryHiddenUnit) {
  const int hidden = GetParam();
  ReportPage page;
  report_xor(page, xor_bundle(hidden), "xor.lens");
  EXPECT_NE(page.md.find("**4 of 4** corners right"), std::string::npos);
  for (int u = 0; u < hidden; ++u) {
    const std::string name = "h" + std::to_string(u);
    EXPECT_NE(page.md.find("| " + name + " |"), std::string::npos) << name << " has no column in\n" << page.md;
    EXPECT_NE(page.md.find("\n| " + name + " | "), std::string::npos) << name << " has no weights row in\n" << page.md;
  }
  EXPECT_EQ(page.md.find("h" + std::to_string(hidden) + " "), std::string::npos) << "a unit the net does not have";
}

// The figure draws one line per hidden unit, each with its own dashes, says how many there are
// in its title, and its legend (inside the picture) names each unit with its line style.
TEST_P(ReportXor, RegionFigureDrawsAndNamesEveryHiddenUnit) {
  const int hidden = GetParam();
  ReportPage page;
  report_xor(page, xor_bundle(hidden), "xor.lens");
  ASSERT_EQ(page.files().size(), 1u);
  const std::string svg(page.files()[0].second.begin(), page.files()[0].second.end());
  const char* const count[] = {"", "", "two", "three", "four"};
  EXPECT_NE(svg.find(std::string("the lines drawn by the ") + count[hidden] + " hidden neurons</title>"), std::string::npos)
      << svg.substr(0, 400);
  EXPECT_EQ(count_of(svg, "<line "), hidden);
  const char* const dash[] = {"none", "6 4", "2 3", "8 3 2 3"};
  const char* const style[] = {"solid", "dashed", "dotted", "dash-dot"};
  for (int u = 0; u < hidden; ++u) {
    EXPECT_EQ(count_of(svg, std::string("stroke-dasharray=\"") + dash[u] + "\""), 1) << "unit " << u;
    EXPECT_EQ(count_of(svg, std::string(style[u]) + ": hidden " + std::to_string(u) + " = 0"), 1) << "unit " << u;
  }
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("height=\"([0-9]+)\"")));
  const int height = std::stoi(m[1]);
  const std::regex legend_row("<text x=\"[0-9]+\" y=\"([0-9]+)\">[a-z-]+: hidden");
  int rows = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), legend_row); it != std::sregex_iterator(); ++it, ++rows)
    EXPECT_LT(std::stoi((*it)[1]), height) << "a legend row below the picture's edge";
  EXPECT_EQ(rows, (hidden + 1) / 2);  // two entries to a row, so the row fits the picture's width
}

INSTANTIATE_TEST_SUITE_P(HiddenUnits, ReportXor, testing::Values(2, 3, 4));

}  // namespace
}  // namespace lens
