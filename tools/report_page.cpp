#include "report_page.h"

#include <filesystem>
#include <system_error>

#include "core/bytes.h"
#include "png.h"
#include "report_text.h"

namespace lens {

Result<ReportPage> ReportPage::open(const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(out_dir) / "figures", ec);
  if (ec) return Result<ReportPage>::fail(out_dir + ": cannot create the output folder (" + ec.message() + ")");
  ReportPage p;
  p.dir_ = out_dir;
  return Result<ReportPage>::ok(std::move(p));
}

std::string ReportPage::png(const std::string& name, const RgbImage& image) {
  if (!ok()) return "";
  const std::string rel = "figures/" + name;
  if (auto r = png_write(dir_ + "/" + rel, image); !r) {
    error_ = r.error;
    return "";
  }
  ++figures_;
  return rel;
}

std::string ReportPage::svg(const std::string& name, const std::string& text) {
  if (!ok()) return "";
  const std::string rel = "figures/" + name;
  if (auto r = file_write(dir_ + "/" + rel, Bytes(text.begin(), text.end())); !r) {
    error_ = r.error;
    return "";
  }
  ++figures_;
  return rel;
}

static std::string image_link(const Figure& f) { return "![" + md_escape(f.alt) + "](" + f.path + ")"; }

void ReportPage::figure_row(const std::vector<Figure>& figures) {
  std::vector<std::string> images, captions;
  for (const Figure& f : figures) {
    images.push_back(image_link(f));
    captions.push_back(f.caption);
  }
  md += md_table(images, {captions}, std::string(figures.size(), 'c')) + "\n";
}

void ReportPage::figure(const Figure& f) { md += image_link(f) + "\n\n*" + f.caption + "*\n\n"; }

Result<bool> ReportPage::save() {
  if (!ok()) return Result<bool>::fail(error_);
  return file_write(dir_ + "/README.md", Bytes(md.begin(), md.end()));
}

}  // namespace lens
