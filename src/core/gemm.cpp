// Shape letters as in gemm.h: C (M,N) = A (M,K) * B (K,N).
//
// Why gemm_exact and gemm_sparse give Eigen's bits. Eigen 3.4's GEMM (GeneralMatrixMatrix.h)
// splits K into blocks of kc; for each block its kernel (gebp) starts an accumulator at +0,
// adds the products A(i,k) B(k,j) in increasing k, then does C(i,j) += accumulator. Which
// kernel path a row takes depends on its position in a panel of mr rows, never on which thread
// or column block computes it, and the multi-threaded product only changes kc (Parallelizer.h
// picks the thread count, computeProductBlockingSizes the blocking). So running Eigen's kernel
// on one thread with the multi-threaded kc gives the multi-threaded bits.
// Rows in full panels of mr = 2 packets (SSE without FMA: 8 rows) take the plain path: one
// multiply and one add per term, in order. Skipping a term whose product is +-0 leaves that
// sum unchanged: the accumulator starts at +0 and x + (+-0) == x for every x but -0, and an
// accumulator that starts at +0 can never become -0 (a sum is -0 only if both terms are).
// A product is +-0 when B(k,j) is 0 and A(i,k) is finite, so gemm_sparse checks A is finite.
#include "core/gemm.h"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace lens {

