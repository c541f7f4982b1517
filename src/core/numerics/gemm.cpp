// Shape letters as in gemm.h: C (M,N) = A (M,K) * B (K,N). The summation order every kernel
// here keeps is gemm.h's; the kernels differ only in how many rows they sum side by side.
#include "core/numerics/gemm.h"

#include "core/numerics/workers.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

// The kernels pass SIMD vectors between always-inlined functions compiled for AVX; GCC's note
// that their ABI would differ without AVX concerns calls that never happen.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace lens {

namespace {

using Eigen::Index;

#if defined(__GNUC__) && !defined(__clang__)
#define LENS_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define LENS_NO_CONTRACT  // clang: the build's -ffp-contract=off holds for every function
#endif
#define LENS_INLINE inline __attribute__((always_inline))

// W floats side by side (GCC/clang vector extensions: SSE, AVX, AVX-512 or wasm SIMD, as
// the enclosing function's target allows). Arithmetic on them is lane by lane, so a lane's
// result is what the scalar code gives.
template <int W> struct Floats { typedef float type __attribute__((vector_size(4 * W))); };

template <int W> LENS_INLINE typename Floats<W>::type load(const float* p) {
  typename Floats<W>::type x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
template <int W> LENS_INLINE void store(float* p, typename Floats<W>::type x) { std::memcpy(p, &x, sizeof x); }
template <int W> LENS_INLINE typename Floats<W>::type broadcast(float v) {
  typename Floats<W>::type r{};
#ifdef __clang__
  (void)r;
  return v - typename Floats<W>::type{};  // one splat (v - (+0) is v for every v, -0 included)
#else
  // GCC builds a lane-by-lane copy element by element (8 inserts for AVX2) but a shuffle of
  // lane 0 into every lane as one broadcast instruction.
  typedef int Lanes __attribute__((vector_size(4 * W)));
  r[0] = v;
  return __builtin_shuffle(r, Lanes{});
#endif
}

// --- dense products -----------------------------------------------------------------
// A tile of C: rows [MV vectors of W], NR columns. Row block k of A starts at a + k * as
// (as = lda, or the panel height when A is packed); B(k, j) = b[k * bk + j * bj], so B may be
// stored either way round. The multiply and the add are separate statements and contraction
// is off: two roundings per term, as in wasm, which has no fused multiply-add.
template <int W, int MV, int NR>
LENS_INLINE void dense_tile(const float* a, Index as, const float* b, Index bk, Index bj, Index K, float* c, Index ldc,
                            const float* bias) {
  typedef typename Floats<W>::type F;
  F acc[NR][MV] = {};  // +0
  for (Index k = 0; k < K; ++k) {
    F av[MV];
    for (int r = 0; r < MV; ++r) av[r] = load<W>(a + k * as + W * r);
    for (int j = 0; j < NR; ++j) {
      const F bv = broadcast<W>(b[k * bk + j * bj]);
      for (int r = 0; r < MV; ++r) {
        const F term = av[r] * bv;
        acc[j][r] = acc[j][r] + term;
      }
    }
  }
  for (int j = 0; j < NR; ++j)
    for (int r = 0; r < MV; ++r) {
      F out = acc[j][r];
      if (bias) out = out + load<W>(bias + W * r);  // after the sum
      store<W>(c + j * ldc + W * r, out);
    }
}

// Columns [j0, j1) of rows a.. (MV vectors of W) of C, NR columns at a time, then one.
template <int W, int MV, int NR>
LENS_INLINE void dense_columns(const float* a, Index as, const float* b, Index bk, Index bj, Index K, float* c,
                               Index ldc, const float* bias, Index j0, Index j1) {
  Index j = j0;
  for (; j + NR <= j1; j += NR) dense_tile<W, MV, NR>(a, as, b + j * bj, bk, bj, K, c + j * ldc, ldc, bias);
  for (; j < j1; ++j) dense_tile<W, MV, 1>(a, as, b + j * bj, bk, bj, K, c + j * ldc, ldc, bias);
}

constexpr Index kChunkCols = 48;  // columns of B walked together: 150 KB for K = 784, kept in cache

// The rows [r, M) left below the full panels, fewer than P: copied into one panel of whole
// vectors padded with zero rows (K groups of MVR W floats), summed into a tile of that height
// and copied back without the padding. The padding's sums are thrown away, so the rows kept are
// summed exactly as in a full panel. One pass instead of W rows and then one row at a time:
// the output layer's 10 rows are one AVX-512 vector (three SSE or wasm vectors).
template <int W, int MVR>
LENS_INLINE void dense_tail(const float* A, Index lda, Index r, Index M, Index K, const float* B, Index bk, Index bj,
                            Index N, float* C, const float* bias, std::vector<float>& packed) {
  constexpr int P = MVR * W, NR = MVR == 1 ? 8 : MVR == 2 ? 4 : MVR == 3 ? 3 : 2;  // accumulators fit the registers
  const Index rows = M - r;
  packed.assign(std::size_t(K * P + P + P * kChunkCols), 0.f);
  float* panel = packed.data();
  float* padded_bias = panel + K * P;
  float* tile = padded_bias + P;
  for (Index k = 0; k < K; ++k) std::memcpy(panel + k * P, A + k * lda + r, sizeof(float) * std::size_t(rows));
  if (bias) std::memcpy(padded_bias, bias + r, sizeof(float) * std::size_t(rows));
  for (Index j0 = 0; j0 < N; j0 += kChunkCols) {
    const Index j1 = std::min(N, j0 + kChunkCols);
    dense_columns<W, MVR, NR>(panel, P, B + j0 * bj, bk, bj, K, tile, P, bias ? padded_bias : nullptr, 0, j1 - j0);
    for (Index j = j0; j < j1; ++j)
      std::memcpy(C + j * M + r, tile + (j - j0) * P, sizeof(float) * std::size_t(rows));
  }
}

// C (M,N) = A (M,K, column-major, lda) B, + bias. Full panels of P = 4 W rows are packed
// (K groups of P floats) when there are enough columns to pay for it; the rows left over go
// through dense_tail.
template <int W>
LENS_INLINE void dense_product(const float* A, Index lda, Index M, Index K, const float* B, Index bk, Index bj, Index N,
                               float* C, const float* bias, std::vector<float>& packed) {
  constexpr int MV = 4, P = MV * W, NR = W >= 16 ? 4 : 2;  // NR x MV accumulators fit the registers
  const Index panels = M / P;
  const bool pack = N >= 8 && panels > 0;
  if (pack) {
    packed.resize(std::size_t(panels * K * P));
    for (Index p = 0; p < panels; ++p)
      for (Index k = 0; k < K; ++k)
        std::memcpy(&packed[std::size_t((p * K + k) * P)], A + k * lda + p * P, sizeof(float) * P);
  }
  for (Index j0 = 0; j0 < N; j0 += kChunkCols) {
    const Index j1 = std::min(N, j0 + kChunkCols);
    for (Index p = 0; p < panels; ++p) {
      const float* a = pack ? packed.data() + p * K * P : A + p * P;
      dense_columns<W, MV, NR>(a, pack ? P : lda, B, bk, bj, K, C + p * P, M, bias ? bias + p * P : nullptr, j0, j1);
    }
  }
  const Index r = panels * P, vectors = (M - r + W - 1) / W;
  if (vectors == 1) dense_tail<W, 1>(A, lda, r, M, K, B, bk, bj, N, C, bias, packed);
  else if (vectors == 2) dense_tail<W, 2>(A, lda, r, M, K, B, bk, bj, N, C, bias, packed);
  else if (vectors == 3) dense_tail<W, 3>(A, lda, r, M, K, B, bk, bj, N, C, bias, packed);
  else if (vectors == 4) dense_tail<W, 4>(A, lda, r, M, K, B, bk, bj, N, C, bias, packed);
}

using DenseKernel = void (*)(const float*, Index, Index, Index, const float*, Index, Index, Index, float*, const float*,
                             std::vector<float>&);

LENS_NO_CONTRACT void dense_product_base(const float* A, Index lda, Index M, Index K, const float* B, Index bk, Index bj,
                                         Index N, float* C, const float* bias, std::vector<float>& packed) {
  dense_product<4>(A, lda, M, K, B, bk, bj, N, C, bias, packed);
}

// --- sparse products ------------------------------------------------------------------
// For one column j of B and its entries [p, q): C(r, j) = the sum, from +0 and in entry
// order, of A(r, index[t]) * value[t], for a panel of V vectors of W rows at a time.
template <int W, int V, bool kFrom = false>
LENS_INLINE void sparse_panel(const float* a, Index lda, const int* index, const float* value, int p, int q, float* c) {
  typedef typename Floats<W>::type F;
  F acc[V] = {};
  if (kFrom)  // carry on from the partial sums stored in c (sparse_chunked)
    for (int r = 0; r < V; ++r) acc[r] = load<W>(c + W * r);
  for (int t = p; t < q; ++t) {
    const float* col = a + lda * index[t];
    const F v = broadcast<W>(value[t]);
    for (int r = 0; r < V; ++r) {
      const F term = load<W>(col + W * r) * v;
      acc[r] = acc[r] + term;
    }
  }
  for (int r = 0; r < V; ++r) store<W>(c + W * r, acc[r]);
}

// Rows [r, M) of one column, by panels.
template <int W, bool kFrom = false>
LENS_INLINE void sparse_rows(const float* A, Index lda, Index r, Index M, const int* index, const float* value, int p,
                             int q, float* c) {
  for (; r + 8 * W <= M; r += 8 * W) sparse_panel<W, 8, kFrom>(A + r, lda, index, value, p, q, c + r);
  for (; r + W <= M; r += W) sparse_panel<W, 1, kFrom>(A + r, lda, index, value, p, q, c + r);
  if (W > 4)
    for (; r + 4 <= M; r += 4) sparse_panel<4, 1, kFrom>(A + r, lda, index, value, p, q, c + r);
  for (; r < M; ++r) sparse_panel<1, 1, kFrom>(A + r, lda, index, value, p, q, c + r);
}

// C (M,N) = A (M,K) B (K,N) for an A too large for the first-level cache (the first layer's
// W, or dz at batch 256), walked kc columns of A at a time: each column of C takes its
// entries with index in [k0, k0 + kc), carrying on from the partial sums the previous chunk
// stored in C. A chunk of A stays in the first-level cache while every column of B reads it,
// and storing a float partial sum and loading it back changes nothing, so each element is
// still the sum from +0 of its terms in entry order (gemm.h). Columns [j0, j1) of C only;
// cursor: one int per column.
template <int W>
LENS_INLINE void sparse_chunked(const float* A, Index lda, Index M, Index K, const SparseColumns& B, float* C,
                                Index kc, std::vector<int>& cursor, Index j0, Index j1) {
  const int* index = B.index.data();
  const float* value = B.value.data();
  cursor.assign(B.start.begin() + j0, B.start.begin() + j1);
  std::fill(C + j0 * M, C + j1 * M, 0.f);  // +0: the sums' start
  for (Index k0 = 0; k0 < K; k0 += kc) {
    const int k1 = int(std::min(K, k0 + kc));
    for (Index j = j0; j < j1; ++j) {
      int& cur = cursor[std::size_t(j - j0)];
      const int p = cur, end = B.start[std::size_t(j) + 1];
      int q = p;
      while (q < end && index[q] < k1) ++q;
      if (q == p) continue;
      sparse_rows<W, true>(A, lda, 0, M, index, value, p, q, C + j * M);
      cur = q;
    }
  }
}

// C (M,N) = A (M,K) B (K,N), every element written. An A larger than kChunkBytes goes by
// sparse_chunked; a small one column by column, 8 vectors of rows per pass.
constexpr Index kChunkBytes = 48 * 1024;  // a first-level cache's worth (the results do not depend on it)
#ifdef __EMSCRIPTEN__
constexpr bool kChunks = false;  // in wasm (4 rows a vector) the chunks' extra passes cost more than they save
#else
constexpr bool kChunks = true;
#endif

template <int W>
LENS_INLINE void sparse_columns(const float* A, Index lda, Index M, const SparseColumns& B, float* C, Index j0,
                                Index j1) {
  if (kChunks && M * B.rows * Index(sizeof(float)) > kChunkBytes) {
    static thread_local std::vector<int> cursor;
    const Index kc = std::max<Index>(1, kChunkBytes / (M * Index(sizeof(float))));
    return sparse_chunked<W>(A, lda, M, B.rows, B, C, kc, cursor, j0, j1);
  }
  for (Index j = j0; j < j1; ++j)
    sparse_rows<W>(A, lda, 0, M, B.index.data(), B.value.data(), B.start[std::size_t(j)], B.start[std::size_t(j) + 1],
                   C + j * M);
}

using SparseKernel = void (*)(const float*, Index, Index, const SparseColumns&, float*, Index, Index);
using SparseColumnKernel = void (*)(const float*, Index, Index, const int*, const float*, int, float*);

LENS_NO_CONTRACT void sparse_columns_base(const float* A, Index lda, Index M, const SparseColumns& B, float* C, Index j0, Index j1) {
  sparse_columns<4>(A, lda, M, B, C, j0, j1);
}
LENS_NO_CONTRACT void sparse_column_base(const float* A, Index lda, Index M, const int* index, const float* value, int nnz,
                                         float* c) {
  sparse_rows<4>(A, lda, 0, M, index, value, 0, nnz, c);
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
// Wider vectors where the CPU has them (AVX2, AVX-512F), checked at run time (the build targets plain x86-64, so
// the binary runs anywhere). Wider only means more rows side by side: the same bits.
__attribute__((target("avx2"))) LENS_NO_CONTRACT void dense_product_avx(const float* A, Index lda, Index M, Index K,
                                                                      const float* B, Index bk, Index bj, Index N,
                                                                      float* C, const float* bias,
                                                                      std::vector<float>& packed) {
  dense_product<8>(A, lda, M, K, B, bk, bj, N, C, bias, packed);
}
__attribute__((target("avx512f"))) LENS_NO_CONTRACT void dense_product_avx512(const float* A, Index lda, Index M,
                                                                             Index K, const float* B, Index bk,
                                                                             Index bj, Index N, float* C,
                                                                             const float* bias,
                                                                             std::vector<float>& packed) {
  dense_product<16>(A, lda, M, K, B, bk, bj, N, C, bias, packed);
}
__attribute__((target("avx2"))) LENS_NO_CONTRACT void sparse_columns_avx(const float* A, Index lda, Index M,
                                                                       const SparseColumns& B, float* C, Index j0, Index j1) {
  sparse_columns<8>(A, lda, M, B, C, j0, j1);
}
__attribute__((target("avx512f"))) LENS_NO_CONTRACT void sparse_columns_avx512(const float* A, Index lda, Index M,
                                                                              const SparseColumns& B, float* C, Index j0, Index j1) {
  sparse_columns<16>(A, lda, M, B, C, j0, j1);
}
__attribute__((target("avx2"))) LENS_NO_CONTRACT void sparse_column_avx(const float* A, Index lda, Index M, const int* index,
                                                                      const float* value, int nnz, float* c) {
  sparse_rows<8>(A, lda, 0, M, index, value, 0, nnz, c);
}
__attribute__((target("avx512f"))) LENS_NO_CONTRACT void sparse_column_avx512(const float* A, Index lda, Index M,
                                                                             const int* index, const float* value,
                                                                             int nnz, float* c) {
  sparse_rows<16>(A, lda, 0, M, index, value, 0, nnz, c);
}
DenseKernel dense_kernel() {
  static const int w = simd_width();
  return w == 16 ? dense_product_avx512 : w == 8 ? dense_product_avx : dense_product_base;
}
SparseKernel sparse_kernel() {
  static const int w = simd_width();
  return w == 16 ? sparse_columns_avx512 : w == 8 ? sparse_columns_avx : sparse_columns_base;
}
SparseColumnKernel sparse_column_kernel() {
  static const int w = simd_width();
  return w == 16 ? sparse_column_avx512 : w == 8 ? sparse_column_avx : sparse_column_base;
}
#else
DenseKernel dense_kernel() { return dense_product_base; }
SparseKernel sparse_kernel() { return sparse_columns_base; }
SparseColumnKernel sparse_column_kernel() { return sparse_column_base; }
#endif

// Scratch for packing, reused across calls (the page and lens-train call these thousands of
// times a second).
std::vector<float>& scratch_packed() {
  static thread_local std::vector<float> v;
  return v;
}
std::vector<float>& scratch_transposed() {
  static thread_local std::vector<float> v;
  return v;
}

// C (M,N) = op(A) op(B) (+ bias) by the dense kernel; A^T is copied out column-major first.
void product(const Eigen::Ref<const Eigen::MatrixXf>& A, bool ta, const Eigen::Ref<const Eigen::MatrixXf>& B, bool tb,
             const float* bias, Eigen::MatrixXf& C) {
  const Index M = ta ? A.cols() : A.rows(), K = ta ? A.rows() : A.cols(), N = tb ? B.rows() : B.cols();
  assert(K == (tb ? B.cols() : B.rows()));
  C.resize(M, N);
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (bias) C.colwise() = Eigen::Map<const Eigen::VectorXf>(bias, M);
    else C.setZero();
    return;
  }
  if (M < 16 && N > 2 * M && tb) {
    // Few rows (the output layer's 10) fill a fraction of a SIMD panel: compute C^T =
    // op(B)^T op(A)^T instead, whose rows are C's many columns. Each element is the same sum
    // of the same products in the same order (x y == y x exactly), so the same bits.
    static thread_local Eigen::MatrixXf ct;
    product(B, !tb, A, !ta, nullptr, ct);
    for (Index j = 0; j < N; ++j)
      for (Index i = 0; i < M; ++i) C(i, j) = bias ? ct(j, i) + bias[i] : ct(j, i);  // the bias after the sum
    return;
  }
  const float* a = A.data();
  Index lda = A.outerStride();
  if (ta) {
    std::vector<float>& t = scratch_transposed();
    t.resize(std::size_t(M * K));
    for (Index i = 0; i < M; ++i)
      for (Index k = 0; k < K; ++k) t[std::size_t(k * M + i)] = A(k, i);
    a = t.data();
    lda = M;
  }
  const Index bk = tb ? B.outerStride() : 1, bj = tb ? 1 : B.outerStride();
  dense_kernel()(a, lda, M, K, B.data(), bk, bj, N, C.data(), bias, scratch_packed());
}

// --- sparse_gather's scan ------------------------------------------------------------

// Appends the nonzeros of col[0..K) to index/value from `at` (storing up to 16 entries past
// the new end), counts them per row in count[0..K); returns the new end.
using AppendNonzeros = int (*)(const float*, Index, int*, float*, int, int*);

// The plain loop over col[k..K): the whole scan without SIMD, and every SIMD scan's tail.
static int append_nonzeros_scalar(const float* col, Index k, Index K, int* index, float* value, int at, int* count) {
  for (; k < K; ++k)
    if (col[k] != 0.f) {
      index[at] = int(k);
      value[at++] = col[k];
      ++count[k];
    }
  return at;
}

int append_nonzeros_base(const float* col, Index K, int* index, float* value, int at, int* count) {
  Index k = 0;
#ifdef __SSE2__
  // 16 pixels per test; most 16-pixel runs of an MNIST image are all 0.
  const __m128 zero = _mm_setzero_ps();
  for (; k + 16 <= K; k += 16) {
    unsigned mask = unsigned(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(col + k), zero))) |
                    unsigned(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(col + k + 4), zero))) << 4 |
                    unsigned(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(col + k + 8), zero))) << 8 |
                    unsigned(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(col + k + 12), zero))) << 12;
    for (; mask; mask &= mask - 1) {
      const int i = int(k) + __builtin_ctz(mask);
      index[at] = i;
      value[at++] = col[i];
      ++count[i];
    }
  }
