// exp, log and tanh for float that give the same bits on every machine and in wasm.
// The C library's versions differ between glibc (natively, with FMA and non-FMA variants
// chosen per CPU) and musl (Emscripten), and Eigen's vectorized ones differ from both; these
// use only +, -, *, / and exact steps (rounding to an integer, scaling by a power of two), so
// IEEE arithmetic without contraction fixes every result. Accuracy: within 2 ulps.
#pragma once

namespace lens {

float exp_portable(float x);
float log_portable(float x);   // x <= 0 gives -inf (0) or NaN (< 0)
float tanh_portable(float x);
inline float sigmoid_portable(float x) { return 1.f / (1.f + exp_portable(-x)); }

}  // namespace lens
