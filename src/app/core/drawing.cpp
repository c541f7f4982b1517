#include "app/core/drawing.h"

#include <cmath>

namespace lens {

// Whole canvas pixels (a tenth of an MNIST pixel) and half-pixel brushes: what a link can
// carry exactly (ink_code.h), so a copied link redraws the same pixels.
static float snap(float v) { return std::round(v); }
static float snap_radius(float r) { return std::round(r * 2.f) / 2.f; }

void drawing_begin(Drawing& d, float x, float y) {
  x = snap(x), y = snap(y);
  d.strokes.push_back(Stroke{snap_radius(d.brush_radius), {x, y}});
  d.stroke_open = true;
  canvas_draw_segment(d.canvas, x, y, x, y, d.strokes.back().radius);
  ++d.version;
}

void drawing_extend(Drawing& d, float x, float y) {
  if (!d.stroke_open || d.strokes.empty()) return drawing_begin(d, x, y);
  Stroke& s = d.strokes.back();
  const float px = s.xy[s.xy.size() - 2], py = s.xy.back();
  x = snap(x), y = snap(y);
  if (x == px && y == py) return;  // sub-pixel moves add nothing
  s.xy.push_back(x);
  s.xy.push_back(y);
  canvas_draw_segment(d.canvas, px, py, x, y, s.radius);
  ++d.version;
}

void drawing_end(Drawing& d) { d.stroke_open = false; }

static void drawing_replay(Drawing& d) {
  d.canvas.clear();
  for (const Stroke& s : d.strokes) canvas_draw_polyline(d.canvas, s.xy, s.radius);
  ++d.version;
}

void drawing_undo(Drawing& d) {
  if (d.strokes.empty()) return;
  d.strokes.pop_back();
  d.stroke_open = false;
  drawing_replay(d);
}

void drawing_clear(Drawing& d) {
  d.strokes.clear();
  d.stroke_open = false;
  drawing_replay(d);
}

void drawing_add_stroke(Drawing& d, const std::vector<float>& xy) {
  if (xy.size() < 2) return;
  Stroke s{snap_radius(d.brush_radius), {}};
  for (std::size_t i = 0; i + 1 < xy.size(); i += 2) s.xy.insert(s.xy.end(), {snap(xy[i]), snap(xy[i + 1])});
  canvas_draw_polyline(d.canvas, s.xy, s.radius);
  d.strokes.push_back(std::move(s));
  d.stroke_open = false;
  ++d.version;
}

void drawing_set_strokes(Drawing& d, std::vector<Stroke> strokes) {
  d.strokes = std::move(strokes);
  d.stroke_open = false;
  drawing_replay(d);
}

}  // namespace lens