#endif
  return append_nonzeros_scalar(col, k, K, index, value, at, count);
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
// AVX-512 compresses the 16 pixels' nonzeros into place without a branch per pixel.
__attribute__((target("avx512f"))) int append_nonzeros_avx512(const float* col, Index K, int* index, float* value,
                                                               int at, int* count) {
  __m512i rows = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i sixteen = _mm512_set1_epi32(16), one = _mm512_set1_epi32(1);
  Index k = 0;
  for (; k + 16 <= K; k += 16) {
    const __m512 v = _mm512_loadu_ps(col + k);
    const __mmask16 m = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NEQ_UQ);  // NaN counts as nonzero, as != does
    _mm512_storeu_ps(value + at, _mm512_maskz_compress_ps(m, v));
    _mm512_storeu_si512(index + at, _mm512_maskz_compress_epi32(m, rows));
    const __m512i c = _mm512_loadu_si512(count + k);
    _mm512_storeu_si512(count + k, _mm512_mask_add_epi32(c, m, c, one));
    at += __builtin_popcount(unsigned(m));
    rows = _mm512_add_epi32(rows, sixteen);
  }
  return append_nonzeros_scalar(col, k, K, index, value, at, count);
}
AppendNonzeros append_nonzeros_kernel() {
  return __builtin_cpu_supports("avx512f") ? append_nonzeros_avx512 : append_nonzeros_base;
}
#else
AppendNonzeros append_nonzeros_kernel() { return append_nonzeros_base; }
#endif

}  // namespace

