// The sections of an MNIST model's report, in reading order. Each appends
// Markdown to the page and writes the figures it links.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/formats/bundle.h"
#include "core/formats/mnist.h"
#include "interpret/model_analysis.h"
#include "report/report_page.h"

namespace lens {

struct ReportContext {
  const Bundle& bundle;
  const DataSet& test;
  const ModelAnalysis& analysis;
  std::string model_file;  // as given on the command line, for the "generated from" line
  // Per layer (hidden..., output): the digit-prior maximization images (interpret/prior_gallery.h);
  // null when no digit prior was given (the report then shows the raw images only).
  const std::vector<Eigen::MatrixXf>* prior = nullptr;
};

// The network as a whole.
void section_title(ReportPage& page, const ReportContext& c);    // report_overview.cpp
void section_model(ReportPage& page, const ReportContext& c);    // report_overview.cpp: facts, recipe, accuracy
void section_summary(ReportPage& page, const ReportContext& c);  // report_summary.cpp: explanation, importance
void section_outputs(ReportPage& page, const ReportContext& c);  // report_outputs.cpp: an image per class

// report_neurons.cpp: neuron by neuron.
void section_reading_guide(ReportPage& page, const ReportContext& c);
void section_layer(ReportPage& page, const ReportContext& c, int layer);

// Shared by the MNIST and XOR reports.
std::string layers_text(const Mlp& net);  // "784 inputs → 6 ReLU → 10 logits → softmax"
// A dense hidden layer by its width, "32 ReLU"; a convolutional one as layer_description says it,
// "conv 8 of 5x5, relu → 8x24x24, max pool 2x2 stride 2 → 8x12x12".
std::string hidden_layer_text(const Layer& d);
std::string recipe_table(const nlohmann::json& training);
std::string neuron_link(int layer, int unit, bool channel = false);  // [3](#hidden-layer-0-neuron-3)
// What the report calls the units: "neuron", "channel" or "unit" (prose.h's network_unit_noun).
std::string report_unit(const ReportContext& c);
// The reading guide's heading, "How to read the neuron sections", and its anchor.
std::string reading_guide_title(const ReportContext& c);
std::string reading_guide_anchor(const ReportContext& c);

}  // namespace lens
