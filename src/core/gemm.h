// The layers' matrix products, float, column-major.
// Shape letters for this file: C (M,N) = A (M,K) * B (K,N); for a layer, W (O,I) times a batch X (I,N).
//
//   gemm         the forward product Z = W X (+ b) behind dense_forward. Natively it is exactly
//                Eigen's product, the expression the forward always used, so results stay
//                bit-identical. In wasm with SIMD, large products use a <wasm_simd128.h> kernel
//                instead (Eigen 3.4 has no wasm packet code; its product runs at ~13 GFLOP/s
//                there). The kernel sums in another order: it agrees with native within float
//                rounding, not bit for bit.
//   gemm_exact   training's dense products, run on the calling thread but bit-identical to
//                Eigen's `C.noalias() = op(A) * op(B)` with the current Eigen::nbThreads():
//                Eigen's own kernel, given the blocking its multi-threaded product would pick.
//                This skips Eigen's OpenMP product, whose spin-waits stall whenever other work
//                shares the two cores, and its per-call thread start-up on tiny products.
//   gemm_sparse  the same for a B that is mostly zeros (a batch of MNIST images: ~81% of pixels
//                are 0), summing only the nonzero terms; still bit-identical (see gemm.cpp).
#pragma once
#include <Eigen/Core>
#include <vector>

namespace lens {

// Z (O,N) = W (O,I) X (I,N), plus b (O) added to every column when b is given.
void gemm(const Eigen::Ref<const Eigen::MatrixXf>& W, const Eigen::Ref<const Eigen::MatrixXf>& X, Eigen::MatrixXf& Z,
          const Eigen::VectorXf* b = nullptr);

// Outputs must not alias inputs (as with Eigen's noalias()).

// C = op(A) op(B), op(M) = M^T when the flag is set; bit-identical to Eigen's product (see above).
void gemm_exact(const Eigen::Ref<const Eigen::MatrixXf>& A, bool transpose_a, const Eigen::Ref<const Eigen::MatrixXf>& B,
                bool transpose_b, Eigen::MatrixXf& C);

// A (K,N) matrix stored by columns without its zeros: column j holds the entries
// [start[j], start[j+1]) of index (row, ascending) and value. index and value may be longer
// than start.back() (buffers kept for reuse); entries past it mean nothing.
struct SparseColumns {
  Eigen::Index rows = 0;
  std::vector<int> start = {0};
  std::vector<int> index;
  std::vector<float> value;
  Eigen::Index cols() const { return Eigen::Index(start.size()) - 1; }
  Eigen::MatrixXf dense() const;
};

// The columns ids[0..n) of X (K,*) as a batch x (K,n) and its transpose xt (n,K), both sparse.
// Buffers are reused, so gathering every training step does not allocate.
void sparse_gather(const Eigen::MatrixXf& X, const int* ids, int n, SparseColumns& x, SparseColumns& xt);

// C (M,N) = A (M,K) B (K,N); natively bit-identical to gemm_exact(A, false, B.dense(), false, C);
// in wasm a SIMD sum over the nonzeros (the same to float rounding; Eigen has no wasm SIMD).
void gemm_sparse(const Eigen::Ref<const Eigen::MatrixXf>& A, const SparseColumns& B, Eigen::MatrixXf& C);

}  // namespace lens