namespace {

using Eigen::Index;

// Eigen's expression itself: the reference, and the path for shapes the faster code leaves alone.
void eigen_product(const Eigen::Ref<const Eigen::MatrixXf>& A, bool ta, const Eigen::Ref<const Eigen::MatrixXf>& B,
                   bool tb, Eigen::MatrixXf& C) {
  if (!ta && !tb) C.noalias() = A * B;
  else if (!ta) C.noalias() = A * B.transpose();
  else if (!tb) C.noalias() = A.transpose() * B;
  else C.noalias() = A.transpose() * B.transpose();
}

#if EIGEN_VERSION_AT_LEAST(3, 4, 0) && !EIGEN_VERSION_AT_LEAST(3, 4, 90)
#define LENS_EIGEN_GEMM_INTERNALS 1
namespace ei = Eigen::internal;
using Traits = ei::gebp_traits<float, float>;

// Whether `C.noalias() = op(A) * op(B)` goes through Eigen's blocked GEMM at all: tiny
// products use a coefficient-wise loop and vector-shaped ones GEMV (GeneralProduct.h).
bool eigen_uses_gemm(Index rows, Index cols, Index depth) {
  return rows > 1 && cols > 1 && depth > 0 && rows + cols + depth >= EIGEN_GEMM_TO_COEFFBASED_THRESHOLD;
}

struct EigenPlan {
  Index kc, mc, nc;
  bool threaded;
};

// The blocking Eigen's GEMM picks for a (rows x depth) by (depth x cols) float product into a
// column-major destination, with the thread count its parallelizer would use right now.
EigenPlan eigen_plan(Index rows, Index cols, Index depth) {
  Index threads = 1;
#ifdef EIGEN_HAS_OPENMP
  // parallelize_gemm (Parallelizer.h), for a column-major destination.
  Index max_threads = std::max<Index>(1, cols / Traits::nr);
  const double work = double(rows) * double(cols) * double(depth);
  max_threads = std::max<Index>(1, std::min<Index>(max_threads, Index(work / 50000)));
  threads = std::min<Index>(Eigen::nbThreads(), max_threads);
  if (omp_get_num_threads() > 1) threads = 1;
#endif
  EigenPlan p{depth, rows, cols, threads > 1};
  Index m = rows;  // the threaded blocking keeps mc = rows (gemm_blocking_space::initParallel)
  ei::computeProductBlockingSizes<float, float, 1>(p.kc, p.threaded ? m : p.mc, p.nc, threads);
  return p;
}

class FixedBlocking : public ei::level3_blocking<float, float> {
 public:
  FixedBlocking(Index kc, Index mc, Index nc) {
    m_kc = kc;
    m_mc = mc;
    m_nc = nc;  // blockA/blockB stay null: the kernel allocates them (on the stack when small)
  }
};

template <int LhsOrder, int RhsOrder>
void eigen_gemm_serial(Index rows, Index cols, Index depth, const float* lhs, Index lhs_stride, const float* rhs,
                       Index rhs_stride, float* res, Index res_stride) {
  const EigenPlan p = eigen_plan(rows, cols, depth);
  FixedBlocking blocking(p.kc, p.mc, p.nc);
  ei::general_matrix_matrix_product<Index, float, LhsOrder, false, float, RhsOrder, false, Eigen::ColMajor, 1>::run(
      rows, cols, depth, lhs, lhs_stride, rhs, rhs_stride, res, 1, res_stride, 1.f, blocking, nullptr);
}

// gemm_sparse's own kernel reproduces the plain path only (the one-packet path splits even and
// odd k over two accumulators, FMA fuses the multiply-add). Rows must fill panels of mr.
#ifndef EIGEN_HAS_SINGLE_INSTRUCTION_MADD
constexpr bool kPlainKernel = Traits::mr == 2 * Traits::LhsProgress;
#else
constexpr bool kPlainKernel = false;
#endif

bool plain_order(const EigenPlan& p, Index rows) {
  return kPlainKernel && rows % Traits::mr == 0 && (p.threaded || p.mc >= rows || p.mc % Traits::mr == 0);
}
#endif  // Eigen 3.4 internals

// --- gemm_sparse's kernel -------------------------------------------------------------
// For one column j and one kc block of B's entries [p, q): C(r, j) += the sum, from +0 and in
// entry order, of A(r, index[t]) * value[t], for a panel of V vectors of W rows at a time.
// Each term is a multiply and then an add, two roundings, as in Eigen's kernel without FMA:
// the two are separate statements (clang fuses only within one) and the AVX-512 variant,
// whose instruction set has FMA, is compiled with contraction off (GCC would fuse across
// statements).

template <int W> struct Floats { typedef float type __attribute__((vector_size(4 * W))); };

template <int W, int V>
EIGEN_ALWAYS_INLINE void sparse_panel(const float* a, Index lda, const int* index, const float* value, int p, int q,
                                      float* c) {
  typedef typename Floats<W>::type F;
  F acc[V] = {}, x;  // +0
  for (int t = p; t < q; ++t) {
    const float* col = a + lda * index[t];
    const F v = value[t] - F{};  // a broadcast; x - (+0) is x for every x, -0 included
    for (int r = 0; r < V; ++r) {
      std::memcpy(&x, col + W * r, sizeof x);
      const F product = x * v;
      acc[r] = acc[r] + product;
    }
  }
  for (int r = 0; r < V; ++r) {
    std::memcpy(&x, c + W * r, sizeof x);
    x = x + acc[r];
    std::memcpy(c + W * r, &x, sizeof x);
  }
}

// The same for two columns at once over the union of their entries, so that each column of A
// loaded serves both (the kernel is bound by loading A, not by arithmetic). Where only one
// column has an entry the other gets a term A(r, k) * 0 = +-0, which leaves its sum unchanged
// (see the top of the file).
template <int W, int V>
EIGEN_ALWAYS_INLINE void sparse_panel2(const float* a, Index lda, const int* index, const float* value, int p0, int q0,
                                       int p1, int q1, float* c0, float* c1) {
  typedef typename Floats<W>::type F;
  F acc0[V] = {}, acc1[V] = {}, x;
  while (p0 < q0 || p1 < q1) {
    const int k0 = p0 < q0 ? index[p0] : INT_MAX, k1 = p1 < q1 ? index[p1] : INT_MAX, k = std::min(k0, k1);
    const F v0 = (k0 == k ? value[p0] : 0.f) - F{}, v1 = (k1 == k ? value[p1] : 0.f) - F{};
    p0 += k0 == k;
    p1 += k1 == k;
    const float* col = a + lda * k;
    for (int r = 0; r < V; ++r) {
      std::memcpy(&x, col + W * r, sizeof x);
      const F product0 = x * v0, product1 = x * v1;
      acc0[r] = acc0[r] + product0;
      acc1[r] = acc1[r] + product1;
    }
  }
  for (int r = 0; r < V; ++r) {
    std::memcpy(&x, c0 + W * r, sizeof x);
    x = x + acc0[r];
    std::memcpy(c0 + W * r, &x, sizeof x);
    std::memcpy(&x, c1 + W * r, sizeof x);
    x = x + acc1[r];
    std::memcpy(c1 + W * r, &x, sizeof x);
  }
}

// Rows [r, M) of one column for the entries [p, q) of one kc block, by panels.
template <int W>
EIGEN_ALWAYS_INLINE void sparse_rows(const float* A, Index lda, Index r, Index M, const int* index, const float* value,
                                     int p, int q, float* c) {
  for (; r + 8 * W <= M; r += 8 * W) sparse_panel<W, 8>(A + r, lda, index, value, p, q, c + r);
  for (; r + W <= M; r += W) sparse_panel<W, 1>(A + r, lda, index, value, p, q, c + r);
  if (W > 4)
    for (; r + 4 <= M; r += 4) sparse_panel<4, 1>(A + r, lda, index, value, p, q, c + r);
  for (; r < M; ++r) sparse_panel<1, 1>(A + r, lda, index, value, p, q, c + r);
}

// C (M,N) = A (M,K) B (K,N) for columns [j0, j1) of C, which is zeroed; kc is Eigen's K block.
// Columns go in pairs, kc block by kc block (a block ends each sum: C += sum).
template <int W>
EIGEN_ALWAYS_INLINE void sparse_columns(const float* A, Index lda, Index M, const SparseColumns& B, Index kc, float* C,
                                        Index j0, Index j1) {
  constexpr int V2 = W >= 16 ? 8 : 4;  // two columns' accumulators must fit the registers: 32 zmm, 16 ymm/xmm
  const int* index = B.index.data();
  const float* value = B.value.data();
  auto block_end = [kc](int k) { return int((k / kc + 1) * kc); };  // end of the kc block holding row k
  Index j = j0;
  for (; j + 1 < j1; j += 2) {
    float *c0 = C + j * M, *c1 = c0 + M;
    int p0 = B.start[std::size_t(j)], p1 = B.start[std::size_t(j) + 1];
    const int e0 = p1, e1 = B.start[std::size_t(j) + 2];
    while (p0 < e0 || p1 < e1) {
      const int end = block_end(std::min(p0 < e0 ? index[p0] : INT_MAX, p1 < e1 ? index[p1] : INT_MAX));
      int q0 = p0, q1 = p1;
      while (q0 < e0 && index[q0] < end) ++q0;
      while (q1 < e1 && index[q1] < end) ++q1;
      Index r = 0;
      for (; r + V2 * W <= M; r += V2 * W) sparse_panel2<W, V2>(A + r, lda, index, value, p0, q0, p1, q1, c0 + r, c1 + r);
      sparse_rows<W>(A, lda, r, M, index, value, p0, q0, c0);
      sparse_rows<W>(A, lda, r, M, index, value, p1, q1, c1);
      p0 = q0;
      p1 = q1;
    }
  }
  for (; j < j1; ++j) {
    float* c = C + j * M;
    const int e = B.start[std::size_t(j) + 1];
    for (int p = B.start[std::size_t(j)]; p < e;) {
      const int end = block_end(index[p]);
      int q = p;
      while (q < e && index[q] < end) ++q;
      sparse_rows<W>(A, lda, 0, M, index, value, p, q, c);
      p = q;
    }
  }
}

using SparseColumnsKernel = void (*)(const float*, Index, Index, const SparseColumns&, Index, float*, Index, Index);

void sparse_columns_base(const float* A, Index lda, Index M, const SparseColumns& B, Index kc, float* C, Index j0,
                         Index j1) {
  sparse_columns<4>(A, lda, M, B, kc, C, j0, j1);
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
// Wider vectors where the CPU has them (checked at run time, so the binary still runs anywhere).
#ifdef __clang__
#define LENS_NO_CONTRACT
#else
#define LENS_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#endif
__attribute__((target("avx"))) void sparse_columns_avx(const float* A, Index lda, Index M, const SparseColumns& B,
                                                       Index kc, float* C, Index j0, Index j1) {
  sparse_columns<8>(A, lda, M, B, kc, C, j0, j1);
}
__attribute__((target("avx512f"))) LENS_NO_CONTRACT void sparse_columns_avx512(const float* A, Index lda, Index M,
                                                                               const SparseColumns& B, Index kc,
                                                                               float* C, Index j0, Index j1) {
  sparse_columns<16>(A, lda, M, B, kc, C, j0, j1);
}
SparseColumnsKernel sparse_columns_kernel() {
  if (__builtin_cpu_supports("avx512f")) return sparse_columns_avx512;
  if (__builtin_cpu_supports("avx")) return sparse_columns_avx;
  return sparse_columns_base;
}
#else
SparseColumnsKernel sparse_columns_kernel() { return sparse_columns_base; }
#endif

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

#ifdef __wasm_simd128__
// --- gemm's wasm kernel -----------------------------------------------------------------
// W is packed into panels of 16 rows (K groups of 16 floats, zero-padded past O); a 16x2 tile
// of Z stays in 8 f32x4 accumulators (with 4 W vectors and a broadcast, that fits x64's 16
// xmm registers under V8; wider tiles spill). X is walked in chunks of 48 columns (150 KB for
// K = 784) that stay in cache while every panel passes over them. Wasm SIMD has no fused
// multiply-add: each term is a multiply and an add, as natively.
constexpr int kPanelRows = 16;
constexpr Index kChunkCols = 48;

void pack_panels(const Eigen::Ref<const Eigen::MatrixXf>& W, std::vector<float>& out) {
  const Index O = W.rows(), K = W.cols(), P = (O + kPanelRows - 1) / kPanelRows;
  out.assign(std::size_t(P * K * kPanelRows), 0.f);
  for (Index p = 0; p < P; ++p) {
    const Index r0 = p * kPanelRows, rows = std::min<Index>(kPanelRows, O - r0);
    for (Index k = 0; k < K; ++k)
      std::memcpy(&out[std::size_t((p * K + k) * kPanelRows)], W.data() + k * W.outerStride() + r0,
                  sizeof(float) * std::size_t(rows));
  }
}

// Z(r0 .. r0+rows, j .. j+NR) = panel * X(:, j .. j+NR) (+ b(r0 ..)).
template <int NR>
void simd_tile(const float* a, const float* x, Index ldx, Index K, float* z, Index ldz, int rows, const float* b) {
  constexpr int MV = kPanelRows / 4;
  v128_t acc[NR][MV];
  for (int j = 0; j < NR; ++j)
    for (int r = 0; r < MV; ++r) acc[j][r] = wasm_f32x4_splat(0.f);
  for (Index k = 0; k < K; ++k) {
    v128_t av[MV];
    for (int r = 0; r < MV; ++r) av[r] = wasm_v128_load(a + kPanelRows * k + 4 * r);
    for (int j = 0; j < NR; ++j) {
      const v128_t xj = wasm_v128_load32_splat(x + j * ldx + k);
      for (int r = 0; r < MV; ++r) acc[j][r] = wasm_f32x4_add(acc[j][r], wasm_f32x4_mul(av[r], xj));
    }
  }
  alignas(16) float tmp[kPanelRows];
  for (int j = 0; j < NR; ++j) {
    for (int r = 0; r < MV; ++r) wasm_v128_store(tmp + 4 * r, acc[j][r]);
    float* zj = z + j * ldz;
    if (b) for (int r = 0; r < rows; ++r) zj[r] = tmp[r] + b[r];  // the sum first, then the bias, as natively
    else for (int r = 0; r < rows; ++r) zj[r] = tmp[r];
  }
}

void simd_gemm(const Eigen::Ref<const Eigen::MatrixXf>& W, const Eigen::Ref<const Eigen::MatrixXf>& X,
               Eigen::MatrixXf& Z, const Eigen::VectorXf* b) {
  const Index O = W.rows(), K = W.cols(), N = X.cols(), P = (O + kPanelRows - 1) / kPanelRows;
  std::vector<float> panels;  // packed per call: ~0.05 ms for 128x784, nothing cached between calls
  pack_panels(W, panels);
  Z.resize(O, N);
  const float* bias = b ? b->data() : nullptr;
  for (Index j0 = 0; j0 < N; j0 += kChunkCols) {
    const Index j1 = std::min(N, j0 + kChunkCols);
    for (Index p = 0; p < P; ++p) {
      const float* a = panels.data() + p * K * kPanelRows;
      const Index r0 = p * kPanelRows;
      const int rows = int(std::min<Index>(kPanelRows, O - r0));
      const float* br = bias ? bias + r0 : nullptr;
      Index j = j0;
      for (; j + 2 <= j1; j += 2)
        simd_tile<2>(a, X.data() + j * X.outerStride(), X.outerStride(), K, Z.data() + j * O + r0, O, rows, br);
      for (; j < j1; ++j)
        simd_tile<1>(a, X.data() + j * X.outerStride(), X.outerStride(), K, Z.data() + j * O + r0, O, rows, br);
    }
  }
}

// Where the kernel beats Eigen (node 20, warmed up): 2.5-3x for 16 to 128 rows by 1000 columns
// (~63 GFLOP/s against ~24), 2-3.5x for 128 rows already at 2 to 32 columns, ~1.9x for 10x128 by
// 100. Below about 8 rows its 16-row panels are mostly padding, and for a few columns packing W
// costs more than it saves unless W is large; one column is Eigen's GEMV, as fast.
bool simd_gemm_wins(Index O, Index N) { return O >= 8 && N >= (O >= 32 ? 2 : 8); }
#endif

}  // namespace

// --- gemm ------------------------------------------------------------------------------

void gemm(const Eigen::Ref<const Eigen::MatrixXf>& W, const Eigen::Ref<const Eigen::MatrixXf>& X, Eigen::MatrixXf& Z,
          const Eigen::VectorXf* b) {
  assert(W.cols() == X.rows() && (!b || b->size() == W.rows()));
#ifdef __wasm_simd128__
  if (simd_gemm_wins(W.rows(), X.cols())) {
    simd_gemm(W, X, Z, b);
    return;
  }
#endif
  Z.noalias() = W * X;
  if (b) Z.colwise() += *b;
}

// --- gemm_exact ------------------------------------------------------------------------

void gemm_exact(const Eigen::Ref<const Eigen::MatrixXf>& A, bool ta, const Eigen::Ref<const Eigen::MatrixXf>& B,
                bool tb, Eigen::MatrixXf& C) {
  const Index rows = ta ? A.cols() : A.rows(), depth = ta ? A.rows() : A.cols(), cols = tb ? B.rows() : B.cols();
  assert(depth == (tb ? B.cols() : B.rows()));
#ifdef LENS_EIGEN_GEMM_INTERNALS
  if (eigen_uses_gemm(rows, cols, depth)) {
    C.resize(rows, cols);
    C.setZero();  // Eigen's product adds into a zeroed destination
    const Index sa = A.outerStride(), sb = B.outerStride(), sc = C.outerStride();
    if (!ta && !tb) eigen_gemm_serial<Eigen::ColMajor, Eigen::ColMajor>(rows, cols, depth, A.data(), sa, B.data(), sb, C.data(), sc);
    else if (!ta) eigen_gemm_serial<Eigen::ColMajor, Eigen::RowMajor>(rows, cols, depth, A.data(), sa, B.data(), sb, C.data(), sc);
    else if (!tb) eigen_gemm_serial<Eigen::RowMajor, Eigen::ColMajor>(rows, cols, depth, A.data(), sa, B.data(), sb, C.data(), sc);
    else eigen_gemm_serial<Eigen::RowMajor, Eigen::RowMajor>(rows, cols, depth, A.data(), sa, B.data(), sb, C.data(), sc);
    return;
  }
#endif
  eigen_product(A, ta, B, tb, C);
}

// --- sparse columns --------------------------------------------------------------------

Eigen::MatrixXf SparseColumns::dense() const {
  Eigen::MatrixXf D = Eigen::MatrixXf::Zero(rows, cols());
  for (Index j = 0; j < cols(); ++j)
    for (int t = start[std::size_t(j)]; t < start[std::size_t(j) + 1]; ++t) D(index[std::size_t(t)], j) = value[std::size_t(t)];
  return D;
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
  const int nnz = x.start[std::size_t(n)];

  // The transpose: walking the samples in order keeps each of xt's columns sorted. Row k's
  // fill pointer is start[k], moved along and restored afterwards.
  for (Index k = 0; k < K; ++k) xt.start[std::size_t(k) + 1] += xt.start[std::size_t(k)];
  if (xt.index.size() < std::size_t(nnz)) {
    xt.index.resize(most);
    xt.value.resize(most);
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

// --- gemm_sparse -----------------------------------------------------------------------

#ifdef __wasm_simd128__
// In wasm Eigen has no SIMD packet code, so the Eigen-ordered kernel above is not used and
// its blocked product is scalar (training ran at ~35k samples/s). Here each column of C is
// the sum, in entry order, of B's nonzero values times A's columns, four rows per SIMD
// operation. Another summation order than Eigen's, so not bit-identical to native, but the
// same on every run. A non-finite A takes the dense path (inf * 0 must give NaN).
static void sparse_product_wasm(const Eigen::Ref<const Eigen::MatrixXf>& A, const SparseColumns& B, Eigen::MatrixXf& C) {
  const Index M = A.rows(), N = B.cols(), lda = A.outerStride();
  C.setZero(M, N);
  constexpr Index kBlock = 32;  // rows kept in eight SIMD registers while every nonzero is added
  for (Index j = 0; j < N; ++j) {
    float* c = C.col(j).data();
    const int p = B.start[std::size_t(j)], q = B.start[std::size_t(j) + 1];
    Index r0 = 0;
    for (; r0 + kBlock <= M; r0 += kBlock) {
      v128_t acc[8];
      for (v128_t& a : acc) a = wasm_f32x4_splat(0.f);
      for (int t = p; t < q; ++t) {
        const float* a = A.data() + Index(B.index[std::size_t(t)]) * lda + r0;
        const v128_t vv = wasm_f32x4_splat(B.value[std::size_t(t)]);
        for (int k = 0; k < 8; ++k) acc[k] = wasm_f32x4_add(acc[k], wasm_f32x4_mul(wasm_v128_load(a + 4 * k), vv));
      }
      for (int k = 0; k < 8; ++k) wasm_v128_store(c + r0 + 4 * k, acc[k]);
    }
    for (int t = p; t < q && r0 < M; ++t) {  // the last rows, fewer than a block
      const float* a = A.data() + Index(B.index[std::size_t(t)]) * lda;
      const float v = B.value[std::size_t(t)];
      for (Index r = r0; r < M; ++r) c[r] += a[r] * v;
    }
  }
}
#endif

void gemm_sparse(const Eigen::Ref<const Eigen::MatrixXf>& A, const SparseColumns& B, Eigen::MatrixXf& C) {
  const Index M = A.rows(), K = A.cols(), N = B.cols();
  assert(K == B.rows);
#ifdef __wasm_simd128__
  if (A.allFinite()) return sparse_product_wasm(A, B, C);
#endif
#ifdef LENS_EIGEN_GEMM_INTERNALS
  if (eigen_uses_gemm(M, N, K)) {
    const EigenPlan plan = eigen_plan(M, N, K);
    if (plain_order(plan, M) && A.allFinite()) {
      C.resize(M, N);
      C.setZero();
      sparse_columns_kernel()(A.data(), A.outerStride(), M, B, plan.kc, C.data(), 0, N);
      return;
    }
  }
#endif
  gemm_exact(A, false, B.dense(), false, C);
}

}  // namespace lens
