// Every limit of the ONNX reader and evaluator, named once (docs/onnx.md lists them). They
// bound what an untrusted .onnx file can make the page allocate or compute, and each is
// checked before the work: a file that declares a huge tensor, packs millions of values into
// one field or folds constants into gigabytes is refused with a message, never run out of
// memory. The page is wasm32 (4 GB of address space, size_t of 32 bits), so the budgets keep
// one import under about 0.6 GB at its peak:
//   the file (kOnnxMaxBytes) + every tensor kept (kOnnxMaxKeptBytes)
//   + the imported network, its bundle bytes and the bundle reader's copy (3 x 64 MB).
// Sized for the models people bring: the PyTorch MNIST example convnet has 1.2 M weights
// (4.8 MB of float32), and the largest network a bundle holds has 16 M (kBundleMaxParameters,
// 64 MB); both fit with room to spare.
#pragma once
#include <cstddef>
#include <cstdint>

namespace lens {

constexpr std::size_t kOnnxMaxBytes = std::size_t(256) << 20;          // the largest .onnx file read
constexpr std::uint64_t kOnnxMaxTensorElements = std::uint64_t(1) << 24;  // in one tensor (16.8 M, as a bundle's weights)
constexpr std::uint64_t kOnnxMaxKeptBytes = std::uint64_t(128) << 20;     // all tensors held at once, decoded:
                                                                          // initializers, constants, attribute lists,
                                                                          // folded and evaluated values
constexpr std::uint64_t kOnnxMaxMultiplyAdds = std::uint64_t(1) << 28;   // work in one fold or run (268 M): Gemm, MatMul and
                                                                         // Conv multiply-adds, the cells pools read
constexpr std::size_t kOnnxMaxRank = 8;                                 // dimensions of one tensor or value
constexpr std::size_t kOnnxMaxNodes = 4096;
constexpr std::size_t kOnnxMaxTensors = 4096;                           // initializers + attribute tensors
constexpr std::size_t kOnnxMaxNodeValues = 64;                          // inputs or outputs of one node
constexpr std::size_t kOnnxMaxAttributes = 64;                          // of one node
constexpr std::size_t kOnnxMaxMetadata = 256;                           // metadata_props entries kept

// Decoded sizes: floats (whatever they were stored as) take 4 bytes, integers 8.
constexpr std::uint64_t kOnnxFloatBytes = 4, kOnnxIntBytes = 8;
static_assert(kOnnxMaxTensorElements * kOnnxIntBytes <= kOnnxMaxKeptBytes, "one tensor of the largest size fits the budget");
static_assert(kOnnxMaxKeptBytes < (std::uint64_t(1) << 31), "every count and offset within the budget fits wasm32's size_t");

}  // namespace lens
