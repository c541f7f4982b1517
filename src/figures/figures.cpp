#include "figures/figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/constants.h"
#include "figures/tiles.h"
#include "interpret/numbers.h"

namespace lens {

namespace {

// The page's two themes (app/ui.cpp), as figure colours.
struct Theme {
  Colour ground, text, dim, line, bar_bg, accent, positive, negative, dead;
};

const Theme& theme(bool dark) {
  static const Theme kLight{{255, 255, 255},      {20, 23, 28},       {95, 100, 110},    {205, 210, 218},
                            {226, 230, 236},      {37, 99, 235},      {224, 130, 20},    {84, 39, 136},
                            {211, 47, 47}};
  static const Theme kDark{{23, 26, 31},          {235, 237, 242},    {150, 156, 168},   {60, 65, 76},
                           {48, 52, 61},          {96, 165, 250},     {253, 174, 97},    {153, 142, 195},
                           {239, 83, 80}};
  return dark ? kDark : kLight;
}

Colour with_alpha(Colour c, int a) { return {c.r, c.g, c.b, std::uint8_t(std::clamp(a, 0, 255))}; }

// 28 x 28 values in [0, 1] as grey ink: the page shows light ink on its dark ground.
RgbImage ink(const Eigen::Ref<const Eigen::VectorXf>& pixels, bool dark) {
  const Eigen::VectorXf p = pixels;  // contiguous copy: a Ref may be strided
  RgbImage img = image_ink(p.data(), kSide, kSide, 1);
  if (dark)
    for (std::uint8_t& v : img.pixels) v = std::uint8_t(255 - v);
  return img;
}

// A one-unit frame around a rectangle.
void frame(Raster& c, float x, float y, float w, float h, Colour colour) {
  raster_rect(c, x - 1, y - 1, w + 2, 1, colour);
  raster_rect(c, x - 1, y + h, w + 2, 1, colour);
  raster_rect(c, x - 1, y, 1, h, colour);
  raster_rect(c, x + w, y, 1, h, colour);
}

std::string percent(double p) { return fmt("%.1f%%", 100.0 * p); }

}  // namespace

int figure_grid_columns(int units) { return units <= 10 ? std::max(1, units) : units <= 32 ? 8 : 16; }

RgbaImage figure_digit(const Eigen::Ref<const Eigen::VectorXf>& pixels, const FigureStyle& style) {
  Raster c = raster_make(kFigureDigitSide, kFigureDigitSide, style.scale, theme(style.dark).ground);
  raster_image(c, ink(pixels, style.dark), 0, 0, kFigureDigitSide, kFigureDigitSide);
  return c.image;
}

RgbaImage figure_weights(const Eigen::Ref<const Eigen::VectorXf>& weights, float limit, const FigureStyle& style) {
  const Eigen::VectorXf w = weights;
  return figure_weight_image(w.data(), kSide, kSide, limit, style);
}

// The longer side spans a digit figure's side; the cells stay square.
RgbaImage figure_weight_image(const float* values, int width, int height, float limit, const FigureStyle& style) {
  const int longer = std::max(width, height);
  const int w = kFigureDigitSide * width / longer, h = kFigureDigitSide * height / longer;
  Raster c = raster_make(w, h, style.scale, theme(style.dark).ground);
  raster_image(c, image_diverging(values, width, height, 1, limit), 0, 0, float(w), float(h));
  return c.image;
}

RgbaImage figure_grid(const Eigen::Ref<const Eigen::MatrixXf>& images, const std::vector<int>& dead, const Font& font,
                      const FigureStyle& style) {
  const Theme& t = theme(style.dark);
  const int U = int(images.cols()), cols = figure_grid_columns(U), rows = (U + cols - 1) / cols;
  const int cell_w = kFigureGridTile + kFigureGridGap, cell_h = kFigureGridTile + kFigureGridLabel + kFigureGridGap;
  Raster c = raster_make(2 * kFigureGridMargin + cols * cell_w - kFigureGridGap,
                         2 * kFigureGridMargin + rows * cell_h - kFigureGridGap, style.scale, t.ground);
  for (int u = 0; u < U; ++u) {
    const float x = float(kFigureGridMargin + (u % cols) * cell_w), y = float(kFigureGridMargin + (u / cols) * cell_h);
    const bool is_dead = std::count(dead.begin(), dead.end(), u) > 0;
    raster_image(c, ink(images.col(u), style.dark), x, y, kFigureGridTile, kFigureGridTile);
    frame(c, x, y, kFigureGridTile, kFigureGridTile, is_dead ? t.dead : t.line);
    raster_text(c, font, std::to_string(u) + (is_dead ? " dead" : ""), x + kFigureGridTile / 2.f,
                y + kFigureGridTile + 12.f, 10.5f, is_dead ? t.dead : t.dim, Align::Centre);
  }
  return c.image;
}

// --- prediction --------------------------------------------------------------------------

static void probability_column(Raster& c, const PredictionFigure& p, const Font& font, const Theme& t, float x) {
  raster_text(c, font, "Probability", x, 50, 12, t.dim);
  for (int k = 0; k < int(p.probs.size()); ++k) {
    const float y = 60.f + 22.f * float(k);
    const bool win = k == p.predicted && !p.blank;
    raster_text(c, font, std::to_string(k), x, y + 14, 13, win ? t.accent : t.text);
    raster_rect(c, x + 18, y + 3, 132, 14, t.bar_bg);
    raster_rect(c, x + 18, y + 3, 132.f * std::clamp(p.probs(k), 0.f, 1.f), 14, win ? t.accent : t.dim);
    raster_text(c, font, percent(p.probs(k)), x + 200, y + 14, 12, win ? t.accent : t.text, Align::Right);
  }
}

static void contribution_column(Raster& c, const PredictionFigure& p, const Font& font, const Theme& t, float x) {
  const Eigen::VectorXf& v = p.contributions;
  raster_text(c, font, "How the answer " + std::to_string(p.explained) + " was made", x, 50, 12, t.dim);
  std::vector<int> order(std::size_t(v.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return std::abs(v(a)) > std::abs(v(b)); });
  const float limit = std::max(1e-6f, v.cwiseAbs().maxCoeff()), half = 36, mid = x + 78;
  const int show = std::min(8, int(order.size()));
  for (int i = 0; i < show; ++i) {
    const int h = order[std::size_t(i)];
    const float y = 60.f + 24.f * float(i), len = half * std::clamp(v(h) / limit, -1.f, 1.f);
    raster_text(c, font, "#" + std::to_string(h), x, y + 15, 12, t.text);
    raster_rect(c, mid - half, y + 4, 2 * half, 14, t.bar_bg);
    raster_rect(c, len >= 0 ? mid : mid + len, y + 4, std::abs(len), 14, len >= 0 ? t.positive : t.negative);
    raster_rect(c, mid - 0.5f, y + 2, 1, 18, t.dim);
    raster_text(c, font, signed_number(v(h), 2), x + 164, y + 15, 12, t.text, Align::Right);
  }
  raster_text(c, font, "sum " + signed_number(v.sum(), 2) + " + bias " + signed_number(p.bias, 2), x, 60.f + 24.f * 8 + 14, 11, t.dim);
  raster_text(c, font, "= logit " + signed_number(v.sum() + p.bias, 2), x, 60.f + 24.f * 8 + 30, 11, t.dim);
}

RgbaImage figure_prediction(const PredictionFigure& p, const Font& font, const FigureStyle& style) {
  const Theme& t = theme(style.dark);
  Raster c = raster_make(kFigurePredictionWidth, kFigurePredictionHeight, style.scale, t.ground);
  const std::string head = p.blank ? "Nothing drawn yet" : "Prediction: " + std::to_string(p.predicted) + " (" +
                                                             percent(p.probs(std::max(0, p.predicted))) + ")";
  raster_text(c, font, head, 16, 26, 16, t.text);
  raster_text(c, font, "What the network sees", 16, 50, 12, t.dim);
  raster_image(c, ink(p.input, style.dark), 16, 62, 160, 160);
  frame(c, 16, 62, 160, 160, t.line);
  probability_column(c, p, font, t, 200);
  if (p.contributions.size() > 0 && p.explained >= 0) contribution_column(c, p, font, t, 420);
  return c.image;
}

// --- charts ------------------------------------------------------------------------------

RgbaImage figure_bar_chart(const BarChart& chart, const std::string& heading, const Font& font, const FigureStyle& style) {
  const Theme& t = theme(style.dark);
  Raster c = raster_make(kFigureChartWidth, kFigureChartHeight, style.scale, t.ground);
  const float left = 56, right = 12, top = 36, bottom = 26;
  const float pw = kFigureChartWidth - left - right, ph = kFigureChartHeight - top - bottom;
  raster_text(c, font, heading, 12, 20, 13, t.text);
  const ChartAxis a = chart_axis(chart.values);
  auto y_of = [&](double v) { return float(top + ph * (a.hi - v) / (a.hi - a.lo)); };
  for (double v = a.lo; v <= a.hi + a.step / 2; v += a.step) {
    const float y = y_of(v);
    raster_rect(c, left, y - 0.5f, pw, 1, std::abs(v) < a.step / 2 ? t.dim : t.line);
    raster_text(c, font, tick_label(v, a.step), left - 5, y + 4, 11, t.dim, Align::Right);
  }
  raster_text_up(c, font, chart.axis, 12, top + ph / 2, 11, t.dim);
  const float slot = pw / float(std::max<std::size_t>(1, chart.values.size())), bar = slot * 0.7f;
  for (std::size_t i = 0; i < chart.values.size(); ++i) {
    const float x = left + slot * float(i) + (slot - bar) / 2, y0 = y_of(0), y1 = y_of(chart.values[i]);
    raster_rect(c, x, std::min(y0, y1), bar, std::max(1.f, std::abs(y1 - y0)),
                colour_hex(i < chart.colours.size() ? chart.colours[i].c_str() : kChartOther));
    if (i < chart.labels.size()) raster_text(c, font, chart.labels[i], x + bar / 2, top + ph + 17, 12, t.text, Align::Centre);
  }
  return c.image;
}

RgbaImage figure_confusion(const Eigen::Ref<const Eigen::MatrixXi>& m, const Font& font, const FigureStyle& style) {
  const Theme& t = theme(style.dark);
  Raster c = raster_make(kFigureConfusionWidth, kFigureConfusionHeight, style.scale, t.ground);
  const int C = int(m.rows());
  const float cell = 34, left = 56, top = 64;
  raster_text(c, font, "Confusion matrix: " + with_commas(m.sum()) + " test digits", 12, 20, 13, t.text);
  raster_text(c, font, "answer \u2192", left + cell * float(C) / 2, 40, 11, t.dim, Align::Centre);
  raster_text_up(c, font, "true digit", 14, top + cell * float(C) / 2, 11, t.dim);
  int off_max = 1;
  for (int r = 0; r < C; ++r)
    for (int k = 0; k < C; ++k)
      if (r != k) off_max = std::max(off_max, m(r, k));
  for (int r = 0; r < C; ++r) {
    raster_text(c, font, std::to_string(r), left + cell * (float(r) + 0.5f), top - 8, 12, t.text, Align::Centre);
    raster_text(c, font, std::to_string(r), left - 8, top + cell * float(r) + cell / 2 + 4, 12, t.text, Align::Right);
    for (int k = 0; k < C; ++k) {
      const int n = m(r, k);
      const float x = left + cell * float(k), y = top + cell * float(r);
      // The page's colours: correct answers in the accent, mistakes in orange by how many.
      const Colour fill = n == 0 ? t.bar_bg : r == k ? with_alpha(t.accent, 90)
                                                     : with_alpha(t.positive, int(40 + 200 * std::min(1.f, float(n) / float(off_max))));
      raster_rect(c, x + 1, y + 1, cell - 2, cell - 2, fill);
      raster_text(c, font, std::to_string(n), x + cell / 2, y + cell / 2 + 4, n >= 1000 ? 10 : 11, t.text, Align::Centre);
    }
  }
  return c.image;
}

}  // namespace lens