int simd_width() {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  int cap = 16;
  if (const char* e = std::getenv("LENS_SIMD")) cap = std::strcmp(e, "sse") == 0 ? 4 : std::strcmp(e, "avx2") == 0 ? 8 : 16;
  if (cap >= 16 && __builtin_cpu_supports("avx512f")) return 16;
  if (cap >= 8 && __builtin_cpu_supports("avx2")) return 8;  // AVX2 for its register broadcast
#endif
  return 4;
}

// --- public products -------------------------------------------------------------------

void gemm(const Eigen::Ref<const Eigen::MatrixXf>& W, const Eigen::Ref<const Eigen::MatrixXf>& X, Eigen::MatrixXf& Z,
          const Eigen::VectorXf* b) {
  assert(W.cols() == X.rows() && (!b || b->size() == W.rows()));
  product(W, false, X, false, b ? b->data() : nullptr, Z);
}

void gemm_op(const Eigen::Ref<const Eigen::MatrixXf>& A, bool ta, const Eigen::Ref<const Eigen::MatrixXf>& B, bool tb,
             Eigen::MatrixXf& C) {
  product(A, ta, B, tb, nullptr, C);
}

LENS_NO_CONTRACT void gemm_reference(const Eigen::Ref<const Eigen::MatrixXf>& A, bool ta,
                                     const Eigen::Ref<const Eigen::MatrixXf>& B, bool tb, Eigen::MatrixXf& C) {
  const Index M = ta ? A.cols() : A.rows(), K = ta ? A.rows() : A.cols(), N = tb ? B.rows() : B.cols();
  C.resize(M, N);
  for (Index j = 0; j < N; ++j)
    for (Index i = 0; i < M; ++i) {
      volatile float sum = 0.f;  // volatile: one rounded multiply and one rounded add per term, whatever the compiler
      for (Index k = 0; k < K; ++k) {
        const volatile float term = (ta ? A(k, i) : A(i, k)) * (tb ? B(j, k) : B(k, j));
        sum = sum + term;
      }
      C(i, j) = sum;
    }
}

