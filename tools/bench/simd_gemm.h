// Prototype, for measurement only (bench-interpret --parts); the library's version of
// the 16x2 kernel is gemm() in src/core/numerics/gemm.cpp, and this copy stays to compare tile
// shapes against it. C = A * B for
// column-major float matrices with <wasm_simd128.h>, the shape of the first
// layer's product over a data set (A = W0, 128x784; B = images, 784xN).
// Eigen 3.4 has no wasm SIMD packet code, so its product in wasm runs on clang's
// auto-vectorisation of the scalar kernel; this kernel keeps a (4*MV)-row x NR-column
// tile of C in registers (MV*NR f32x4 accumulators), with A packed into row
// panels and B walked in column chunks that stay in cache across the panels.
#pragma once
#include <Eigen/Core>
#include <vector>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

namespace bench {

// Packs A (M x K, column-major) into panels of R rows: panel p holds rows
// [Rp, Rp+R) as K consecutive groups of R floats (zero-padded past M).
template <int R>
inline std::vector<float> pack_a(const Eigen::MatrixXf& A) {
  const Eigen::Index M = A.rows(), K = A.cols(), P = (M + R - 1) / R;
  std::vector<float> out(std::size_t(P * K * R), 0.f);
  for (Eigen::Index p = 0; p < P; ++p)
    for (Eigen::Index k = 0; k < K; ++k)
      for (Eigen::Index r = 0; r < R && R * p + r < M; ++r) out[std::size_t((p * K + k) * R + r)] = A(R * p + r, k);
  return out;
}

// C(4*MV rows of one panel, columns j..j+NR) = panel * B(:, j..j+NR), with
// MV*NR f32x4 accumulators. Wasm has no fused multiply-add in simd128: mul + add.
template <int MV, int NR>
inline void tile(const float* a, const float* b, Eigen::Index ldb, Eigen::Index K, float* c, Eigen::Index ldc, int rows) {
  constexpr int R = 4 * MV;
  v128_t acc[NR][MV];
  for (int j = 0; j < NR; ++j)
    for (int r = 0; r < MV; ++r) acc[j][r] = wasm_f32x4_splat(0.f);
  for (Eigen::Index k = 0; k < K; ++k) {
    v128_t av[MV];
    for (int r = 0; r < MV; ++r) av[r] = wasm_v128_load(a + R * k + 4 * r);
    for (int j = 0; j < NR; ++j) {
      const v128_t bj = wasm_v128_load32_splat(b + j * ldb + k);
      for (int r = 0; r < MV; ++r) acc[j][r] = wasm_f32x4_add(acc[j][r], wasm_f32x4_mul(av[r], bj));
    }
  }
  for (int j = 0; j < NR; ++j) {
    float* cj = c + j * ldc;
    if (rows == R) {
      for (int r = 0; r < MV; ++r) wasm_v128_store(cj + 4 * r, acc[j][r]);
    } else {
      alignas(16) float tmp[R];
      for (int r = 0; r < MV; ++r) wasm_v128_store(tmp + 4 * r, acc[j][r]);
      for (int r = 0; r < rows; ++r) cj[r] = tmp[r];
    }
  }
}

// C (M x N) = A * B, with A given packed by pack_a<4*MV> (M rows, K columns).
template <int MV, int NR>
inline void gemm_packed(const std::vector<float>& apacked, Eigen::Index M, const Eigen::Ref<const Eigen::MatrixXf>& B,
                        Eigen::MatrixXf& C) {
  constexpr int R = 4 * MV;
  const Eigen::Index K = B.rows(), N = B.cols(), P = (M + R - 1) / R;
  C.resize(M, N);
  const Eigen::Index chunk = 48;  // 48 columns of B (150 KB for K = 784) reused by all panels
  for (Eigen::Index j0 = 0; j0 < N; j0 += chunk) {
    const Eigen::Index j1 = std::min(N, j0 + chunk);
    for (Eigen::Index p = 0; p < P; ++p) {
      const float* a = apacked.data() + p * K * R;
      const int rows = int(std::min<Eigen::Index>(R, M - R * p));
      Eigen::Index j = j0;
      for (; j + NR <= j1; j += NR)
        tile<MV, NR>(a, B.data() + j * B.outerStride(), B.outerStride(), K, C.data() + j * M + R * p, M, rows);
      for (; j < j1; ++j) tile<MV, 1>(a, B.data() + j * B.outerStride(), B.outerStride(), K, C.data() + j * M + R * p, M, rows);
    }
  }
}

}  // namespace bench
#endif
