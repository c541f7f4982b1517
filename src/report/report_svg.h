// Hand-written SVG charts for lens-report: small, dependency-free, readable as
// text, and crisp at any zoom. Colours follow the weight images (PuOr family); the
// chart data and axis come from figures/chart.h, shared with the page's PNG export.
#pragma once
#include <string>

#include "figures/chart.h"

namespace lens {

std::string svg_bar_chart(const BarChart& chart);

// Shared pieces for other figures.
std::string svg_open(int width, int height, const std::string& title);
std::string svg_close();
std::string svg_escape(const std::string& s);

}  // namespace lens
