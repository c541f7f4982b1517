#include "core/numerics/rng.h"

#include <cmath>

namespace lens {

std::uint64_t Rng::next_u64() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

float Rng::uniform() { return float(next_u64() >> 40) * (1.0f / 16777216.0f); }

float Rng::uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

float Rng::normal() {
  if (has_spare_) { has_spare_ = false; return spare_; }
  // Box-Muller in double so native and wasm round identically.
  double u1 = (double(next_u64() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  double u2 = double(next_u64() >> 11) * (1.0 / 9007199254740992.0);
  double r = std::sqrt(-2.0 * std::log(u1)), t = 6.283185307179586 * u2;
  spare_ = float(r * std::sin(t));
  has_spare_ = true;
  return float(r * std::cos(t));
}

std::uint32_t Rng::below(std::uint32_t n) { return std::uint32_t(next_u64() % n); }

}  // namespace lens