// --- sparse columns --------------------------------------------------------------------

Eigen::MatrixXf SparseColumns::dense() const {
  Eigen::MatrixXf D = Eigen::MatrixXf::Zero(rows, cols());
  for (Index j = 0; j < cols(); ++j)
    for (int t = start[std::size_t(j)]; t < start[std::size_t(j) + 1]; ++t) D(index[std::size_t(t)], j) = value[std::size_t(t)];
  return D;
}

// xt (n,K) = x^T for a gathered batch x (K,n) whose entries have been counted per row in
// xt.start[k + 1]. Walking the samples in order keeps each of xt's columns sorted. Row k's
// fill pointer is start[k], moved along and restored afterwards.
static void transpose_batch(const SparseColumns& x, int n, Index K, SparseColumns& xt) {
  const int nnz = x.start[std::size_t(n)];
  for (Index k = 0; k < K; ++k) xt.start[std::size_t(k) + 1] += xt.start[std::size_t(k)];
  if (xt.index.size() < std::size_t(nnz)) {
    xt.index.resize(std::size_t(nnz));
    xt.value.resize(std::size_t(nnz));
  }
  int* fill = xt.start.data();
  for (int j = 0; j < n; ++j)
    for (int t = x.start[std::size_t(j)]; t < x.start[std::size_t(j) + 1]; ++t) {
      const int at = fill[x.index[std::size_t(t)]]++;
      xt.index[std::size_t(at)] = j;
      xt.value[std::size_t(at)] = x.value[std::size_t(t)];
    }
  for (Index k = K; k > 0; --k) xt.start[std::size_t(k)] = xt.start[std::size_t(k) - 1];
  xt.start[0] = 0;
}

