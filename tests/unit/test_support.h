// Helpers shared by the unit tests: where the data lives, small random networks.
#pragma once
#include <string>

#include "core/mlp.h"
#include "core/mnist.h"
#include "core/rng.h"

namespace lens::test {

// Folder with the MNIST IDX files: $LENS_MNIST_DIR (set by CTest), else ../shared/data/mnist.
std::string mnist_dir();
// Folder with the native forward reference: $LENS_FORWARD_REF_DIR, else the native build's.
std::string forward_ref_dir();
// The repository's assets/ folder: $LENS_ASSETS_DIR, else the source tree's.
std::string assets_dir();

// The 10k MNIST test set, loaded once (empty, with a test failure, when it cannot be read).
const DataSet& mnist_test_set();

// Fills every weight and bias of net with N(0, scale^2) from the seed.
void randomize(Mlp& net, std::uint64_t seed, float scale = 0.5f);

}  // namespace lens::test
