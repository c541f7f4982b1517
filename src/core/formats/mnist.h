// The MNIST data set as matrices: images (784, N) in [0,1], labels 0-9.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/formats/idx.h"
#include "core/result.h"

namespace lens {

struct DataSet {
  Eigen::MatrixXf images;   // (784, N), one image per column, row-major 28x28 pixels, 0 = background
  std::vector<int> labels;  // (N), 0..9
  int size() const { return int(labels.size()); }
};

// Pairs an images IDX (N x 28 x 28) with a labels IDX (N) and checks they agree.
Result<DataSet> mnist_from_idx(const IdxArray& images, const IdxArray& labels);

// Loads "<dir>/<split>-images-idx3-ubyte" and "-labels-idx1-ubyte" (plain, or with .gz),
// split being "train" or "t10k". Errors name the file and what is wrong with it. A file that
// declares more than max_images items is refused before its data is read (the caller's
// memory budget: lens-train's, train_budget.h).
Result<DataSet> mnist_load(const std::string& dir, const std::string& split, std::size_t max_images = SIZE_MAX);
// Reads one IDX file from dir trying the plain name, then name + ".gz".
Result<IdxArray> mnist_read_idx(const std::string& dir, const std::string& name);

// The data directory: explicit argument, else $LENS_MNIST_DIR, else ../shared/data/mnist.
std::string mnist_default_dir(const std::string& explicit_dir = "");

// Columns [first, first + count) of a data set.
DataSet dataset_slice(const DataSet& d, int first, int count);

}  // namespace lens
