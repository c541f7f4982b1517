// Export: the page's figures as PNG bytes (lens.figure, the Export menus) and the
// lens-report report for the current model (lens.report, "Download report (.zip)").
// The figures are drawn by figures/figures.h and the report by report/report.h, the
// code lens-report uses. "view" (the whole page) is read back from WebGL by the shell;
// here it is only named and checked.
#pragma once
#include <string>

#include "app/core/app_state.h"
#include "core/formats/bytes.h"
#include "core/result.h"
#include "figures/font.h"
#include "report/report_page.h"

namespace lens {

enum class FigureName { Actmax, Weights, Grid, Prediction, Classes, Confusion, View };
constexpr int kFigureNames = 7;
const char* figure_name(FigureName f);  // "actmax", "weights", ... (the JS API's names)

constexpr int kViewScaleMax = 4;  // the page re-rendered at 4x: a 1280x800 view gives 5120x3200

struct FigureRequest {
  FigureName name = FigureName::Actmax;
  int layer = -1, neuron = -1;  // -1: the selected neuron (actmax, weights, classes) or its layer (grid)
  int scale = 1;
  bool dark = false;
};

// Checks a request from JS or a menu against the current model; fills in the selected
// neuron or layer where none was given. theme is "light" or "dark"; "" keeps the page's.
Result<FigureRequest> check_figure(const AppState& s, const std::string& name, int layer, int neuron, int scale,
                                   const std::string& theme);
// False while the analysis has not yet produced what the figure shows (grid: that
// layer's images; classes, confusion: the statistics and facts).
bool figure_ready(AppState& s, const FigureRequest& r);
// The PNG of a checked, ready request (not "view").
Result<Bytes> figure_png(AppState& s, const FigureRequest& r, const Font& font);
// "mlp32-l0-n3-actmax-light-4x.png": says what, whose and how.
std::string figure_filename(const AppState& s, const FigureRequest& r);

// The report for the current model, once its analysis is done (MNIST models) or at once
// (models of the plane); the same Markdown and figures lens-report writes for its file.
bool report_ready(AppState& s);
Result<ReportPage> app_report(AppState& s);
// The bundle file the report says it was generated from ("mlp32.lens").
std::string report_model_file(const LoadedModel& m);

}  // namespace lens
