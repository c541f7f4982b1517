// The visitor's drawing: strokes on a fixed-resolution canvas, with undo.
// Pointer positions arrive in canvas pixels; the display size does not matter. Points are
// kept to whole canvas pixels, the brush to half pixels (what a link carries).
#pragma once
#include <vector>

#include "core/input/canvas.h"

namespace lens {

struct Stroke {
  float radius = kDefaultBrushRadius;
  std::vector<float> xy;  // x0, y0, x1, y1, ... in canvas pixels
};

struct Drawing {
  Canvas canvas{kCanvasSide, kCanvasSide};
  std::vector<Stroke> strokes;
  float brush_radius = kDefaultBrushRadius;
  bool stroke_open = false;
  int version = 0;  // bumps on every change (texture and prediction refresh)
};

void drawing_begin(Drawing& d, float x, float y);
void drawing_extend(Drawing& d, float x, float y);  // draws the new segment only
void drawing_end(Drawing& d);
void drawing_undo(Drawing& d);
void drawing_clear(Drawing& d);
// A whole stroke at once (the JS drawStroke API): the same brush as a pointer stroke.
void drawing_add_stroke(Drawing& d, const std::vector<float>& xy);
// Replaces the drawing (a link's strokes, already snapped to whole pixels).
void drawing_set_strokes(Drawing& d, std::vector<Stroke> strokes);

}  // namespace lens
