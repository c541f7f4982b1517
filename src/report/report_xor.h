// The report for a network on the XOR toy task (2 inputs, 1 sigmoid output):
// no images to show, so weights are tables, the four corners are traced
// exactly, and the answer over the plane is drawn as a decision-region SVG.
#pragma once
#include <string>

#include "core/formats/bundle.h"
#include "report/report_page.h"

namespace lens {

void report_xor(ReportPage& page, const Bundle& bundle, const std::string& model_file);

}  // namespace lens
