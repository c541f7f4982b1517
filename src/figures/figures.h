// The page's figures as PNG-ready rasters: a neuron's maximization image and weight
// image, a layer's grid of maximization images, the prediction with its contributions,
// a neuron's mean activation by digit, the confusion matrix. Each is laid out in units
// (CSS pixels at 100% text) at a fixed size and drawn at `scale` device pixels a unit:
// a figure at scale s is exactly s times its base size (kFigure* below, docs/embedding.md).
// Shape letters: I = input pixels (784), U = units of a layer, C = classes.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "figures/chart.h"
#include "figures/font.h"
#include "figures/raster.h"

namespace lens {

constexpr int kFigureScaleMax = 8;  // 8 x 600 = 4800 px: print size with room to spare

struct FigureStyle {
  int scale = 1;      // 1 to kFigureScaleMax
  bool dark = false;  // the page's dark theme: light ink on a dark ground
};

// Base sizes (units).
constexpr int kFigureDigitSide = 224;                      // 28 x 28 pixels, 8 units each
constexpr int kFigureGridTile = 56, kFigureGridLabel = 16, kFigureGridGap = 8, kFigureGridMargin = 12;
constexpr int kFigurePredictionWidth = 600, kFigurePredictionHeight = 300;
constexpr int kFigureChartWidth = 400, kFigureChartHeight = 220;
constexpr int kFigureConfusionWidth = 412, kFigureConfusionHeight = 420;

// Columns of a layer's grid: all in one row up to 10 units (the output classes), then 8 per
// row, 16 from 33 units (the report's grids too).
int figure_grid_columns(int units);

// The maximization image (I) as ink: dark on white, or light on the dark theme's ground.
RgbaImage figure_digit(const Eigen::Ref<const Eigen::VectorXf>& pixels, const FigureStyle& style);
// Incoming weights (I) on the diverging scale, full colour at +-limit (figures/tiles.h
// weight_limits, as in the report).
RgbaImage figure_weights(const Eigen::Ref<const Eigen::VectorXf>& weights, float limit, const FigureStyle& style);
// Any weights laid out as a width x height picture (a convolution's filter: units.h's filter_tiles).
RgbaImage figure_weight_image(const float* values, int width, int height, float limit, const FigureStyle& style);
// Every unit's maximization image (I, U), numbered, dead units marked.
RgbaImage figure_grid(const Eigen::Ref<const Eigen::MatrixXf>& images, const std::vector<int>& dead, const Font& font,
                      const FigureStyle& style);

struct PredictionFigure {
  Eigen::VectorXf input;          // (I)
  Eigen::VectorXf probs;          // (C)
  int predicted = -1;
  bool blank = false;             // nothing drawn yet
  int explained = -1;             // the class the contributions explain
  Eigen::VectorXf contributions;  // (H) of the last hidden layer to that class; empty: none
  float bias = 0;                 // that class's output bias
};
RgbaImage figure_prediction(const PredictionFigure& p, const Font& font, const FigureStyle& style);

// A bar chart (figures/chart.h) with a heading above it.
RgbaImage figure_bar_chart(const BarChart& chart, const std::string& heading, const Font& font, const FigureStyle& style);
// Rows: true digit, columns: answer (C, C).
RgbaImage figure_confusion(const Eigen::Ref<const Eigen::MatrixXi>& confusion, const Font& font, const FigureStyle& style);

}  // namespace lens
