// Hand-written SVG charts for lens-report: small, dependency-free, readable as
// text, and crisp at any zoom. Colours follow the weight images (PuOr family).
#pragma once
#include <string>
#include <vector>

namespace lens {

constexpr const char* kSvgStrong = "#e08214";    // orange: a neuron's strong classes, positive weights
constexpr const char* kSvgModerate = "#fdb863";  // light orange: moderate classes
constexpr const char* kSvgOther = "#bdbdbd";     // grey: the rest
constexpr const char* kSvgNegative = "#5e3c99";  // purple: negative weights

struct BarChart {
  std::vector<float> values;
  std::vector<std::string> labels;   // one under each bar
  std::vector<std::string> colours;  // one per bar
  std::string title;                 // read by screen readers (<title>)
  std::string axis;                  // value axis name, drawn vertically
  int width = 280, height = 160;
};

std::string svg_bar_chart(const BarChart& chart);

// Shared pieces for other figures.
std::string svg_open(int width, int height, const std::string& title);
std::string svg_close();
std::string svg_escape(const std::string& s);

}  // namespace lens
