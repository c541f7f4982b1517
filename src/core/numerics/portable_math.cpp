// Range reduction and polynomials after Cephes' expf/logf (S. Moshier), written so that every
// step is one rounded IEEE operation (the build passes -ffp-contract=off).
#include "core/numerics/portable_math.h"

#include <cstdint>
#include <cstring>
#include <limits>

namespace lens {

namespace {
float from_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
std::uint32_t to_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
float pow2(int n) { return from_bits(std::uint32_t(n + 127) << 23); }  // 2^n for n in [-126, 127]
}  // namespace

float exp_portable(float x) {
  if (x != x) return x;
  if (x > 88.72283935546875f) return std::numeric_limits<float>::infinity();
  if (x < -103.972084045410f) return 0.f;
  // n = x / ln 2 rounded to nearest (adding and subtracting 1.5 * 2^23 rounds, exactly, to an integer)
  const float shifter = 12582912.f;
  const float t = x * 1.44269504088896341f + shifter;
  const float n = t - shifter;
  // r = x - n ln 2 in two parts; n * 0.693359375 is exact (few bits each)
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  const float z = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = (p * z + r) + 1.f;
  int e = int(n);
  // scale by 2^e in steps that stay normal (e ranges over [-150, 128])
  if (e > 127) return y * pow2(127) * pow2(e - 127);
  if (e < -126) return y * pow2(e + 126) * pow2(-126);
  return y * pow2(e);
}

float log_portable(float x) {
  if (x != x) return x;
  if (x < 0.f) return std::numeric_limits<float>::quiet_NaN();
  if (x == 0.f) return -std::numeric_limits<float>::infinity();
  if (x == std::numeric_limits<float>::infinity()) return x;
  int e = 0;
  if (x < 1.17549435e-38f) {  // subnormal: scale up first
    x = x * 16777216.f;
    e = -24;
  }
  std::uint32_t u = to_bits(x);
  e += int(u >> 23) - 126;
  float m = from_bits((u & 0x007fffffu) | 0x3f000000u);  // x = m 2^e, m in [0.5, 1)
  if (m < 0.707106781186547524f) {
    e -= 1;
    m = m + m - 1.f;
  } else {
    m = m - 1.f;
  }
  const float z = m * m;
  float p = 7.0376836292e-2f;
  p = p * m + -1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m + -1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m + -1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m + -2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  float y = p * m * z;
  const float fe = float(e);
  y = y + fe * -2.12194440e-4f;
  y = y - 0.5f * z;
  return (m + y) + fe * 0.693359375f;
}

float tanh_portable(float x) {
  if (x != x) return x;
  const float a = x < 0.f ? -x : x;
  float y;
  if (a < 0.625f) {  // odd polynomial (Cephes tanhf): no cancellation near 0
    const float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z + -5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z + -3.33332819422e-1f;
    return (p * z) * x + x;
  }
  if (a > 44.f) y = 1.f;  // exp(2a) would overflow; tanh is 1 in float long before
  else y = 1.f - 2.f / (exp_portable(a + a) + 1.f);
  return x < 0.f ? -y : y;
}

}  // namespace lens
