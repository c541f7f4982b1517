#include "report/report_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lens {

std::string svg_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string svg_open(int width, int height, const std::string& title) {
  char head[320];
  std::snprintf(head, sizeof head,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "role=\"img\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"10\">\n",
                width, height, width, height);
  return std::string(head) + "<title>" + svg_escape(title) +
         "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
}

std::string svg_close() { return "</svg>\n"; }

std::string svg_bar_chart(const BarChart& c) {
  const int left = 44, right = 8, top = 10, bottom = 22;
  const double pw = c.width - left - right, ph = c.height - top - bottom;
  const ChartAxis axis = chart_axis(c.values);
  const double lo = axis.lo, hi = axis.hi, step = axis.step;
  auto y_of = [&](double v) { return top + ph * (hi - v) / (hi - lo); };
  char buf[400];
  std::string s = svg_open(c.width, c.height, c.title);
  for (double t = lo; t <= hi + step / 2; t += step) {  // grid lines and tick labels
    const double y = y_of(t);
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>\n",
                  left, left + pw, y, y, std::abs(t) < step / 2 ? "#555" : "#e6e6e6", left - 4, y + 3.5,
                  tick_label(t, step).c_str());
    s += buf;
  }
  std::snprintf(buf, sizeof buf,
                "<text transform=\"translate(11 %.1f) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">%s</text>\n",
                top + ph / 2, svg_escape(c.axis).c_str());
  s += buf;
  const double slot = pw / double(std::max<std::size_t>(1, c.values.size())), bar = slot * 0.7;
  for (std::size_t i = 0; i < c.values.size(); ++i) {
    const double x = left + slot * double(i) + (slot - bar) / 2;
    const double y0 = y_of(0), y1 = y_of(c.values[i]);
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n",
                  x, std::min(y0, y1), bar, std::max(0.5, std::abs(y1 - y0)),
                  i < c.colours.size() ? c.colours[i].c_str() : kChartOther, x + bar / 2, top + ph + 15,
                  i < c.labels.size() ? svg_escape(c.labels[i]).c_str() : "");
    s += buf;
  }
  return s + svg_close();
}

}  // namespace lens
