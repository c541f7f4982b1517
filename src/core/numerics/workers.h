// Training's threads: a small persistent pool that runs the blocks of one product side by side.
//
// Why the bytes never depend on the thread count: a caller splits its output into blocks of a
// fixed size (columns of a product, runs of parameters for the optimizer), chosen without
// looking at the thread count, and each block computes its own outputs completely, in the
// summation order gemm.h fixes. Which thread runs a block, and when, only decides where the
// same operations run; no two blocks write the same output and no sum is split between them
// (a reduction over the batch is split over its outputs, never over the batch). So 1 thread,
// 2 threads and the single-threaded wasm build give the same bits.
//
// The pool starts with 1 thread (the caller only: nothing changes for code that never asks for
// more); lens-train sets it from --threads. The workers poll for a moment between jobs, since
// a training step hands them a job every few microseconds and waking a sleeping thread costs
// more than that, then sleep. When a worker keeps the caller waiting long (descheduled by other
// work on a busy machine), the caller runs the next jobs alone for a while. In wasm (no
// pthreads) everything runs on the caller.
#pragma once
#include <type_traits>

namespace lens {

// Total threads that run parallel_blocks' blocks, the caller included (at least 1). Call it from
// the thread that runs the products, outside parallel_blocks; it starts or stops workers.
void set_worker_threads(int threads);
int worker_threads();

// Calls fn(block) once for every block in [0, blocks), spread over the worker threads and the
// caller, and returns when all have finished. Blocks must write disjoint outputs. Runs
// everything on the caller when there is one block or one thread, when called from a block, or
// while another thread's call has the workers.
void parallel_blocks_run(int blocks, void (*fn)(void* context, int block), void* context);

template <class F> void parallel_blocks(int blocks, F&& fn) {
  using G = std::remove_reference_t<F>;
  parallel_blocks_run(blocks, [](void* c, int block) { (*static_cast<G*>(c))(block); }, const_cast<void*>(static_cast<const void*>(&fn)));
}

}  // namespace lens
