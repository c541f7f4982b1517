// The report being written: README.md text plus the figures/ folder next to it.
// Figures are linked by relative paths so the folder can be copied anywhere.
// The first failed write is kept as the error; later writes are skipped.
#pragma once
#include <string>
#include <vector>

#include "core/result.h"
#include "interpret/colormap.h"

namespace lens {

struct Figure {
  std::string path;     // relative to the report folder, e.g. "figures/l1-n03-actmax.png"
  std::string alt;      // what the image shows, for readers who cannot see it
  std::string caption;  // shown under it (Markdown)
};

class ReportPage {
 public:
  // Creates out_dir and out_dir/figures.
  static Result<ReportPage> open(const std::string& out_dir);

  std::string md;  // the README so far

  // Write figures/<name> and return its relative path ("" after an error).
  std::string png(const std::string& name, const RgbImage& image);
  std::string svg(const std::string& name, const std::string& text);
  // A row of figures with captions underneath: a one-row Markdown table, the
  // portable way to put images side by side with a caption each.
  void figure_row(const std::vector<Figure>& figures);
  // A single wide figure with its caption in italics below.
  void figure(const Figure& f);

  int figure_count() const { return figures_; }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  Result<bool> save();  // writes README.md

 private:
  std::string dir_, error_;
  int figures_ = 0;
};

}  // namespace lens
