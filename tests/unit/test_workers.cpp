// The worker pool (src/core/numerics/workers.h): every block of every job runs exactly once, on any
// thread count, however the jobs follow each other. Training's bytes rest on it: a block run
// twice, or a job returning before a block has finished, would change sums.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/numerics/workers.h"

namespace lens {
namespace {

// Many short jobs back to back, their block counts going up and down (a late worker of one job
// must not claim a block of the next), each block counting its runs; checked after every job.
// Each block also writes a plain int, as a product writes its outputs: under ThreadSanitizer
// (the tsan preset) a block run twice, or still running after its job returned, is a reported
// race even when the counts happen to come out right.
TEST(Workers, EveryBlockRunsOnceInEveryJob) {
  for (int threads : {1, 2, 3, 4}) {
    set_worker_threads(threads);
#ifndef __EMSCRIPTEN__
    EXPECT_EQ(worker_threads(), threads);
#else
    EXPECT_EQ(worker_threads(), 1);  // no pthreads: the caller runs every block
#endif
    std::vector<std::atomic<int>> runs(64);
    std::vector<int> written(64, -1);
    int bad = 0;
    for (int job = 0; job < 50000 && bad == 0; ++job) {
      const int blocks = 1 + (job * 7) % 37;
      for (std::atomic<int>& r : runs) r.store(0);
      parallel_blocks(blocks, [&](int b) {
        runs[std::size_t(b)].fetch_add(1);
        written[std::size_t(b)] = job;
        volatile int spin = 0;  // a little work, so blocks overlap
        for (int i = 0; i < 20 * (b % 3); ++i) spin = spin + i;
      });
      for (int b = 0; b < 64; ++b)
        bad += runs[std::size_t(b)].load() != (b < blocks ? 1 : 0) || (b < blocks && written[std::size_t(b)] != job);
    }
    set_worker_threads(1);
    EXPECT_EQ(bad, 0) << threads << " threads: a block ran twice, not at all, or after its job returned";
  }
}

#ifndef __EMSCRIPTEN__
// Two threads asking at once: one job has the workers, the other runs inline; each block of
// each job still runs exactly once.
TEST(Workers, TwoCallersAtOnce) {
  set_worker_threads(2);
  int bad[2] = {0, 0};
  auto caller = [&](int who) {
    std::vector<std::atomic<int>> runs(16);
    for (int job = 0; job < 5000; ++job) {
      for (std::atomic<int>& r : runs) r.store(0);
      parallel_blocks(16, [&](int b) { runs[std::size_t(b)].fetch_add(1); });
      for (std::atomic<int>& r : runs) bad[who] += r.load() != 1;
    }
  };
  std::thread other(caller, 1);
  caller(0);
  other.join();
  set_worker_threads(1);
  EXPECT_EQ(bad[0] + bad[1], 0);
}
#endif

// A block that asks for blocks of its own runs them itself, in order; zero blocks run nothing.
TEST(Workers, NestedAndEmptyJobs) {
  set_worker_threads(2);
  std::vector<int> inner(8 * 4, -1);
  parallel_blocks(8, [&](int outer) {
    int order = 0;
    parallel_blocks(4, [&](int b) { inner[std::size_t(outer * 4 + b)] = order++; });
  });
  int ran = 0;
  parallel_blocks(0, [&](int) { ++ran; });
  set_worker_threads(1);
  for (int outer = 0; outer < 8; ++outer)
    for (int b = 0; b < 4; ++b) EXPECT_EQ(inner[std::size_t(outer * 4 + b)], b);
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace lens
