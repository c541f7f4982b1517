// Drawing without a pointer (WCAG 2.1.1 and 2.5.1): on the Explore tab the arrow keys move a pen
// over the canvas and Space puts it down or lifts it; while it is down every move inks the way,
// with the brush a pointer stroke has. Esc lifts it and hides it.
#pragma once
#include "app/core/drawing.h"

namespace lens {

// One MNIST pixel a key press (Shift: a quarter of one, for fine work).
constexpr float kPenStep = kCanvasSide / 28.f;

struct KeyboardPen {
  bool shown = false;  // drawn on the canvas from the first arrow key or Space on
  bool down = false;   // ink goes down as it moves
  float x = kCanvasSide / 2.f, y = kCanvasSide / 2.f;  // canvas pixels
};

// Moves the pen (dx, dy) steps, kept on the canvas; inks the way while down. Returns whether
// the drawing changed.
bool pen_move(KeyboardPen& p, Drawing& d, int dx, int dy, bool fine);
// Puts the pen down where it is (a new stroke, a dot so far) or lifts it (the stroke ends).
void pen_toggle(KeyboardPen& p, Drawing& d);
// Lifts the pen (ending its stroke) and hides it: Esc, a pointer stroke, another tab.
void pen_put_away(KeyboardPen& p, Drawing& d);

}  // namespace lens
