// Forward pass against hand-computed values; backward against central finite
// differences for every activation and both heads; the products (gemm.h) against a
// plain loop in double and, bit for bit, against the scalar loop of their fixed order.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/numerics/loss.h"
#include "core/numerics/mlp.h"
#include "core/numerics/workers.h"
#include "test_support.h"

namespace lens {
namespace {

// 2-2-1 network with weights small enough to do by hand.
Mlp hand_network(Activation hidden) {
  Mlp net = mlp_make({2, 2, 1}, hidden, Activation::Identity, Head::Sigmoid);
  net.layers[0].W << 1, -2,
                     0.5, 1;
  net.layers[0].b << 0.5, -1;
  net.layers[1].W << 2, -1;
  net.layers[1].b << 0.25;
  return net;
}

// x = (1, 2): z1 = (1 - 4 + 0.5, 0.5 + 2 - 1) = (-2.5, 1.5)
TEST(MlpForward, ReluMatchesHandComputation) {
  const Mlp net = hand_network(Activation::ReLU);
  Eigen::MatrixXf x(2, 1);
  x << 1, 2;
  Trace t;
  mlp_forward_trace(net, x, t);
  EXPECT_FLOAT_EQ(t.layers[0].z(0, 0), -2.5f);
  EXPECT_FLOAT_EQ(t.layers[0].z(1, 0), 1.5f);
  EXPECT_FLOAT_EQ(t.layers[0].a(0, 0), 0.f);
  EXPECT_FLOAT_EQ(t.layers[0].a(1, 0), 1.5f);
  EXPECT_FLOAT_EQ(t.logits()(0, 0), 2 * 0.f - 1.5f + 0.25f);  // -1.25
  EXPECT_FLOAT_EQ(mlp_forward(net, x)(0, 0), -1.25f);
  EXPECT_NEAR(head_probabilities(Head::Sigmoid, t.logits())(0, 0), 1 / (1 + std::exp(1.25)), 1e-7);
}

TEST(MlpForward, TanhSigmoidLeakyMatchHandComputation) {
  Eigen::MatrixXf x(2, 1);
  x << 1, 2;
  const float z0 = -2.5f, z1 = 1.5f;
  struct Case { Activation act; float a0, a1; };
  for (const Case& c : {Case{Activation::Tanh, std::tanh(z0), std::tanh(z1)},
                        Case{Activation::Sigmoid, 1 / (1 + std::exp(-z0)), 1 / (1 + std::exp(-z1))},
                        Case{Activation::LeakyReLU, kLeakySlope * z0, z1},
                        Case{Activation::Identity, z0, z1}}) {
    const Mlp net = hand_network(c.act);
    EXPECT_NEAR(mlp_forward(net, x)(0, 0), 2 * c.a0 - c.a1 + 0.25f, 1e-6) << activation_name(c.act);
  }
}

// Columns are independent samples: a batch gives the same outputs as one at a time.
TEST(MlpForward, BatchEqualsColumnByColumn) {
  Mlp net = mlp_make({5, 4, 3}, Activation::Tanh);
  test::randomize(net, 3);
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(5, 7);
  const Eigen::MatrixXf all = mlp_forward(net, x);
  for (int n = 0; n < 7; ++n)
    EXPECT_LT((mlp_forward(net, x.col(n)) - all.col(n)).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(Softmax, RowsSumToOneAndSurviveHugeLogits) {
  Eigen::MatrixXf z(3, 2);
  z << 1000, -5, 999, 0, -1000, 5;
  const Eigen::MatrixXf p = head_probabilities(Head::Softmax, z);
  EXPECT_TRUE(p.allFinite());
  EXPECT_NEAR(p.col(0).sum(), 1.f, 1e-6);
  EXPECT_NEAR(p(0, 0) / p(1, 0), std::exp(1.f), 1e-4);
  EXPECT_EQ(head_predict(Head::Softmax, z), (std::vector<int>{0, 2}));
}

TEST(CrossEntropy, MatchesDefinition) {
  Eigen::MatrixXf z(3, 1);
  z << 1, 2, 3;
  const LossResult r = cross_entropy(Head::Softmax, z, one_hot({2}, 3));
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  EXPECT_NEAR(r.loss, lse - 3.0, 1e-6);
}

// --- backward against central finite differences ---------------------------

void check_gradients(Activation act, Head head, std::uint64_t seed, InputNorm norm = {}) {
  struct { Mlp net; Eigen::MatrixXf x, y; } g;
  const int classes = head == Head::Softmax ? 4 : 1;
  g.net = mlp_make({6, 5, 4, classes}, act, Activation::Identity, head);
  g.net.norm = norm;
  test::randomize(g.net, seed, 0.6f);
  Rng rng(seed + 100);
  g.x = Eigen::MatrixXf(6, 3);
  for (Eigen::Index i = 0; i < g.x.size(); ++i) g.x.data()[i] = rng.normal();
  g.y = head == Head::Softmax ? one_hot({0, 3, 1}, 4) : Eigen::MatrixXf(Eigen::RowVector3f(1, 0, 1));

  const test::GradientCheck r = test::check_gradients(g.net, g.x, g.y);
  EXPECT_GT(r.checked, 80) << "too few coordinates away from kinks";
  EXPECT_LT(r.worst, 1e-3) << activation_name(act) << " / " << head_name(head) << ": max relative error " << r.worst;
}

TEST(MlpBackward, MatchesFiniteDifferencesForEveryActivation) {
  for (Activation act : {Activation::Identity, Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid,
                         Activation::Tanh})
    for (Head head : {Head::Softmax, Head::Sigmoid}) check_gradients(act, head, 11);
}

// With an input map (x - mean) / std, dW, db and the pixel-space dx still match finite differences
// (std above 1: below it the map magnifies the step and tanh's curvature shows in the differences).
TEST(MlpBackward, MatchesFiniteDifferencesThroughTheInputMap) {
  for (Activation act : {Activation::ReLU, Activation::Tanh}) check_gradients(act, Head::Softmax, 11, InputNorm{0.3f, 1.5f});
}

// The map is applied: a network fed x with (mean, std) equals one fed (x - mean) / std without it.
TEST(MlpForward, InputMapEqualsNormalizingTheInput) {
  Mlp net = mlp_make({5, 4, 3}, Activation::Sigmoid);
  test::randomize(net, 3);
  const Eigen::MatrixXf x = Eigen::MatrixXf::Random(5, 2).cwiseAbs();
  const Eigen::MatrixXf plain = mlp_forward(net, ((x.array() - 0.1307f) / 0.3081f).matrix());
  net.norm = {0.1307f, 0.3081f};
  EXPECT_LT((mlp_forward(net, x) - plain).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(MlpBackward, InputGradientHasInputShape) {
  Mlp net = mlp_make({7, 3, 2}, Activation::ReLU);
  test::randomize(net, 5);
  Trace t;
  mlp_forward_trace(net, Eigen::MatrixXf::Ones(7, 4), t);
  const Gradients g = mlp_backward(net, t, Eigen::MatrixXf::Ones(2, 4));
  EXPECT_EQ(g.dx.rows(), 7);
  EXPECT_EQ(g.dx.cols(), 4);
  EXPECT_EQ(g.dW[0].rows(), 3);
  EXPECT_EQ(g.dW[0].cols(), 7);
}

// --- products (gemm.h) ----------------------------------------------------------

Eigen::MatrixXf random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, float zero_fraction = 0.f) {
  Rng rng(seed);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    const float v = rng.normal();
    m.data()[i] = rng.uniform(0.f, 1.f) < zero_fraction ? 0.f : v;
  }
  return m;
}

// Bitwise equality, so a test can tell "same bits" from "close" (NaNs compare by their bits too).
bool same_bits(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * std::size_t(a.size())) == 0;
}

struct Shape { Eigen::Index rows, depth, cols; };

// Odd sizes (rows not a multiple of a SIMD panel, one column, one row) and the first layer's.
const Shape kShapes[] = {{17, 33, 5}, {17, 33, 11}, {128, 784, 50}, {1, 7, 3}, {5, 3, 1}, {16, 16, 8}, {33, 100, 9},
                         {10, 128, 300}, {128, 784, 257}, {128, 784, 3}, {6, 784, 64}, {64, 64, 64},
                         // rows left below the full panels filling 4 vectors: 13 (SSE), 60 (AVX-512)
                         {13, 50, 20}, {60, 30, 9}, {124, 40, 17}};

// Z = W X + b in double, the reference for the float kernels.
TEST(Gemm, MatchesPlainLoopInDoubleOnOddShapes) {
  for (const Shape& s : kShapes) {
    const Eigen::MatrixXf W = random_matrix(s.rows, s.depth, 1), X = random_matrix(s.depth, s.cols, 2, 0.5f);
    const Eigen::VectorXf b = random_matrix(s.rows, 1, 3);
    Eigen::MatrixXf Z, Zb;
    gemm(W, X, Z);
    gemm(W, X, Zb, &b);
    ASSERT_EQ(Z.rows(), s.rows);
    ASSERT_EQ(Z.cols(), s.cols);
    double worst = 0;
    for (Eigen::Index j = 0; j < s.cols; ++j)
      for (Eigen::Index i = 0; i < s.rows; ++i) {
        double sum = 0, scale = 0;
        for (Eigen::Index k = 0; k < s.depth; ++k) {
          sum += double(W(i, k)) * double(X(k, j));
          scale += std::abs(double(W(i, k)) * double(X(k, j)));
        }
        // float sums of `depth` terms: error within a few ulps of the sum of magnitudes
        const double tol = 1e-6 * (scale + 1);
        worst = std::max({worst, std::abs(Z(i, j) - sum) / tol, std::abs(Zb(i, j) - (sum + b(i))) / (tol + 1e-6 * std::abs(b(i)))});
      }
    EXPECT_LT(worst, 1.0) << s.rows << "x" << s.depth << " by " << s.depth << "x" << s.cols;
  }
}

// gemm.h's summation order, bit for bit, against the plain scalar loop that defines it: this
// is what makes products (and so training) give the same bits on every machine and in wasm,
// where the kernels run 4, 8 or 16 rows side by side.
TEST(Gemm, IsTheFixedOrderSumBitForBit) {
  for (const Shape& s : kShapes) {
    const Eigen::MatrixXf W = random_matrix(s.rows, s.depth, 4), X = random_matrix(s.depth, s.cols, 5, 0.8f);
    const Eigen::VectorXf b = random_matrix(s.rows, 1, 6);
    Eigen::MatrixXf Z, Zb, expected;
    gemm_reference(W, false, X, false, expected);
    gemm(W, X, Z);
    EXPECT_TRUE(same_bits(Z, expected)) << s.rows << "x" << s.depth << " by " << s.depth << "x" << s.cols;
    expected.colwise() += b;  // the bias comes after the sum
    gemm(W, X, Zb, &b);
    EXPECT_TRUE(same_bits(Zb, expected)) << "with bias, " << s.rows << "x" << s.depth << " by " << s.depth << "x" << s.cols;
  }
}

TEST(GemmOp, IsTheFixedOrderSumForEveryTranspose) {
  for (const Shape& s : kShapes)
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        const Eigen::MatrixXf A = ta ? random_matrix(s.depth, s.rows, 7) : random_matrix(s.rows, s.depth, 7);
        const Eigen::MatrixXf B = tb ? random_matrix(s.cols, s.depth, 8) : random_matrix(s.depth, s.cols, 8);
        Eigen::MatrixXf expected, C;
        gemm_reference(A, ta, B, tb, expected);
        gemm_op(A, ta, B, tb, C);
        EXPECT_TRUE(same_bits(C, expected)) << s.rows << "x" << s.depth << " by " << s.depth << "x" << s.cols
                                            << (ta ? " A^T" : "") << (tb ? " B^T" : "");
        // and the reference is the product: equal to Eigen's to float rounding
        Eigen::MatrixXf eigen;
        if (!ta && !tb) eigen.noalias() = A * B;
        else if (!ta) eigen.noalias() = A * B.transpose();
        else if (!tb) eigen.noalias() = A.transpose() * B;
        else eigen.noalias() = A.transpose() * B.transpose();
        EXPECT_LE((C - eigen).cwiseAbs().maxCoeff(), 1e-4f * (1.f + eigen.cwiseAbs().maxCoeff()));
      }
}

// A product of a known result: the order cannot hide a wrong index.
TEST(GemmOp, SmallKnownProduct) {
  Eigen::MatrixXf A(2, 3), B(3, 2), C;
  A << 1, 2, 3,
       4, 5, 6;
  B << 7, 8,
       9, 10,
       11, 12;
  gemm_op(A, false, B, false, C);
  Eigen::MatrixXf expected(2, 2);
  expected << 58, 64,
              139, 154;
  EXPECT_EQ(C, expected);
  gemm_op(B, true, A, true, C);  // (AB)^T = B^T A^T
  EXPECT_EQ(C, Eigen::MatrixXf(expected.transpose()));
}

// Both orientations of the gathered batch hold exactly the chosen columns.
TEST(SparseGather, HoldsTheChosenColumnsAndTheirTranspose) {
  const Eigen::MatrixXf X = random_matrix(50, 40, 9, 0.8f);
  const std::vector<int> ids = {39, 0, 7, 7, 12};
  SparseColumns x, xt;
  sparse_gather(X, ids.data(), int(ids.size()), x, xt);
  Eigen::MatrixXf expected(50, int(ids.size()));
  for (std::size_t j = 0; j < ids.size(); ++j) expected.col(Eigen::Index(j)) = X.col(ids[j]);
  EXPECT_TRUE(same_bits(x.dense(), expected));
  EXPECT_TRUE(same_bits(xt.dense(), Eigen::MatrixXf(expected.transpose())));
  EXPECT_EQ(x.start.back(), (expected.array() != 0.f).count());

  // from a sparse copy of X: the same batch, the same transpose
  const SparseColumns copy = sparse_copy(X);
  EXPECT_TRUE(same_bits(copy.dense(), X));
  SparseColumns y, yt;
  sparse_gather(copy, ids.data(), int(ids.size()), y, yt);
  EXPECT_TRUE(same_bits(y.dense(), expected));
  EXPECT_TRUE(same_bits(yt.dense(), Eigen::MatrixXf(expected.transpose())));
  ASSERT_EQ(y.start, x.start);
  ASSERT_EQ(yt.start, xt.start);
  for (int t = 0; t < x.start.back(); ++t) {
    EXPECT_EQ(y.index[std::size_t(t)], x.index[std::size_t(t)]);
    EXPECT_EQ(yt.index[std::size_t(t)], xt.index[std::size_t(t)]);
  }
}

// Leaving out the zeros of B must not change a bit of A B; a non-finite A (inf * 0 = NaN)
// takes the dense path.
TEST(GemmSparse, BitIdenticalToTheDenseProduct) {
  for (const Shape& s : kShapes)
    for (float zeros : {0.f, 0.5f, 0.9f, 1.f}) {
      Eigen::MatrixXf A = random_matrix(s.rows, s.depth, 10);
      const Eigen::MatrixXf B = random_matrix(s.depth, s.cols, 11, zeros);
      SparseColumns b, bt;
      std::vector<int> ids(std::size_t(s.cols));
      for (std::size_t j = 0; j < ids.size(); ++j) ids[j] = int(j);
      sparse_gather(B, ids.data(), int(s.cols), b, bt);
      Eigen::MatrixXf C, expected;
      gemm_reference(A, false, B, false, expected);
      gemm_sparse(A, b, C);
      EXPECT_TRUE(same_bits(C, expected)) << s.rows << "x" << s.depth << " by " << s.depth << "x" << s.cols << ", zeros " << zeros;
      A(s.rows / 2, s.depth / 2) = INFINITY;
      gemm_reference(A, false, B, false, expected);
      gemm_sparse(A, b, C);
      EXPECT_TRUE(same_bits(C, expected)) << "with an infinite weight, " << s.rows << "x" << s.depth;
    }
}

// One column given by its nonzeros (lens.predict's product, infer.h): the reference's bits, bias
// after the sum, for every shape's rows and any share of zeros.
TEST(GemmSparse, OneColumnIsTheReferenceBitForBit) {
  for (const Shape& s : kShapes)
    for (float zeros : {0.f, 0.8f, 1.f}) {
      const Eigen::MatrixXf A = random_matrix(s.rows, s.depth, 12);
      const Eigen::MatrixXf x = random_matrix(s.depth, 1, 13, zeros);
      const Eigen::VectorXf b = random_matrix(s.rows, 1, 14);
      std::vector<int> index;
      std::vector<float> value;
      for (Eigen::Index k = 0; k < s.depth; ++k)
        if (x(k, 0) != 0.f) {
          index.push_back(int(k));
          value.push_back(x(k, 0));
        }
      Eigen::MatrixXf expected, y(s.rows, 1), yb(s.rows, 1);
      gemm_reference(A, false, x, false, expected);
      gemv_sparse(A, index.data(), value.data(), int(index.size()), y.data());
      EXPECT_TRUE(same_bits(y, expected)) << s.rows << "x" << s.depth << ", zeros " << zeros;
      expected.colwise() += b;
      gemv_sparse(A, index.data(), value.data(), int(index.size()), yb.data(), b.data());
      EXPECT_TRUE(same_bits(yb, expected)) << "with bias, " << s.rows << "x" << s.depth << ", zeros " << zeros;
    }
}

// On training's threads (workers.h) the sparse product runs in blocks of columns side by side:
// the same bits as the reference on 1, 2 and 3 threads, for column counts that fill the blocks,
// leave a part of one, or fit in one; a side task given with it runs once.
TEST(GemmSparse, SameBitsOnEveryThreadCount) {
  for (Eigen::Index cols : {Eigen::Index(1), Eigen::Index(15), Eigen::Index(64), Eigen::Index(257), Eigen::Index(784)})
    for (Eigen::Index rows : {Eigen::Index(10), Eigen::Index(128)}) {
      const Eigen::MatrixXf A = random_matrix(rows, 300, 20);
      const Eigen::MatrixXf B = random_matrix(300, cols, 21, 0.8f);
      SparseColumns b, bt;
      std::vector<int> ids(static_cast<std::size_t>(cols));
      for (std::size_t j = 0; j < ids.size(); ++j) ids[j] = int(j);
      sparse_gather(B, ids.data(), int(cols), b, bt);
      Eigen::MatrixXf expected;
      gemm_reference(A, false, B, false, expected);
      for (int threads : {1, 2, 3}) {
        set_worker_threads(threads);
        Eigen::MatrixXf C;
        int side_runs = 0;
        gemm_sparse(A, b, C, SideTask{[](void* c) { ++*static_cast<int*>(c); }, &side_runs});
        set_worker_threads(1);
        EXPECT_TRUE(same_bits(C, expected)) << rows << "x300 by 300x" << cols << " on " << threads << " threads";
        EXPECT_EQ(side_runs, 1);
      }
    }
}

// Training's passes (sparse batch, no input gradient) give the dense passes' bits.
TEST(MlpBackward, TrainingPassesMatchDensePasses) {
  {
    for (Activation act : {Activation::ReLU, Activation::Tanh}) {
      Mlp net = mlp_make({784, 32, 16, 10}, act);
      test::randomize(net, 12, 0.1f);
      const Eigen::MatrixXf images = random_matrix(784, 90, 13, 0.8f).cwiseAbs();
      std::vector<int> ids(70);
      for (std::size_t j = 0; j < ids.size(); ++j) ids[j] = int((j * 37) % 90);
      SparseColumns x, xt;
      sparse_gather(images, ids.data(), int(ids.size()), x, xt);
      const Eigen::MatrixXf dense = x.dense(), dlogits = random_matrix(10, Eigen::Index(ids.size()), 14);

      Trace t_dense, t_sparse;
      mlp_forward_trace(net, dense, t_dense);
      mlp_forward_trace(net, x, t_sparse);
      const Gradients g_dense = mlp_backward(net, t_dense, dlogits);
      Gradients g;
      mlp_backward(net, t_sparse, xt, dlogits, g);
      for (std::size_t l = 0; l < net.layers.size(); ++l) {
        EXPECT_TRUE(same_bits(t_sparse.layers[l].z, t_dense.layers[l].z)) << "z" << l;
        EXPECT_TRUE(same_bits(t_sparse.layers[l].a, t_dense.layers[l].a)) << "a" << l;
        EXPECT_TRUE(same_bits(g.dW[l], g_dense.dW[l])) << "dW" << l;
        EXPECT_TRUE(same_bits(g.db[l], g_dense.db[l])) << "db" << l;
      }
      EXPECT_EQ(g.dx.size(), 0) << "training skips the input gradient";
    }
  }
}

// With an input map the training pair folds it into the first layer's products; equal to the
// dense pair (which normalizes the batch first) up to float rounding.
TEST(MlpBackward, TrainingPassesMatchDensePassesWithAnInputMap) {
  Mlp net = mlp_make({784, 32, 10}, Activation::ReLU);
  test::randomize(net, 21, 0.1f);
  net.norm = {0.1307f, 0.3081f};
  const Eigen::MatrixXf images = random_matrix(784, 40, 22, 0.8f).cwiseAbs();
  std::vector<int> ids(32);
  for (std::size_t j = 0; j < ids.size(); ++j) ids[j] = int((j * 7) % 40);
  SparseColumns x, xt;
  sparse_gather(images, ids.data(), int(ids.size()), x, xt);
  const Eigen::MatrixXf dense = x.dense(), dlogits = random_matrix(10, Eigen::Index(ids.size()), 23);
  Trace t_dense, t_sparse;
  mlp_forward_trace(net, dense, t_dense);
  mlp_forward_trace(net, x, t_sparse);
  const Gradients g_dense = mlp_backward(net, t_dense, dlogits);
  Gradients g;
  mlp_backward(net, t_sparse, xt, dlogits, g);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const float scale = 1.f + t_dense.layers[l].z.cwiseAbs().maxCoeff();
    EXPECT_LT((t_sparse.layers[l].z - t_dense.layers[l].z).cwiseAbs().maxCoeff(), 1e-4f * scale) << "z" << l;
    const float gscale = 1.f + g_dense.dW[l].cwiseAbs().maxCoeff();
    EXPECT_LT((g.dW[l] - g_dense.dW[l]).cwiseAbs().maxCoeff(), 1e-4f * gscale) << "dW" << l;
  }
}

}  // namespace
}  // namespace lens
