#include "report/report_page.h"

#include <filesystem>
#include <system_error>

#include "figures/png.h"
#include "figures/zip.h"
#include "report/report_text.h"

namespace lens {

std::string ReportPage::png(const std::string& name, const RgbImage& image) {
  files_.emplace_back("figures/" + name, png_encode(image));
  return files_.back().first;
}

std::string ReportPage::svg(const std::string& name, const std::string& text) {
  files_.emplace_back("figures/" + name, Bytes(text.begin(), text.end()));
  return files_.back().first;
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

Result<bool> report_folder_create(const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(out_dir) / "figures", ec);
  if (ec) return Result<bool>::fail(out_dir + ": cannot create the output folder (" + ec.message() + ")");
  return Result<bool>::ok(true);
}

Result<bool> report_save(const ReportPage& page, const std::string& out_dir) {
  for (const auto& [path, bytes] : page.files())
    if (auto r = file_write(out_dir + "/" + path, bytes); !r) return r;
  return file_write(out_dir + "/README.md", Bytes(page.md.begin(), page.md.end()));
}

Bytes report_zip(const ReportPage& page) {
  std::vector<ZipEntry> entries;
  entries.push_back({"README.md", Bytes(page.md.begin(), page.md.end())});
  for (const auto& [path, bytes] : page.files()) entries.push_back({path, bytes});
  return zip_stored(entries);
}

}  // namespace lens
