#include "app/core/keyboard_pen.h"

#include <algorithm>

namespace lens {

bool pen_move(KeyboardPen& p, Drawing& d, int dx, int dy, bool fine) {
  const float step = fine ? kPenStep / 4.f : kPenStep;
  p.shown = true;
  p.x = std::clamp(p.x + float(dx) * step, 0.f, float(kCanvasSide));
  p.y = std::clamp(p.y + float(dy) * step, 0.f, float(kCanvasSide));
  if (!p.down || !d.stroke_open) return false;
  const int before = d.version;
  drawing_extend(d, p.x, p.y);
  return d.version != before;
}

void pen_toggle(KeyboardPen& p, Drawing& d) {
  p.shown = true;
  if (p.down) {
    if (d.stroke_open) drawing_end(d);
    p.down = false;
    return;
  }
  drawing_begin(d, p.x, p.y);
  p.down = true;
}

void pen_put_away(KeyboardPen& p, Drawing& d) {
  if (p.down && d.stroke_open) drawing_end(d);
  p.down = false;
  p.shown = false;
}

}  // namespace lens
