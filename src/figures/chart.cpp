#include "figures/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "interpret/prose.h"

namespace lens {

// A tick step of 1, 2 or 5 times a power of ten giving about four intervals.
static double nice_step(double range) {
  const double raw = range / 4, p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

ChartAxis chart_axis(const std::vector<float>& values) {
  ChartAxis a{0, 0, 1};
  for (float v : values) a.lo = std::min(a.lo, double(v)), a.hi = std::max(a.hi, double(v));
  if (a.hi - a.lo < 1e-9) a.hi = a.lo + 1;
  a.step = nice_step(a.hi - a.lo);
  a.lo = std::floor(a.lo / a.step + 1e-9) * a.step;
  a.hi = std::ceil(a.hi / a.step - 1e-9) * a.step;
  return a;
}

std::string tick_label(double v, double step) {
  char buf[32];
  const int decimals = step >= 1 ? 0 : int(std::ceil(-std::log10(step) - 1e-9));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos)
    s = "0";  // no "-0"
  else if (s[0] == '-')
    s = "\u2212" + s.substr(1);
  return s;
}

BarChart neuron_class_chart(const LayerStats& L, const NeuronFacts& e) {
  BarChart chart;
  for (int k = 0; k < int(L.class_mean.cols()); ++k) {
    chart.values.push_back(L.class_mean(e.unit, k));
    chart.labels.push_back(std::to_string(k));
    const bool strong = std::count(e.strong.begin(), e.strong.end(), k) > 0;
    const bool moderate = std::count(e.moderate.begin(), e.moderate.end(), k) > 0;
    chart.colours.push_back(strong ? kChartStrong : moderate ? kChartModerate : kChartOther);
  }
  chart.title = "Mean activation of hidden layer " + std::to_string(e.layer) + ", neuron " + std::to_string(e.unit) +
                " for digits 0 to 9; highest for " + join_classes(e.strong);
  chart.axis = "mean activation";
  return chart;
}

}  // namespace lens
