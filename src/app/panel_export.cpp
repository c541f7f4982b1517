// The Export menu (top bar): the current tab's figures as PNG, light or dark, at 1x to
// 8x the on-screen size, the whole view, and on the Network tab the lens-report report
// as a zip. Right-click is taken by the canvas, so this menu is the way out of the page.
#include <imgui.h>

#include <string>
#include <vector>

#include "app/export_shell.h"
#include "app/js_api.h"
#include "app/panels.h"
#include "app/ui.h"
#include "figures/figures.h"

namespace lens {

const Font* figure_font() {
  static const Result<Font> font = Font::load("/fonts/DejaVuSans.ttf");  // the page's font (main.cpp)
  return font ? &*font : nullptr;
}

Result<Bytes> export_figure_png(AppState& s, const FigureRequest& r) {
  const Font* font = figure_font();
  if (!font) return Result<Bytes>::fail("the font for figures (/fonts/DejaVuSans.ttf) is missing");
  return figure_png(s, r, *font);
}

void export_request_view(AppState& s, int scale, bool dark, bool download) {
  s.exports.view_scale = scale;
  s.exports.view_dark = dark;
  s.exports.view_download = download;
  s.exports.view_done = false;
  s.exports.view_png.clear();
  s.exports.view_error.clear();
}

// Downloads a figure now, or (view) asks the shell for a capture in the next frame.
static void export_download(AppState& s, FigureName name, int layer, int neuron) {
  const int scale = name == FigureName::View ? std::min(s.exports.scale, kViewScaleMax) : s.exports.scale;
  const auto r = check_figure(s, figure_name(name), layer, neuron, scale, s.exports.dark ? "dark" : "light");
  if (!r) return notice_error(s.notice, "Export: " + r.error);
  if (name == FigureName::View) return export_request_view(s, r->scale, r->dark, true);
  const auto png = export_figure_png(s, *r);
  if (!png) return notice_error(s.notice, "Export: " + png.error);
  const std::string file = figure_filename(s, *r);
  js_download(file, *png);
  notice_success(s.notice, "Saved " + file + " (in your downloads).");
}

static void export_report(AppState& s) {
  const auto page = app_report(s);
  if (!page) return notice_error(s.notice, "Report: " + page.error);
  const std::string file = s.model()->bundle.info.id + "-report.zip";
  js_download(file, report_zip(*page));
  notice_success(s.notice, "Saved " + file + " (in your downloads).");
}

struct ExportItem {
  std::string label;
  FigureName name;
  int layer = -1, neuron = -1;
};

// What the current tab shows that can leave the page.
static std::vector<ExportItem> export_items(AppState& s) {
  std::vector<ExportItem> items;
  if (s.is_image_model()) {
    const int H = s.hidden_layers();
    const bool neuron = s.sel_unit >= 0 && s.sel_layer < H;
    switch (s.tab) {
      case Tab::Explore:
        items.push_back({"Prediction and contributions", FigureName::Prediction});
        for (int l = 0; l < H; ++l) items.push_back({"Hidden layer " + std::to_string(l) + ": maximization images", FigureName::Grid, l});
        break;
      case Tab::Neuron:
        if (!neuron) break;
        items.push_back({"Maximization image", FigureName::Actmax, s.sel_layer, s.sel_unit});
        if (s.sel_layer == 0) items.push_back({"Incoming weights", FigureName::Weights, 0, s.sel_unit});
        items.push_back({"Mean activation by digit", FigureName::Classes, s.sel_layer, s.sel_unit});
        break;
      case Tab::Outputs: items.push_back({"Output classes: maximization images", FigureName::Grid, H}); break;
      case Tab::Network:
        items.push_back({"Confusion matrix", FigureName::Confusion});
        for (int l = 0; l <= H; ++l)
          items.push_back({(l < H ? "Hidden layer " + std::to_string(l) : std::string("Output layer")) + ": maximization images", FigureName::Grid, l});
        break;
      case Tab::Train: break;
    }
  }
  items.push_back({"The whole view", FigureName::View});
  return items;
}

void panel_export_menu(AppState& s) {
  if (ui::small_button("Export", "Download figures as PNG (light or dark, up to 8x for print), the whole view, or the report")) {
    ImGui::OpenPopup("##export");
  }
  ui::track("Export");
  if (!ImGui::BeginPopup("##export")) return;
  ImGui::TextDisabled("PNG, for slides, posts and print");
  if (ImGui::RadioButton("Light", !s.exports.dark)) s.exports.dark = false;
  ui::track("export:Light");
  ui::declare(A11yRole::Button, "Light figures", s.exports.dark ? 0 : 1);
  ImGui::SameLine();
  if (ImGui::RadioButton("Dark", s.exports.dark)) s.exports.dark = true;
  ui::track("export:Dark");
  ui::declare(A11yRole::Button, "Dark figures", s.exports.dark ? 1 : 0);
  static const int kScales[] = {1, 2, 4, 8};
  for (int k : kScales) {
    ImGui::SameLine();
    const std::string label = std::to_string(k) + "x";
    if (ImGui::RadioButton(label.c_str(), s.exports.scale == k)) s.exports.scale = k;
    ui::track(("export:" + label).c_str());
    ui::declare(A11yRole::Button, "Scale " + label, s.exports.scale == k ? 1 : 0);
  }
  ImGui::Separator();
  for (const ExportItem& item : export_items(s)) {
    if (ImGui::MenuItem(item.label.c_str())) export_download(s, item.name, item.layer, item.neuron);
    ui::track(("export:" + item.label).c_str());
    ui::declare(A11yRole::Button, "Download " + item.label);
    if (item.name == FigureName::View && ImGui::IsItemHovered())
      ImGui::SetTooltip("The page as it is now, redrawn at up to 4x");
  }
  if (s.tab == Tab::Network || !s.is_image_model()) {
    ImGui::Separator();
    const bool ready = report_ready(s);
    if (ImGui::MenuItem("Download report (.zip)", nullptr, false, ready)) export_report(s);
    ui::track("export:Download report (.zip)");
    ui::declare(A11yRole::Button, "Download report (.zip)");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip(ready ? "The Markdown report lens-report writes for this model, with its figures"
                              : "Available when the analysis has finished");
  }
  ImGui::EndPopup();
}

}  // namespace lens