void sparse_gather(const Eigen::MatrixXf& X, const int* ids, int n, SparseColumns& x, SparseColumns& xt) {
  const Index K = X.rows();
  const std::size_t most = std::size_t(K) * std::size_t(n) + 16;  // a dense batch, plus the kernels' overrun
  if (x.index.size() < most) {  // sized once, then reused (see SparseColumns)
    x.index.resize(most);
    x.value.resize(most);
  }
  // xt.start first counts each row's entries (at start[k + 1]), then becomes their offsets.
  xt.rows = n;
  xt.start.assign(std::size_t(K) + 1, 0);
  x.rows = K;
  x.start.resize(std::size_t(n) + 1);
  x.start[0] = 0;
  const AppendNonzeros append = append_nonzeros_kernel();
  const std::size_t bytes = sizeof(float) * std::size_t(K);
  for (int j = 0; j < n; ++j) {
    if (j + 2 < n) {  // the images are scattered over the data set: fetch two ahead
      const char* next = reinterpret_cast<const char*>(X.data() + Index(ids[j + 2]) * K);
      for (std::size_t b = 0; b < bytes; b += 64) __builtin_prefetch(next + b);
    }
    x.start[std::size_t(j) + 1] = append(X.data() + Index(ids[j]) * K, K, x.index.data(), x.value.data(),
                                         x.start[std::size_t(j)], xt.start.data() + 1);
  }
  transpose_batch(x, n, K, xt);
}

