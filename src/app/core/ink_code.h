// The drawing on the canvas as a short text for links ("ink=" in the URL hash): every
// stroke's brush and points, so a copied link redraws the very same pixels (and undo still
// takes back one stroke at a time). Points are whole canvas pixels (a tenth of an MNIST
// pixel; drawing.cpp snaps them as they arrive), stored as zigzag varints of the step from
// the previous point, in base64url: about 3 characters a point.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "app/core/drawing.h"
#include "core/result.h"

namespace lens {

// Bounds a decoded drawing may not exceed (a person draws a digit in a few strokes).
constexpr int kInkMaxStrokes = 64;
constexpr int kInkMaxPoints = 8192;  // in all strokes together
constexpr int kInkCoordinateLimit = 4 * kCanvasSide;  // |x|, |y| at most this (points may leave the canvas)

std::string ink_encode(const std::vector<Stroke>& strokes);
// The strokes, or why the text is not a drawing.
Result<std::vector<Stroke>> ink_decode(std::string_view text);

}  // namespace lens
