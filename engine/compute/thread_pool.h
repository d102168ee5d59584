// A persistent pool of worker threads for the engine's matrix work. Threads are created once
// and parked between jobs, so a dispatch costs microseconds (the decode loop dispatches about
// 200 times per token; pagewise-bench kernels reports "dispatch_overhead_us").
//
//   pw::compute::ThreadPool pool;                       // physical cores (cpu_topology.h)
//   pw::compute::ThreadPool pool2({.threads = 2});      // or an explicit count
//   pw::Status s = pool.parallel_for(n_chunks, [&](int64_t chunk, int thread) {
//     ... work on chunk; `thread` in [0, pool.size()) indexes per-thread scratch ...
//   });
//   pw::Status s2 = pool.parallel_for_range(rows, 64, [&](int64_t begin, int64_t end, int thread) {...});
//
// Rules (must not change):
// - The calling thread takes part as thread 0; workers are 1..size()-1.
// - Tasks are claimed dynamically (compare-and-swap), so which thread runs a task is not fixed.
//   Work that must give bit-identical results for any thread count must therefore make each
//   task's output depend only on the task index, never on the thread index or on timing.
// - No exception escapes: a task that throws makes parallel_for return an Internal error
//   naming the task; tasks not yet started are skipped. The pool stays usable.
// - Calls from several threads are serialised; a parallel_for issued from inside a task of the
//   same pool runs inline on that thread (no deadlock).
// - Idle workers spin for `spin` (cheap wake-up between back-to-back dispatches), then sleep on
//   a futex (std::atomic::wait) so an idle application costs no CPU.
// - parallel_for waits for its tasks, not for its workers: a worker the OS has not scheduled yet
//   (a busy desktop) is not waited for; the caller and the running workers take its share.
//   This is why claiming is a compare-and-swap on (job id, next task) — see thread_pool.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "engine/util/status.h"

namespace pw::compute {

struct ThreadPoolOptions {
  int threads = 0;                                  // <= 0: physical_core_count()
  std::chrono::microseconds spin{100};              // busy-wait before sleeping
};

class ThreadPool {
 public:
  ThreadPool() : ThreadPool(ThreadPoolOptions{}) {}
  explicit ThreadPool(const ThreadPoolOptions& options);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads that run tasks, the caller included. Can be less than asked for when the OS
  // refused to create a thread (logged once).
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(task, thread) for every task in [0, n_tasks), returns when all are done.
  template <typename Fn>
  Status parallel_for(int64_t n_tasks, Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    return run(n_tasks, [](void* ctx, int64_t task, int thread) { (*static_cast<F*>(ctx))(task, thread); },
               const_cast<void*>(static_cast<const void*>(&fn)));
  }

  // Splits [0, n) into chunks of `chunk` items (the last may be shorter) and runs
  // fn(begin, end, thread) for each. Chunk boundaries depend only on n and chunk.
  template <typename Fn>
  Status parallel_for_range(int64_t n, int64_t chunk, Fn&& fn) {
    if (chunk < 1) chunk = 1;
    const int64_t n_chunks = n <= 0 ? 0 : (n + chunk - 1) / chunk;
    return parallel_for(n_chunks, [&](int64_t c, int thread) {
      const int64_t begin = c * chunk;
      fn(begin, begin + chunk < n ? begin + chunk : n, thread);
    });
  }

 private:
  using TaskFn = void (*)(void* ctx, int64_t task, int thread);

  Status run(int64_t n_tasks, TaskFn fn, void* ctx);
  Status run_inline(int64_t n_tasks, TaskFn fn, void* ctx, int thread);
  void worker_main(int thread);
  void run_tasks(int thread);  // claims tasks of the open job until none are left
  void record_failure(int64_t task, const char* what);
  Status take_result();

  std::vector<std::thread> workers_;
  std::chrono::microseconds spin_;
  std::mutex dispatch_mutex_;  // one job at a time

  // The current job. Written by the dispatcher only while no task can be claimed (see
  // thread_pool.cpp), read by whoever claims a task.
  TaskFn job_fn_ = nullptr;
  void* job_ctx_ = nullptr;
  alignas(64) std::atomic<uint32_t> job_n_tasks_{0};
  // (job id << 32) | next unclaimed task; task index kClosed means "no job open".
  alignas(64) std::atomic<uint64_t> claim_{0xFFFFFFFFu};
  alignas(64) std::atomic<uint32_t> done_{0};     // tasks of the current job finished
  alignas(64) std::atomic<uint32_t> wake_{0};     // bumped per job; idle workers wait on it
  std::atomic<bool> stopping_{false};
  std::atomic<bool> failed_{false};
  std::mutex failure_mutex_;
  std::string failure_;
  uint32_t job_id_ = 0;
};

}  // namespace pw::compute
