// libFuzzer target: the IDX reader (raw or gzip) and the MNIST pairing on
// arbitrary bytes; errors are values, never crashes.
#include <cstddef>
#include <cstdint>

#include "core/idx.h"
#include "core/mnist.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lens::Bytes bytes(data, data + size);
  const auto r = lens::idx_parse(bytes);
  if (!r) {
    if (r.error.empty()) __builtin_trap();
    return 0;
  }
  std::size_t n = 1;
  for (std::uint32_t d : r->dims) n *= d;
  if (n != r->data.size()) __builtin_trap();
  // Pair the array with itself both ways: exercises the shape and label checks.
  (void)lens::mnist_from_idx(*r, *r);
  return 0;
}
