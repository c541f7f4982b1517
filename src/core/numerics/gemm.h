// The layers' matrix products, float, column-major, each in one fixed summation order.
// Shape letters for this file: C (M,N) = A (M,K) * B (K,N); for a layer, W (O,I) times a batch X (I,N).
//
// Every element is summed the same way on every machine and in wasm:
//   C(i,j) = (...((+0 + A(i,0) B(0,j)) + A(i,1) B(1,j)) + ...) + A(i,K-1) B(K-1,j)   [+ b(i)]
// k ascending, each term a rounded multiply and then a rounded add (never a fused multiply-add;
// the build passes -ffp-contract=off), the bias added after the sum. SIMD only decides how many
// rows i are summed side by side (4 in wasm and with SSE, 8 with AVX2, 16 with AVX-512, picked at
// run time), which never changes an element's order; there is no cache-size blocking, and on
// training's threads (workers.h) gemm_sparse hands out whole columns of C. So the same weights
// and inputs give the same bits on any x86-64 machine and thread count and in the page's wasm,
// and a training recipe and seed give the same bundle everywhere.
// Terms with B(k,j) == 0 may be left out: for a finite A they are +-0, and adding +-0 to a sum
// that started at +0 never changes it (a sum that starts at +0 is never -0).
#pragma once
#include <Eigen/Core>
#include <vector>

namespace lens {

// The kernels' SIMD width: 16 (AVX-512), 8 (AVX2) or 4 (SSE, wasm, elsewhere), the widest the
// CPU has. The environment variable LENS_SIMD=sse|avx2 caps it (the tests run every width to
// show they give the same bits). Read once, at the first product.
int simd_width();

// Z (O,N) = W (O,I) X (I,N), plus b (O) added to every column when b is given.
void gemm(const Eigen::Ref<const Eigen::MatrixXf>& W, const Eigen::Ref<const Eigen::MatrixXf>& X, Eigen::MatrixXf& Z,
          const Eigen::VectorXf* b = nullptr);

// C = op(A) op(B), op(M) = M^T when the flag is set. C must not alias A or B.
void gemm_op(const Eigen::Ref<const Eigen::MatrixXf>& A, bool transpose_a, const Eigen::Ref<const Eigen::MatrixXf>& B,
             bool transpose_b, Eigen::MatrixXf& C);

// The definition above as a plain scalar loop: the reference the kernels are tested against.
void gemm_reference(const Eigen::Ref<const Eigen::MatrixXf>& A, bool transpose_a,
                    const Eigen::Ref<const Eigen::MatrixXf>& B, bool transpose_b, Eigen::MatrixXf& C);

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

// All of X's columns, sparse (the same entries sparse_gather would pick).
SparseColumns sparse_copy(const Eigen::MatrixXf& X);

// The same gather from a sparse copy: the same x and xt, but each column's entries are copied
// instead of found among its K values (training gathers every image once an epoch, so the
// copy is made once and saves a scan of 784 pixels per image and gather).
void sparse_gather(const SparseColumns& X, const int* ids, int n, SparseColumns& x, SparseColumns& xt);

// The same gather in two parts: the first leaves in xt only each row's count of entries (at
// xt.start[k + 1]), the second turns them into the transpose. lens-train runs the second beside
// the forward product, which reads only x.
void sparse_gather_untransposed(const SparseColumns& X, const int* ids, int n, SparseColumns& x, SparseColumns& xt);
void sparse_transpose(const SparseColumns& x, SparseColumns& xt);

// A task with no output in common with a product, run as one more of its blocks (workers.h).
struct SideTask {
  void (*fn)(void* context) = nullptr;
  void* context = nullptr;
};

// C (M,N) = A (M,K) B (K,N), summing only B's nonzeros: the same bits as
// gemm_op(A, false, B.dense(), false, C) (a non-finite A takes the dense path: inf * 0 is NaN).
// On training's threads the columns of C go in fixed blocks side by side, and `beside` with them.
void gemm_sparse(const Eigen::Ref<const Eigen::MatrixXf>& A, const SparseColumns& B, Eigen::MatrixXf& C,
                 const SideTask& beside = {});

// y (M) = A (M,K) x for one column x given by its nonzeros (index ascending, value; nnz of
// them), plus b (M) after the sum when b is given: the same bits as gemm(A, x, y, b) for a
// finite A. No threads and no allocation: lens.predict's product, layer by layer (infer.h).
void gemv_sparse(const Eigen::Ref<const Eigen::MatrixXf>& A, const int* index, const float* value, int nnz, float* y,
                 const float* b = nullptr);

}  // namespace lens
