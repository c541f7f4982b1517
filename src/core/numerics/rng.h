// A small seeded generator with its own distributions, so that a seed gives the
// same numbers natively and in wasm (std:: distributions differ between
// standard libraries).
#pragma once
#include <cstdint>

namespace lens {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64();              // splitmix64
  float uniform();                       // [0, 1)
  float uniform(float lo, float hi);     // [lo, hi)
  float normal();                        // mean 0, sd 1 (Box-Muller)
  std::uint32_t below(std::uint32_t n);  // [0, n), n > 0

 private:
  std::uint64_t state_;
  bool has_spare_ = false;
  float spare_ = 0.f;
};

}  // namespace lens
