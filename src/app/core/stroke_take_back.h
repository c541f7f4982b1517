// A stroke taken back as if it never began: a second finger turns a stroke into a pinch, and
// the few pixels the first finger drew before the second one landed must not stay. Unlike
// undo, this restores exactly what was there: a test digit the stroke replaced, the pixels
// (not a replay of the strokes) and so the same input and prediction.
#pragma once
#include <Eigen/Core>

#include "app/core/app_state.h"

namespace lens {

struct StrokeTakeBack {
  bool held = false;  // taken, and not yet used or let go (the finger lifted)
  Drawing drawing;
  InputSource source = InputSource::Drawing;
  int test_index = -1, pending_test_index = -1;
  Eigen::VectorXf input;
};

// Just before a finger goes down on the input surface (the canvas, or the XOR plane, whose
// input a press sets): what to return to.
StrokeTakeBack stroke_snapshot(const AppState& s);
// Puts the input back as the snapshot has it (nothing when no stroke began).
void stroke_take_back(AppState& s, StrokeTakeBack& t);

}  // namespace lens
