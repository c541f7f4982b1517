// libFuzzer target: bundle_read on arbitrary bytes must return a value or an
// error, never crash, hang or read out of bounds (built with ASan + UBSan).
#include <cstddef>
#include <cstdint>

#include "core/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lens::Bytes bytes(data, data + size);
  const auto r = lens::bundle_read(bytes);
  if (r) {
    // Whatever parses must survive a round trip unchanged.
    const lens::Bytes again = lens::bundle_write(*r);
    const auto r2 = lens::bundle_read(again);
    if (!r2 || lens::bundle_write(*r2) != again) __builtin_trap();
  } else if (r.error.empty()) {
    __builtin_trap();  // every rejection must say why
  }
  return 0;
}
