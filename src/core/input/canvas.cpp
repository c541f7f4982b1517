#include "core/input/canvas.h"

#include <algorithm>
#include <cmath>

namespace lens {

static float distance_to_segment(float px, float py, float x0, float y0, float x1, float y1) {
  const float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  float t = len2 > 0.f ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0.f;
  t = std::clamp(t, 0.f, 1.f);
  const float ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
  return std::sqrt(ex * ex + ey * ey);
}

void canvas_draw_segment(Canvas& c, float x0, float y0, float x1, float y1, float radius) {
  if (c.width <= 0 || c.height <= 0 || !(radius > 0.f)) return;
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) return;
  const float pad = radius + 1.f;
  const int xa = std::max(0, int(std::floor(std::min(x0, x1) - pad)));
  const int xb = std::min(c.width - 1, int(std::ceil(std::max(x0, x1) + pad)));
  const int ya = std::max(0, int(std::floor(std::min(y0, y1) - pad)));
  const int yb = std::min(c.height - 1, int(std::ceil(std::max(y0, y1) + pad)));
  for (int y = ya; y <= yb; ++y)
    for (int x = xa; x <= xb; ++x) {
      const float d = distance_to_segment(float(x) + 0.5f, float(y) + 0.5f, x0, y0, x1, y1);
      const float ink = std::clamp(radius + 0.5f - d, 0.f, 1.f);  // one-pixel soft edge
      c.at(x, y) = std::max(c.at(x, y), ink);
    }
}

void canvas_draw_polyline(Canvas& c, const std::vector<float>& xy, float radius) {
  if (xy.size() < 2) return;
  if (xy.size() < 4) { canvas_draw_segment(c, xy[0], xy[1], xy[0], xy[1], radius); return; }
  for (std::size_t i = 2; i + 1 < xy.size(); i += 2)
    canvas_draw_segment(c, xy[i - 2], xy[i - 1], xy[i], xy[i + 1], radius);
}

}  // namespace lens
