#include "engine/compute/thread_pool.h"

#include <immintrin.h>
#include "engine/util/log.h"

#include <exception>
#include <system_error>

#include "engine/compute/cpu_topology.h"

// How a job runs (what must stay true when changing this file):
//
//  dispatcher                                   worker / dispatcher itself (run_tasks)
//  ----------                                   --------------------------------------
//  claim_ is (old job, kClosed)                 s = claim_ (acquire); n = job_n_tasks_ (acquire)
//  write job_fn_, job_ctx_, done_ = 0           if index(s) >= n: nothing to claim
//  job_n_tasks_ = n          (release)          CAS claim_ s -> s + 1; on success run task index(s)
//  claim_ = (job, 0)         (release)          done_ += 1; the one reaching n notifies
//  wake_ += 1, notify
//  run_tasks(0); wait done_ == n
//  claim_ = (job, kClosed)
//
// A claim succeeds only while claim_ still holds (job, i < n) for the job whose n was read: the
// job id in the same word as the counter makes a stale worker's CAS fail once a job is closed,
// and a worker that sees the *next* job's n_tasks (release/acquire) also sees the close. So a
// worker that wakes late never runs a task of a finished job and the dispatcher waits only for
// tasks, not for every worker to check in (a descheduled worker costs nothing).

namespace pw::compute {
namespace {

constexpr uint32_t kClosed = 0xFFFFFFFFu;
constexpr int64_t kMaxTasks = 0x7FFFFFFF;

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

// Marks the current thread as running tasks of `pool` for the scope's lifetime.
class RunningScope {
 public:
  RunningScope(const ThreadPool* pool, int thread) : outer_pool_(t_running_pool), outer_index_(t_thread_index) {
    t_running_pool = pool;
    t_thread_index = thread;
  }
  ~RunningScope() {
    t_running_pool = outer_pool_;
    t_thread_index = outer_index_;
  }
  RunningScope(const RunningScope&) = delete;
  RunningScope& operator=(const RunningScope&) = delete;

 private:
  const ThreadPool* outer_pool_;
  int outer_index_;
};

}  // namespace

ThreadPool::ThreadPool(const ThreadPoolOptions& options) : spin_(options.spin) {
  const int wanted = options.threads > 0 ? options.threads : physical_core_count();
  workers_.reserve(static_cast<size_t>(wanted > 1 ? wanted - 1 : 0));
  for (int t = 1; t < wanted; ++t) {
    try {
      workers_.emplace_back([this, t] { worker_main(t); });
    } catch (const std::system_error& e) {
      pw::log::warn("thread pool: could not start thread {} of {} ({}); continuing with {}", t + 1, wanted,
                   e.what(), t);
      break;
    }
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(dispatch_mutex_);
    stopping_.store(true, std::memory_order_release);
    wake_.fetch_add(1, std::memory_order_release);
    wake_.notify_all();
  }
  for (auto& w : workers_) w.join();
}

void ThreadPool::worker_main(int thread) {
  RunningScope scope(this, thread);
  for (;;) {
    // Read before looking for work: a job published after this load changes wake_, so the
    // wait below cannot miss it.
    const uint32_t seen = wake_.load(std::memory_order_acquire);
    if (stopping_.load(std::memory_order_acquire)) return;
    run_tasks(thread);
    auto woken = [&] { return wake_.load(std::memory_order_acquire) != seen; };
    if (!spin_until(woken, spin_))
      while (!woken()) wake_.wait(seen, std::memory_order_acquire);
  }
}

void ThreadPool::run_tasks(int thread) {
  for (;;) {
    uint64_t s = claim_.load(std::memory_order_acquire);
    for (;;) {
      const uint32_t n = job_n_tasks_.load(std::memory_order_acquire);
      if (static_cast<uint32_t>(s) >= n) return;  // closed, or every task claimed
      if (claim_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) break;
    }
    const int64_t task = static_cast<uint32_t>(s);
    if (!failed_.load(std::memory_order_relaxed)) {
      try {
        job_fn_(job_ctx_, task, thread);
      } catch (const std::exception& e) {
        record_failure(task, e.what());
      } catch (...) {
        record_failure(task, "unknown exception");
      }
    }
    // n cannot change before this task is counted: the job stays open until done_ == n.
    const uint32_t n = job_n_tasks_.load(std::memory_order_relaxed);
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == n) done_.notify_all();
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
    RunningScope scope(this, 0);
    return run_inline(n_tasks, fn, ctx, 0);
  }
  if (n_tasks > kMaxTasks)
    return Error(ErrorCode::InvalidArgument, "thread pool", std::to_string(n_tasks) + " tasks in one job is too many");

  std::lock_guard lock(dispatch_mutex_);
  const uint32_t n = static_cast<uint32_t>(n_tasks);
  ++job_id_;
  // claim_ is closed here (constructor or the end of the previous job): nobody reads these.
  job_fn_ = fn;
  job_ctx_ = ctx;
  done_.store(0, std::memory_order_relaxed);
  job_n_tasks_.store(n, std::memory_order_release);
  claim_.store(static_cast<uint64_t>(job_id_) << 32, std::memory_order_release);  // open: task 0 next
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_all();  // no system call unless a worker sleeps

  {
    RunningScope scope(this, 0);
    run_tasks(0);
  }

  auto all_done = [&] { return done_.load(std::memory_order_acquire) == n; };
  if (!spin_until(all_done, spin_)) {
    for (;;) {
      const uint32_t d = done_.load(std::memory_order_acquire);
      if (d == n) break;
      done_.wait(d, std::memory_order_acquire);
    }
  }
  // Close before the next job's fields are written (see the table at the top).
  claim_.store((static_cast<uint64_t>(job_id_) << 32) | kClosed, std::memory_order_release);
  return take_result();
}

}  // namespace pw::compute
