#include "app/core/export.h"

#include <algorithm>
#include <filesystem>

#include "app/core/api_args.h"
#include "figures/figures.h"
#include "figures/tiles.h"
#include "report/report.h"
#include "report/report_xor.h"
#include "interpret/units.h"

namespace lens {

static const char* const kNames[kFigureNames] = {"actmax", "weights", "grid", "prediction", "classes", "confusion", "view"};

const char* figure_name(FigureName f) { return kNames[int(f)]; }

static Result<FigureName> check_name(const std::string& name) {
  for (int i = 0; i < kFigureNames; ++i)
    if (name == kNames[i]) return Result<FigureName>::ok(FigureName(i));
  std::string known;
  for (const char* n : kNames) known += (known.empty() ? "" : ", ") + std::string(n);
  return Result<FigureName>::fail("unknown figure " + in_quotes(name) + " (known: " + known + ")");
}

template <class T> static Result<FigureRequest> refuse(const Result<T>& r) { return Result<FigureRequest>::fail(r.error); }

// Fills in the selected neuron and checks the one asked for.
static Result<FigureRequest> with_neuron(const AppState& s, FigureRequest r, bool hidden_only) {
  if (r.layer < 0 && r.neuron < 0) {
    if (s.sel_unit < 0) return Result<FigureRequest>::fail(std::string(figure_name(r.name)) + ": no neuron is selected; give layer and neuron");
    r.layer = s.sel_layer, r.neuron = s.sel_unit;
  }
  if (r.layer < 0) r.layer = 0;  // a neuron without a layer is in layer 0, as in links
  const auto n = hidden_only ? check_hidden_neuron(*s.model(), r.layer, r.neuron) : check_neuron(*s.model(), r.layer, r.neuron);
  if (!n) return refuse(n);
  return Result<FigureRequest>::ok(r);
}

Result<FigureRequest> check_figure(const AppState& s, const std::string& name, int layer, int neuron, int scale,
                                   const std::string& theme) {
  const auto f = check_name(name);
  if (!f) return refuse(f);
  FigureRequest r{*f, layer, neuron, scale, s.dark};
  const int most = r.name == FigureName::View ? kViewScaleMax : kFigureScaleMax;
  if (scale < 1 || scale > most)
    return Result<FigureRequest>::fail("scale must be an integer from 1 to " + std::to_string(most) + " for " + name + ", got " + std::to_string(scale));
  if (theme == "light" || theme == "dark") r.dark = theme == "dark";
  else if (!theme.empty()) return Result<FigureRequest>::fail("theme must be \"light\" or \"dark\", got " + in_quotes(theme));
  if (r.name == FigureName::View) return Result<FigureRequest>::ok(r);
  if (auto img = check_image_model(*s.model()); !img) return Result<FigureRequest>::fail(name + ": " + img.error);
  switch (r.name) {
    case FigureName::Actmax: return with_neuron(s, r, false);
    case FigureName::Classes: return with_neuron(s, r, true);
    case FigureName::Weights: {
      auto checked = with_neuron(s, r, true);
      if (checked && checked->layer != 0 && !s.model()->bundle.net.layers[std::size_t(checked->layer)].is_conv())
        return Result<FigureRequest>::fail("weights: only the first hidden layer's weights (layer 0) are 28x28 images, and a "
                                           "convolutional layer's filters; layer " + std::to_string(checked->layer) +
                                           " takes the previous layer's activations");
      return checked;
    }
    case FigureName::Grid: {
      if (r.layer < 0) r.layer = std::max(0, s.sel_layer);
      if (r.layer > s.hidden_layers())
        return Result<FigureRequest>::fail("grid: layer " + std::to_string(r.layer) + " does not exist (this model has layers 0 to " +
                                           std::to_string(s.hidden_layers()) + ", the last is the output layer)");
      return Result<FigureRequest>::ok(r);
    }
    default: return Result<FigureRequest>::ok(r);
  }
}

bool figure_ready(AppState& s, const FigureRequest& r) {
  const ModelAnalysis* a = s.analysis();
  switch (r.name) {
    case FigureName::Grid: return a && a->actmax_done.size() > std::size_t(r.layer) && a->actmax_done[std::size_t(r.layer)];
    case FigureName::Classes: return a && a->neuron(r.layer, r.neuron) != nullptr;
    case FigureName::Confusion: return a && a->has_stats;
    default: return true;
  }
}

static PredictionFigure prediction_of(AppState& s) {
  app_refresh_live(s);
  const LiveInput& L = s.live;
  PredictionFigure p;
  p.input = L.x;
  p.probs = L.probs;
  p.predicted = L.predicted;
  p.blank = L.blank;
  if (L.contributions.rows() > 0) {
    p.explained = s.explain_class >= 0 ? s.explain_class : L.predicted;
    p.contributions = L.contributions.row(p.explained).transpose();
    p.bias = s.model()->bundle.net.layers.back().b(p.explained);
  }
  return p;
}

Result<Bytes> figure_png(AppState& s, const FigureRequest& r, const Font& font) {
  if (r.name == FigureName::View) return Result<Bytes>::fail("view: the page reads it back from WebGL");
  if (!figure_ready(s, r)) return Result<Bytes>::fail(std::string(figure_name(r.name)) + ": the analysis has not got that far yet");
  const ModelAnalysis& a = *s.analysis();
  const Mlp& net = s.model()->bundle.net;
  const FigureStyle style{r.scale, r.dark};
  RgbaImage img;
  switch (r.name) {
    case FigureName::Actmax: img = figure_digit(analysis_actmax_single(a, r.layer, r.neuron), style); break;
    case FigureName::Weights: {
      const Layer& d = net.layers[std::size_t(r.layer)];
      if (d.is_conv()) {
        const FilterTiles f = filter_tiles(d, r.neuron);
        img = figure_weight_image(f.values.data(), f.width, f.height, d.W.row(r.neuron).cwiseAbs().maxCoeff(), style);
      } else {
        img = figure_weights(d.W.row(r.neuron).transpose(), weight_limits(d.W)(r.neuron), style);
      }
      break;
    }
    case FigureName::Grid: {
      const bool hidden = r.layer < s.hidden_layers() && a.has_stats;
      img = figure_grid(a.actmax[std::size_t(r.layer)], hidden ? a.stats.layers[std::size_t(r.layer)].dead : std::vector<int>{}, font, style);
      break;
    }
    case FigureName::Prediction: img = figure_prediction(prediction_of(s), font, style); break;
    case FigureName::Classes: {
      const BarChart chart = neuron_class_chart(a.stats.layers[std::size_t(r.layer)], *a.neuron(r.layer, r.neuron));
      img = figure_bar_chart(chart, "Hidden layer " + std::to_string(r.layer) + ", neuron " + std::to_string(r.neuron) +
                                        ": mean activation by digit", font, style);
      break;
    }
    case FigureName::Confusion: img = figure_confusion(a.stats.confusion, font, style); break;
    case FigureName::View: break;
  }
  Bytes png = png_encode(img);
  if (png.empty()) return Result<Bytes>::fail(std::string(figure_name(r.name)) + ": the PNG could not be encoded");
  return Result<Bytes>::ok(std::move(png));
}

std::string figure_filename(const AppState& s, const FigureRequest& r) {
  std::string name = s.model() ? s.model()->bundle.info.id : "mnist-lens";
  const bool neuron = r.name == FigureName::Actmax || r.name == FigureName::Weights || r.name == FigureName::Classes;
  if (neuron || r.name == FigureName::Grid) name += "-l" + std::to_string(r.layer);
  if (neuron) name += "-n" + std::to_string(r.neuron);
  return name + "-" + figure_name(r.name) + "-" + (r.dark ? "dark" : "light") + "-" + std::to_string(r.scale) + "x.png";
}

std::string report_model_file(const LoadedModel& m) {
  const std::filesystem::path p(m.path);
  if (p.extension() == ".lens") return p.filename().string();
  return m.bundle.info.id + ".lens";  // dropped or trained in the page: no file name of its own
}

bool report_ready(AppState& s) {
  if (!s.model()) return false;
  if (report_is_plane_model(s.model()->bundle)) return true;
  const ModelAnalysis* a = s.analysis();
  if (!(a && a->done() && a->has_stats)) return false;
  if (!app_need_test_set(s)) return false;  // its figures show the strongest test digits: fetched now
  // The report has the digit-prior images, as lens-report's beside the shipped models: it waits
  // for the prior (asking the page to fetch it); without one (it could not be loaded) it is made
  // without them.
  return app_prior_want(s) || !s.prior.error.empty();
}

Result<ReportPage> app_report(AppState& s) {
  if (!s.model()) return Result<ReportPage>::fail("no model is loaded");
  const LoadedModel& m = *s.model();
  ReportPage page;
  if (report_is_plane_model(m.bundle)) {
    report_xor(page, m.bundle, report_model_file(m));
    return Result<ReportPage>::ok(std::move(page));
  }
  if (!report_is_mnist_model(m.bundle))
    return Result<ReportPage>::fail("the report is for MNIST models (784 inputs, 10 outputs, a hidden layer) and models of the plane like XOR");
  if (!report_ready(s))
    return Result<ReportPage>::fail(!(s.analysis() && s.analysis()->done()) ? "the model's analysis has not finished yet"
                                    : !s.test.size() ? (s.test_error.empty() ? "the test digits are still loading"
                                                                              : "the test digits could not be loaded (" + s.test_error + ")")
                                                     : "the digit prior is still loading");
  ReportContext context{m.bundle, s.test, *s.analysis(), report_model_file(m)};
  // With the digit prior loaded (lens.report() loads it first), its images too, as lens-report
  // includes them when the prior sits next to the model.
  std::vector<Eigen::MatrixXf> prior;
  if (PriorGallery* g = app_prior_gallery(s, 0)) {
    for (int l = 0; l < g->layers(); ++l) g->want(l);
    while (!g->step(64)) {}
    for (int l = 0; l < g->layers(); ++l) prior.push_back(g->images(l));
    context.prior = &prior;
  }
  report_mnist(page, context);
  return Result<ReportPage>::ok(std::move(page));
}

}  // namespace lens
