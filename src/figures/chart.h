// Bar charts as data, drawn by two renderers: SVG for lens-report (report/report_svg.h)
// and raster for the page's PNG export (figures/figures.h). The axis (ticks, labels)
// and the colours are decided here once, so both draw the same chart.
#pragma once
#include <string>
#include <vector>

#include "interpret/facts.h"
#include "interpret/neuron_stats.h"

namespace lens {

constexpr const char* kChartStrong = "#e08214";    // orange: a neuron's strong classes, positive weights
constexpr const char* kChartModerate = "#fdb863";  // light orange: moderate classes
constexpr const char* kChartOther = "#bdbdbd";     // grey: the rest
constexpr const char* kChartNegative = "#5e3c99";  // purple: negative weights

struct BarChart {
  std::vector<float> values;
  std::vector<std::string> labels;   // one under each bar
  std::vector<std::string> colours;  // one per bar
  std::string title;                 // read by screen readers (<title>)
  std::string axis;                  // value axis name, drawn vertically
  int width = 280, height = 160;
};

// The value axis: from lo to hi in steps of 1, 2 or 5 times a power of ten, about four
// intervals, always including 0.
struct ChartAxis {
  double lo = 0, hi = 1, step = 1;
};
ChartAxis chart_axis(const std::vector<float>& values);
std::string tick_label(double v, double step);  // "0.5", "−2" (a real minus sign), never "-0"

// A hidden neuron's mean activation by digit, coloured by what its explanation calls its
// strong and moderate classes (the report's and the page's "classes" chart).
BarChart neuron_class_chart(const LayerStats& layer, const NeuronFacts& facts);

}  // namespace lens
