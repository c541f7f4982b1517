// The report being written: README.md text plus the figures it links, kept in memory,
// so lens-report writes them to a folder and the page puts them in a zip. Figures are
// linked by relative paths ("figures/...") so the folder can be copied anywhere.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/formats/bytes.h"
#include "core/result.h"
#include "figures/colormap.h"

namespace lens {

struct Figure {
  std::string path;     // relative to the report folder, e.g. "figures/l1-n03-actmax.png"
  std::string alt;      // what the image shows, for readers who cannot see it
  std::string caption;  // shown under it (Markdown)
};

class ReportPage {
 public:
  std::string md;  // the README so far

  // Keep figures/<name> and return its relative path.
  std::string png(const std::string& name, const RgbImage& image);
  std::string svg(const std::string& name, const std::string& text);
  // A row of figures with captions underneath: a one-row Markdown table, the
  // portable way to put images side by side with a caption each.
  void figure_row(const std::vector<Figure>& figures);
  // A single wide figure with its caption in italics below.
  void figure(const Figure& f);

  int figure_count() const { return int(files_.size()); }
  // The figures in the order written: (path relative to the report folder, bytes).
  const std::vector<std::pair<std::string, Bytes>>& files() const { return files_; }

 private:
  std::vector<std::pair<std::string, Bytes>> files_;
};

// Creates out_dir and out_dir/figures (before the work, so a bad folder fails at once).
Result<bool> report_folder_create(const std::string& out_dir);
// Writes README.md and every figure into out_dir; the first failed write is the error.
Result<bool> report_save(const ReportPage& page, const std::string& out_dir);
// README.md and figures/ as the entries of a zip archive (stored, deterministic).
Bytes report_zip(const ReportPage& page);

}  // namespace lens
