#include "report/report.h"

#include "core/constants.h"

namespace lens {

bool report_is_plane_model(const Bundle& b) {
  const auto shown = bundle_shown_as(b);
  return shown && *shown == BundleShown::Plane;
}

bool report_is_mnist_model(const Bundle& b) {  // the page's rule too (bundle_shown_as)
  const auto shown = bundle_shown_as(b);
  return shown && *shown == BundleShown::Image;
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
