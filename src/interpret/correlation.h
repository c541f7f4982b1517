// Pearson's correlation from centred sums (sum of xy, xx and yy), used by the explanation score
// (explain.cpp) and the shape concepts (concepts.cpp).
#pragma once
#include <algorithm>
#include <cmath>

namespace lens {

// Clamped to [-1, 1]. *defined is false, and the result 0, when a side is constant (no
// correlation exists) or a sum is not finite.
inline float correlation_from_sums(double sxy, double sxx, double syy, bool* defined) {
  const bool ok = sxx > 1e-12 && syy > 1e-12 && std::isfinite(sxy) && std::isfinite(sxx) && std::isfinite(syy);
  if (defined) *defined = ok;
  return ok ? float(std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0)) : 0.f;
}

}  // namespace lens
