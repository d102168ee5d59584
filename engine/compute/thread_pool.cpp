#include "engine/compute/thread_pool.h"

#include <immintrin.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <system_error>

#include "engine/compute/cpu_topology.h"

namespace pw::compute {
namespace {

// Which pool (if any) the current thread is running a task for, so a nested parallel_for on
// the same pool runs inline instead of waiting for itself.
thread_local const ThreadPool* t_running_pool = nullptr;
thread_local int t_thread_index = 0;

// Spins (with PAUSE, friendly to a sibling hyper-thread) until `done()` or `budget` elapses;
// returns done(). The clock is read only every 64 rounds: it is far slower than a load.
template <typename Done>
bool spin_until(Done done, std::chrono::microseconds budget) {
  if (done()) return true;
  if (budget.count() <= 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      _mm_pause();
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

}  // namespace

ThreadPool::ThreadPool(const ThreadPoolOptions& options) : spin_(options.spin) {
  const int wanted = options.threads > 0 ? options.threads : physical_core_count();
  workers_.reserve(static_cast<size_t>(wanted > 1 ? wanted - 1 : 0));
  for (int t = 1; t < wanted; ++t) {
    try {
      workers_.emplace_back([this, t] { worker_main(t); });
    } catch (const std::system_error& e) {
      spdlog::warn("thread pool: could not start thread {} of {} ({}); continuing with {}", t + 1, wanted,
                   e.what(), t);
      break;
    }
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(dispatch_mutex_);
    stopping_.store(true, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
  }
  for (auto& w : workers_) w.join();
}

void ThreadPool::worker_main(int thread) {
  t_running_pool = this;
  t_thread_index = thread;
  uint32_t seen = 0;
  for (;;) {
    auto changed = [&] { return generation_.load(std::memory_order_acquire) != seen; };
    if (!spin_until(changed, spin_)) {
      // Sleep until the generation moves; wait() re-checks the value, so a bump between our
      // last look and this call is not lost.
      while (!changed()) generation_.wait(seen, std::memory_order_acquire);
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stopping_.load(std::memory_order_relaxed)) return;
    run_tasks(thread);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_all();
  }
}

void ThreadPool::run_tasks(int thread) {
  const int64_t n = job_n_tasks_;
  for (;;) {
    if (failed_.load(std::memory_order_relaxed)) return;
    const int64_t task = next_task_.fetch_add(1, std::memory_order_relaxed);
    if (task >= n) return;
    try {
      job_fn_(job_ctx_, task, thread);
    } catch (const std::exception& e) {
      record_failure(task, e.what());
    } catch (...) {
      record_failure(task, "unknown exception");
    }
  }
}

void ThreadPool::record_failure(int64_t task, const char* what) {
  std::lock_guard lock(failure_mutex_);
  if (!failed_.load(std::memory_order_relaxed)) {
    failure_ = "task " + std::to_string(task) + " threw: " + what;
    failed_.store(true, std::memory_order_relaxed);
  }
}

Status ThreadPool::take_result() {
  if (!failed_.load(std::memory_order_acquire)) return ok_status();
  std::lock_guard lock(failure_mutex_);
  Error e(ErrorCode::Internal, "thread pool", failure_);
  failure_.clear();
  failed_.store(false, std::memory_order_relaxed);
  return e;
}

Status ThreadPool::run_inline(int64_t n_tasks, TaskFn fn, void* ctx, int thread) {
  for (int64_t task = 0; task < n_tasks; ++task) {
    try {
      fn(ctx, task, thread);
    } catch (const std::exception& e) {
      return Error(ErrorCode::Internal, "thread pool", "task " + std::to_string(task) + " threw: " + e.what());
    } catch (...) {
      return Error(ErrorCode::Internal, "thread pool", "task " + std::to_string(task) + " threw: unknown exception");
    }
  }
  return ok_status();
}

Status ThreadPool::run(int64_t n_tasks, TaskFn fn, void* ctx) {
  if (n_tasks <= 0) return ok_status();
  if (t_running_pool == this) return run_inline(n_tasks, fn, ctx, t_thread_index);
  if (workers_.empty() || n_tasks == 1) {
    const ThreadPool* outer = t_running_pool;
    const int outer_index = t_thread_index;
    t_running_pool = this;
    t_thread_index = 0;
    Status s = run_inline(n_tasks, fn, ctx, 0);
    t_running_pool = outer;
    t_thread_index = outer_index;
    return s;
  }

  std::lock_guard lock(dispatch_mutex_);
  job_fn_ = fn;
  job_ctx_ = ctx;
  job_n_tasks_ = n_tasks;
  next_task_.store(0, std::memory_order_relaxed);
  pending_.store(static_cast<uint32_t>(workers_.size()), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);  // publishes the job fields above
  generation_.notify_all();                             // no syscall unless a worker sleeps

  const ThreadPool* outer = t_running_pool;
  const int outer_index = t_thread_index;
  t_running_pool = this;
  t_thread_index = 0;
  run_tasks(0);
  t_running_pool = outer;
  t_thread_index = outer_index;

  auto all_done = [&] { return pending_.load(std::memory_order_acquire) == 0; };
  if (!spin_until(all_done, spin_)) {
    for (;;) {
      const uint32_t p = pending_.load(std::memory_order_acquire);
      if (p == 0) break;
      pending_.wait(p, std::memory_order_acquire);
    }
  }
  return take_result();
}

}  // namespace pw::compute