SparseColumns sparse_copy(const Eigen::MatrixXf& X) {
  const Index K = X.rows(), N = X.cols();
  SparseColumns c;
  c.rows = K;
  c.start.resize(std::size_t(N) + 1);
  std::vector<int> index(std::size_t(K) + 16);  // the scan stores up to 16 past its end
  std::vector<int> count(static_cast<std::size_t>(K));
  std::vector<float> value(std::size_t(K) + 16);
  const AppendNonzeros append = append_nonzeros_kernel();
  for (Index j = 0; j < N; ++j) {
    const int n = append(X.data() + j * K, K, index.data(), value.data(), 0, count.data());
    c.index.insert(c.index.end(), index.begin(), index.begin() + n);
    c.value.insert(c.value.end(), value.begin(), value.begin() + n);
    c.start[std::size_t(j) + 1] = int(c.index.size());
  }
  return c;
}

void sparse_gather(const SparseColumns& X, const int* ids, int n, SparseColumns& x, SparseColumns& xt) {
  sparse_gather_untransposed(X, ids, n, x, xt);
  sparse_transpose(x, xt);
}

void sparse_transpose(const SparseColumns& x, SparseColumns& xt) { transpose_batch(x, int(x.cols()), x.rows, xt); }

void sparse_gather_untransposed(const SparseColumns& X, const int* ids, int n, SparseColumns& x, SparseColumns& xt) {
  const Index K = X.rows;
  std::size_t nnz = 0;
  for (int j = 0; j < n; ++j) nnz += std::size_t(X.start[std::size_t(ids[j]) + 1] - X.start[std::size_t(ids[j])]);
  if (x.index.size() < nnz) {
    x.index.resize(nnz);
    x.value.resize(nnz);
  }
  xt.rows = n;
  xt.start.assign(std::size_t(K) + 1, 0);  // counts at start[k + 1] first (see transpose_batch)
  x.rows = K;
  x.start.resize(std::size_t(n) + 1);
  x.start[0] = 0;
  int* count = xt.start.data() + 1;
  for (int j = 0; j < n; ++j) {
    if (j + 2 < n) {  // the columns are scattered over the copy: fetch two ahead
      const int p = X.start[std::size_t(ids[j + 2])], q = X.start[std::size_t(ids[j + 2]) + 1];
      for (int t = p; t < q; t += 16) {
        __builtin_prefetch(X.index.data() + t);
        __builtin_prefetch(X.value.data() + t);
      }
    }
    const int p = X.start[std::size_t(ids[j])], q = X.start[std::size_t(ids[j]) + 1], at = x.start[std::size_t(j)];
    std::memcpy(x.index.data() + at, X.index.data() + p, sizeof(int) * std::size_t(q - p));
    std::memcpy(x.value.data() + at, X.value.data() + p, sizeof(float) * std::size_t(q - p));
    for (int t = p; t < q; ++t) ++count[X.index[std::size_t(t)]];
    x.start[std::size_t(j) + 1] = at + (q - p);
  }
}

