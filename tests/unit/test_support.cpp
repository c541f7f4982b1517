#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/mnist.h"

namespace lens::test {

#ifndef LENS_TEST_MNIST_DIR
#define LENS_TEST_MNIST_DIR ""
#endif
#ifndef LENS_TEST_ASSETS_DIR
#define LENS_TEST_ASSETS_DIR ""
#endif
#ifndef LENS_TEST_FORWARD_REF_DIR
#define LENS_TEST_FORWARD_REF_DIR ""
#endif

static std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string mnist_dir() { return mnist_default_dir(env_or("LENS_MNIST_DIR", LENS_TEST_MNIST_DIR)); }

std::string assets_dir() { return env_or("LENS_ASSETS_DIR", LENS_TEST_ASSETS_DIR); }

std::string forward_ref_dir() { return env_or("LENS_FORWARD_REF_DIR", LENS_TEST_FORWARD_REF_DIR); }

void randomize(Mlp& net, std::uint64_t seed, float scale) {
  Rng rng(seed);
  for (Dense& d : net.layers) {
    for (Eigen::Index i = 0; i < d.W.size(); ++i) d.W.data()[i] = scale * rng.normal();
    for (Eigen::Index i = 0; i < d.b.size(); ++i) d.b(i) = scale * rng.normal();
  }
}

const DataSet& mnist_test_set() {
  static const DataSet d = [] {
    auto r = mnist_load(mnist_dir(), "t10k");
    if (!r) { ADD_FAILURE() << r.error; return DataSet{}; }
    return *r;
  }();
  return d;
}

}  // namespace lens::test
