#include "core/formats/mnist.h"

#include <cstdlib>
#include <cstdio>

#include "core/constants.h"

namespace lens {

Result<DataSet> mnist_from_idx(const IdxArray& images, const IdxArray& labels) {
  using R = Result<DataSet>;
  if (images.dims.size() != 3 || images.dims[1] != kSide || images.dims[2] != kSide)
    return R::fail("images: expected dimensions N x 28 x 28");
  if (labels.dims.size() != 1) return R::fail("labels: expected one dimension");
  if (images.items() != labels.items())
    return R::fail("wrong item count: " + std::to_string(images.items()) + " images but " +
                   std::to_string(labels.items()) + " labels");
  if (images.items() == 0) return R::fail("empty data set: 0 images and 0 labels");
  // Arrays from idx_parse always agree with their dims; hand-made ones might not.
  if (images.data.size() != images.items() * std::size_t(kPixels) || labels.data.size() != labels.items())
    return R::fail("inconsistent array: the data does not match the dimensions");
  DataSet d;
  const Eigen::Index N = Eigen::Index(images.items());
  d.labels.resize(std::size_t(N));
  for (Eigen::Index n = 0; n < N; ++n) {
    const int y = labels.data[std::size_t(n)];
    if (y > 9) return R::fail("labels: label " + std::to_string(y) + " of item " + std::to_string(n) + " is not a digit");
    d.labels[std::size_t(n)] = y;
  }
  d.images.resize(kPixels, N);
  const std::uint8_t* px = images.data.data();
  for (Eigen::Index i = 0; i < Eigen::Index(images.data.size()); ++i) d.images.data()[i] = float(px[i]) / 255.f;
  return R::ok(std::move(d));
}

static bool can_open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f) std::fclose(f);
  return f != nullptr;
}

// Reads one IDX file, plain or gzip; path gets the name of the file that was read.
static Result<IdxArray> read_idx(const std::string& dir, const std::string& name, std::string& path,
                                 std::size_t max_items = SIZE_MAX) {
  const std::string plain = dir + "/" + name, gz = plain + ".gz";
  path = can_open(plain) ? plain : gz;  // a plain file that exists but is bad is its own error
  if (path == gz && !can_open(gz))
    return Result<IdxArray>::fail("MNIST file missing: neither " + plain + " nor " + gz +
                                  " can be read (set --data or LENS_MNIST_DIR to the folder with the MNIST IDX files)");
  auto bytes = file_read(path, kIdxMaxFileBytes);
  if (!bytes) return Result<IdxArray>::fail(bytes.error);
  auto idx = idx_parse(*bytes, max_items);
  if (!idx) return Result<IdxArray>::fail(path + ": " + idx.error);
  return idx;
}

Result<IdxArray> mnist_read_idx(const std::string& dir, const std::string& name) {
  std::string path;
  return read_idx(dir, name, path);
}

Result<DataSet> mnist_load(const std::string& dir, const std::string& split, std::size_t max_images) {
  std::string images_path, labels_path;
  auto images = read_idx(dir, split + "-images-idx3-ubyte", images_path, max_images);
  if (!images) return Result<DataSet>::fail(images.error);
  auto labels = read_idx(dir, split + "-labels-idx1-ubyte", labels_path, max_images);
  if (!labels) return Result<DataSet>::fail(labels.error);
  // An empty set would train nothing and score "0 of 0": name the file that holds nothing.
  if (images->items() == 0) return Result<DataSet>::fail(images_path + " holds 0 images (an empty data set)");
  if (labels->items() == 0) return Result<DataSet>::fail(labels_path + " holds 0 labels (an empty data set)");
  auto d = mnist_from_idx(*images, *labels);
  if (!d) return Result<DataSet>::fail(dir + "/" + split + ": " + d.error);
  return d;
}

std::string mnist_default_dir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (const char* env = std::getenv("LENS_MNIST_DIR"); env && *env) return env;
  return "../shared/data/mnist";
}

DataSet dataset_slice(const DataSet& d, int first, int count) {
  DataSet s;
  s.images = d.images.middleCols(first, count);
  s.labels.assign(d.labels.begin() + first, d.labels.begin() + first + count);
  return s;
}

}  // namespace lens
