// The shell's side of export: the font figures are drawn with, figures as PNG for the
// menu and the JS API (panel_export.cpp), and the whole view read back from WebGL
// (capture.cpp).
#pragma once
#include <imgui.h>

#include "app/core/export.h"
#include "app/renderer.h"

namespace lens {

const Font* figure_font();  // the page's DejaVu Sans, or null when it is missing
Result<Bytes> export_figure_png(AppState& s, const FigureRequest& r);
// Asks for the whole view at this scale and theme in the next frame drawn; download: save
// it as a file (the menu), else keep it in s.exports.view_png (lens.figure('view')).
void export_request_view(AppState& s, int scale, bool dark, bool download);
// Draws ImGui's frame again into an offscreen framebuffer s.exports.view_scale times the
// canvas's CSS size, reads it back and keeps it as PNG (or the error) in s.exports.
void capture_view(AppState& s, const Renderer& r, ImDrawData* data);

}  // namespace lens