// --- gemm_sparse -----------------------------------------------------------------------

// Whether every coefficient is finite, in one pass the compiler vectorizes (Eigen's
// allFinite() costs more than the sparse product's own loads here).
static bool all_finite(const Eigen::Ref<const Eigen::MatrixXf>& A) {
  for (Index j = 0; j < A.cols(); ++j) {
    const float* a = A.data() + j * A.outerStride();
    std::uint32_t bad = 0;
    for (Index i = 0; i < A.rows(); ++i) {
      std::uint32_t u;
      std::memcpy(&u, a + i, sizeof u);
      bad |= std::uint32_t((u & 0x7f800000u) == 0x7f800000u);  // all exponent bits set: inf or NaN
    }
    if (bad) return false;
  }
  return true;
}

constexpr Index kSparseBlock = 16;       // columns per block: 16 blocks at batch 256, 4 at batch 64
constexpr Index kShareTerms = 1 << 16;  // products with fewer terms run on the caller alone

void gemm_sparse(const Eigen::Ref<const Eigen::MatrixXf>& A, const SparseColumns& B, Eigen::MatrixXf& C,
                 const SideTask& beside) {
  const Index M = A.rows(), N = B.cols();
  assert(A.cols() == B.rows);
  const bool finite = all_finite(A);
  if (beside.fn && (!finite || M == 0 || N == 0 || M * Index(B.start.back()) < kShareTerms)) beside.fn(beside.context);
  if (!finite) return gemm_op(A, false, B.dense(), false, C);  // inf * 0 must give NaN
  C.resize(M, N);
  if (M == 0 || N == 0) return;
  // Blocks of kSparseBlock columns of C, side by side on training's threads (workers.h): each
  // column is summed whole by one block, so the bits do not depend on the thread count.
  // A small product (the XOR lesson's) is not worth handing out; its blocks run in turn.
  const SparseKernel kernel = sparse_kernel();
  const int blocks = int((N + kSparseBlock - 1) / kSparseBlock);
  if (M * Index(B.start.back()) < kShareTerms) return kernel(A.data(), A.outerStride(), M, B, C.data(), 0, N);
  const int side = beside.fn ? 1 : 0;  // block 0, handed out first
  parallel_blocks(blocks + side, [&](int block) {
    if (block < side) return beside.fn(beside.context);
    const Index j0 = (block - side) * kSparseBlock;
    kernel(A.data(), A.outerStride(), M, B, C.data(), j0, std::min(N, j0 + kSparseBlock));
  });
}

void gemv_sparse(const Eigen::Ref<const Eigen::MatrixXf>& A, const int* index, const float* value, int nnz, float* y,
                 const float* b) {
  const Index M = A.rows();
  static const SparseColumnKernel kernel = sparse_column_kernel();
  kernel(A.data(), A.outerStride(), M, index, value, nnz, y);
  if (b)
    for (Index i = 0; i < M; ++i) y[i] = y[i] + b[i];  // after the sum
}

}  // namespace lens
