#include "app/core/drawing.h"

namespace lens {

void drawing_begin(Drawing& d, float x, float y) {
  d.strokes.push_back(Stroke{d.brush_radius, {x, y}});
  d.stroke_open = true;
  canvas_draw_segment(d.canvas, x, y, x, y, d.brush_radius);
  ++d.version;
}

void drawing_extend(Drawing& d, float x, float y) {
  if (!d.stroke_open || d.strokes.empty()) return drawing_begin(d, x, y);
  Stroke& s = d.strokes.back();
  const float px = s.xy[s.xy.size() - 2], py = s.xy.back();
  if ((x - px) * (x - px) + (y - py) * (y - py) < 0.25f) return;  // sub-pixel moves add nothing
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
  d.strokes.push_back(Stroke{d.brush_radius, xy});
  d.stroke_open = false;
  canvas_draw_polyline(d.canvas, xy, d.brush_radius);
  ++d.version;
}

}  // namespace lens
