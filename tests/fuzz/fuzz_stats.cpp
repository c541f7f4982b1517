// libFuzzer target: stats_file_read (the statistics sidecar) on arbitrary bytes, against a
// fixed small model (784 -> 4 -> 3 -> 10): a value or an error, never a crash, a hang or a read
// out of bounds (ASan + UBSan).
#include <cstddef>
#include <cstdint>

#include "core/formats/bundle.h"
#include "core/formats/crc32.h"
#include "interpret/stats_file.h"

static const lens::Bundle& model() {
  static const lens::Bundle b = [] {
    lens::Bundle m;
    m.info.id = "fuzz";
    m.net = lens::mlp_make({784, 4, 3, 10}, lens::Activation::ReLU);
    for (auto& d : m.net.layers) d.W.setConstant(0.01f);
    return m;
  }();
  return b;
}

// Written once: stats_bundle_identity writes the whole bundle, which was most of each run's time.
static std::uint32_t model_identity() {
  static const std::uint32_t id = lens::stats_bundle_identity(model());
  return id;
}

static void check(const lens::Bytes& bytes) {
  // The test set the file names (identity and image count) is the one expected, so that
  // mutated files reach the body's checks; the identity check itself is tested in test_stats_file.
  const lens::StatsDataSet named{bytes.size() >= 24 ? lens::get_le_u32(&bytes[16]) : 0u,
                                 bytes.size() >= 24 ? int(lens::get_le_u32(&bytes[20]) & 0x7fffffffu) : 0};
  const auto r = lens::stats_file_read(bytes, model(), model_identity(), named);
  if (r) {
    // Whatever is accepted is written back to the same bytes.
    if (lens::stats_file_write(*r) != bytes) __builtin_trap();
  } else if (r.error.empty()) {
    __builtin_trap();  // every refusal says why
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lens::Bytes bytes(data, data + size);
  check(bytes);
  // Mutations rarely keep the model's identity and the CRC right, which would stop them at
  // the header: read again with both made right, so the body's checks see mutated files too.
  if (size >= 24) {
    lens::Bytes sealed = bytes;
    lens::set_le_u32(&sealed[12], model_identity());
    lens::set_le_u32(&sealed[sealed.size() - 4], lens::crc32(sealed.data(), sealed.size() - 4));
    if (sealed != bytes) check(sealed);
  }
  return 0;
}
