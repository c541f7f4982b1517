// libFuzzer target: bundle_read on arbitrary bytes must return a value or an
// error, never crash, hang or read out of bounds (built with ASan + UBSan).
#include <cstddef>
#include <cstdint>

#include "core/formats/bundle.h"
#include "core/formats/crc32.h"

static void check(const lens::Bytes& bytes) {
  const auto r = lens::bundle_read(bytes);
  if (r) {
    // Whatever parses must survive a round trip unchanged.
    const lens::Bytes again = lens::bundle_write(*r);
    const auto r2 = lens::bundle_read(again);
    if (!r2 || lens::bundle_write(*r2) != again) __builtin_trap();
  } else if (r.error.empty()) {
    __builtin_trap();  // every rejection must say why
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lens::Bytes bytes(data, data + size);
  check(bytes);
  // Mutations almost never keep the CRC right, which would stop them at the
  // checksum: read the input again with its last 4 bytes made the right CRC,
  // so the weight checks and the round trip see mutated files too.
  if (size >= 20) {
    lens::Bytes sealed = bytes;
    lens::set_le_u32(&sealed[sealed.size() - 4], lens::crc32(sealed.data(), sealed.size() - 4));
    if (sealed != bytes) check(sealed);
  }
  return 0;
}
