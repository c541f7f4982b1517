#include "core/numerics/workers.h"

#include <algorithm>

#ifndef __EMSCRIPTEN__
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#endif

namespace lens {

#ifdef __EMSCRIPTEN__

void set_worker_threads(int) {}
int worker_threads() { return 1; }
void parallel_blocks_run(int blocks, void (*fn)(void*, int), void* context) {
  for (int b = 0; b < blocks; ++b) fn(context, b);
}

#else

namespace {

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// One job at a time. The caller closes the last generation, writes the job (fn, context,
// blocks), then publishes it as `ticket` = generation << 32 | next block; a thread claims block
// i by moving the ticket from (generation, i) to (generation, i + 1), so a worker that wakes
// late, still holding an old ticket, cannot claim anything (its generation no longer matches).
// The caller claims blocks too and returns once `done` counts all of them: it never waits for a
// worker that has not turned up (a descheduled thread on a busy machine), it just runs that
// worker's share itself. One caller at a time: `busy` sends a second one to run inline.
class ThreadPool {
 public:
  ~ThreadPool() { resize(0); }

  int threads() const { return int(workers_.size()) + 1; }

  void resize(int extra) {
    if (!workers_.empty()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_.store(true);
      }
      wake_.notify_all();
      for (std::thread& t : workers_) t.join();
      workers_.clear();
      stop_.store(false);
    }
    for (int i = 0; i < extra; ++i) workers_.emplace_back([this] { work(); });
  }

  void run(int blocks, void (*fn)(void*, int), void* context) {
    // First close the old generation: a worker that read the old ticket and then reads this
    // job's blocks_ must fail its exchange, or it would claim a block of this job before the
    // job is complete (and run it twice).
    const std::uint64_t generation = (ticket_.load(std::memory_order_relaxed) >> 32) + 1;
    ticket_.store(generation << 32 | kClosed, std::memory_order_seq_cst);
    fn_.store(fn, std::memory_order_release);
    context_.store(context, std::memory_order_release);
    blocks_.store(blocks, std::memory_order_release);
    done_.store(0, std::memory_order_release);
    ticket_.store(generation << 32, std::memory_order_release);
    bool sleepers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sleepers = sleeping_ > 0;
    }
    if (sleepers) wake_.notify_all();
    while (claim()) {
    }
    if (done_.load(std::memory_order_acquire) < blocks) {
      const auto t0 = std::chrono::steady_clock::now();
      // A worker still runs a block. Yielding after a short spin lets it have this core if the
      // machine is busy and it waits for one.
      for (int i = 0; done_.load(std::memory_order_acquire) < blocks; ++i) i < 64 ? relax() : std::this_thread::yield();
      const auto now = std::chrono::steady_clock::now();
      // A worker that held a block this long was descheduled by other work on the cores, and
      // will be again: run the next jobs alone for a while (the same blocks, so the same bits).
      if (now - t0 > std::chrono::microseconds(500)) solo_until_ = now + std::chrono::milliseconds(200);
    }
  }

  // Takes the pool for one job; false when another thread's job holds it.
  bool acquire() { return !busy_.exchange(true, std::memory_order_acquire); }
  void release() { busy_.store(false, std::memory_order_release); }

  // Whether jobs run on the caller alone for now (see run()).
  bool solo() const { return solo_until_ > std::chrono::steady_clock::time_point{} &&
                             std::chrono::steady_clock::now() < solo_until_; }

 private:
  // Claims and runs one block of the current job; false when none is left.
  bool claim() {
    std::uint64_t t = ticket_.load(std::memory_order_acquire);
    for (;;) {
      // Read after the ticket: the job these belong to stays current at least until the
      // exchange below succeeds, since its caller waits for the block it hands out.
      // (A value written for a later job comes with its closed ticket, so the exchange fails.)
      void (*fn)(void*, int) = fn_.load(std::memory_order_acquire);
      void* context = context_.load(std::memory_order_acquire);
      const std::uint32_t block = std::uint32_t(t);
      if (block >= std::uint32_t(blocks_.load(std::memory_order_acquire))) return false;
      if (ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
        fn(context, int(block));
        done_.fetch_add(1, std::memory_order_release);
        return true;
      }
    }
  }

  // Polls about a millisecond for work (a training step brings some every few microseconds),
  // then sleeps until a job comes. It polls by yielding: on free cores a yield returns at once,
  // and on a busy machine it hands the core to the caller or to other work instead of taking
  // their time (spinning with pause there made two threads slower than one).
  void work() {
    in_worker() = true;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    for (int i = 0; !stop_.load(std::memory_order_relaxed); ++i) {
      if (claim()) {
        until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
        continue;
      }
      std::this_thread::yield();  // hands the core to the caller or other work, when either waits for it
      if ((i & 255) != 255 || std::chrono::steady_clock::now() < until) continue;
      std::unique_lock<std::mutex> lock(mutex_);
      const std::uint64_t seen = ticket_.load(std::memory_order_acquire) >> 32;
      ++sleeping_;
      wake_.wait(lock, [&] { return stop_.load() || (ticket_.load(std::memory_order_acquire) >> 32) != seen; });
      --sleeping_;
      until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    }
  }

 public:
  static bool& in_worker() {
    static thread_local bool inside = false;
    return inside;
  }

 private:
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  static constexpr std::uint64_t kClosed = 0xffffffffu;  // a block index no job has
  std::atomic<std::uint64_t> ticket_{0};
  std::atomic<int> blocks_{0}, done_{0};
  std::atomic<void (*)(void*, int)> fn_{nullptr};
  std::atomic<void*> context_{nullptr};
  int sleeping_ = 0;  // guarded by mutex_
  std::chrono::steady_clock::time_point solo_until_{};  // the caller's only
  std::atomic<bool> stop_{false}, busy_{false};
};

ThreadPool& pool() {
  static ThreadPool p;
  return p;
}

// Set while a thread runs blocks, so a block that calls parallel_blocks again runs it inline.
bool& in_blocks() {
  static thread_local bool inside = false;
  return inside;
}

}  // namespace

void set_worker_threads(int threads) {
  threads = std::clamp(threads, 1, 64);
  if (threads != pool().threads()) pool().resize(threads - 1);
}

int worker_threads() { return pool().threads(); }

void parallel_blocks_run(int blocks, void (*fn)(void*, int), void* context) {
  // Inline: one block, one thread, a block asking for blocks, or another thread's job running.
  bool inline_run = blocks <= 1 || pool().threads() == 1 || in_blocks() || ThreadPool::in_worker() || !pool().acquire();
  if (!inline_run && pool().solo()) {  // the machine is busy (see ThreadPool::run)
    pool().release();
    inline_run = true;
  }
  if (inline_run) {
    for (int b = 0; b < blocks; ++b) fn(context, b);
    return;
  }
  in_blocks() = true;
  pool().run(blocks, fn, context);
  in_blocks() = false;
  pool().release();
}

#endif

}  // namespace lens
