// The report lens-report writes and the page's "Download report" zips: the same
// Markdown and figures from the same analysis (report/report_page.h keeps them in memory).
#pragma once
#include <string>

#include "core/formats/bundle.h"
#include "report/report_page.h"
#include "report/report_sections.h"

namespace lens {

// Models of the plane (XOR and its kin): 2 inputs, 1 sigmoid output, any depth.
bool report_is_plane_model(const Bundle& b);
// MNIST models: 784 inputs, 10 softmax outputs, at least one hidden layer (bundle_shown_as).
bool report_is_mnist_model(const Bundle& b);
// An MNIST model's report from its finished analysis (c.analysis.done()).
void report_mnist(ReportPage& page, const ReportContext& c);

}  // namespace lens
