#include "app/core/stroke_take_back.h"

#include <utility>

namespace lens {

StrokeTakeBack stroke_snapshot(const AppState& s) {
  return {true, s.drawing, s.source, s.test_index, s.pending_test_index, s.live.x};
}

void stroke_take_back(AppState& s, StrokeTakeBack& t) {
  if (!t.held) return;
  const int version = s.drawing.version;
  const float brush = s.drawing.brush_radius;
  s.drawing = std::move(t.drawing);
  s.drawing.version = version + 1;  // the canvas texture and the prediction follow the version
  s.drawing.brush_radius = brush;
  s.drawing.stroke_open = false;
  s.source = t.source;
  s.test_index = t.test_index;
  s.pending_test_index = t.pending_test_index;
  s.live.x = std::move(t.input);
  s.live_dirty = true;
  t.held = false;
}

}  // namespace lens
