// Helpers shared by the unit tests: where the data lives, small random networks.
#pragma once
#include <string>

#include "core/formats/bundle.h"
#include "core/formats/bytes.h"
#include "core/numerics/mlp.h"
#include "core/formats/mnist.h"
#include "core/numerics/rng.h"

namespace lens::test {

// Folder with the MNIST IDX files: $LENS_MNIST_DIR (set by CTest), else ../shared/data/mnist.
std::string mnist_dir();
// Folder with the native forward reference: $LENS_FORWARD_REF_DIR, else the native build's.
std::string forward_ref_dir();
// The repository's assets/ folder: $LENS_ASSETS_DIR, else the source tree's.
std::string assets_dir();

// The ONNX backend test suite (Debian libonnx-testdata): $LENS_ONNX_TESTDATA_DIR, else
// /usr/share/libonnx-testdata/data.
std::string onnx_testdata_dir();
// tests/onnx (the fixtures tools/onnx-fixtures.py writes): $LENS_ONNX_FIXTURES_DIR, else the source tree's.
std::string onnx_fixtures_dir();

// A shipped model, assets/models/<id>.lens (empty, with a test failure, when it cannot be read).
Bundle shipped(const std::string& id);

// Whether text contains part (messages are checked by the words that matter in them).
inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The 10k MNIST test set, loaded once (empty, with a test failure, when it cannot be read).
const DataSet& mnist_test_set();

// A rows x n matrix of N(0, 1) values (normal) or uniform ones in [0, 1), from the seed.
Eigen::MatrixXf random_matrix(int rows, int n, std::uint64_t seed, bool normal);

// Fills every weight and bias of net with N(0, scale^2) from the seed.
void randomize(Mlp& net, std::uint64_t seed, float scale = 0.5f);

// A small convnet with every kind of layer the importer can make: conv 3 of 3x3 on 1x8x7 (its
// activation, optional pooling 2x2 and per-channel affine map), conv 2 of 2x2, dense to 4.
Mlp small_convnet(Activation act, PoolKind pool, bool affine, std::uint64_t seed);

// mlp_backward's gradients of the cross-entropy of net on x against targets y, each weight,
// bias and input compared with a central finite difference
// (coordinates whose step moves a unit across a kink, or a max pooling to another cell, are
// skipped): the largest relative error and how many were compared.
struct GradientCheck {
  double worst = 0;
  int checked = 0;
};
GradientCheck check_gradients(Mlp net, Eigen::MatrixXf x, const Eigen::MatrixXf& y);

// A gzip file (one member, fixed-Huffman deflate, written here without zlib)
// holding head followed by `zeros` zero bytes. Zeros cost 13 bits per 258, so
// a 1 GiB bomb takes 6.3 MB. Without with_crc the trailer's CRC is left 0
// (spares checksumming a bomb that must be refused long before its end).
Bytes gzip_zeros(const Bytes& head, std::uint64_t zeros, bool with_crc = true);
inline Bytes gzip(const Bytes& raw) { return gzip_zeros(raw, 0); }

}  // namespace lens::test
