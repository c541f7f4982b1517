#include "report/report.h"

#include "core/constants.h"

namespace lens {

bool report_is_plane_model(const Bundle& b) {
  return b.net.inputs() == 2 && b.net.outputs() == 1 && b.net.head == Head::Sigmoid;
}

bool report_is_mnist_model(const Bundle& b) {
  return b.net.inputs() == kPixels && b.net.outputs() == kClasses && b.net.layers.size() >= 2;
}

void report_mnist(ReportPage& page, const ReportContext& c) {
  section_title(page, c);
  section_model(page, c);
  section_summary(page, c);
  section_outputs(page, c);
  section_reading_guide(page, c);
  for (int l = 0; l < c.analysis.hidden_layers(); ++l) section_layer(page, c, l);
}

}  // namespace lens
