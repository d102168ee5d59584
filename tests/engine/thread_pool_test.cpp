// The persistent thread pool: every task runs exactly once, work really runs in parallel,
// exceptions become errors, nested and concurrent calls do not deadlock, sleeping workers wake.
#include "engine/compute/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/compute/cpu_topology.h"

namespace pw::compute {
namespace {

using namespace std::chrono_literals;

TEST(ThreadPool, SizeIsWhatWasAskedForAndDefaultsToPhysicalCores) {
  for (int n : {1, 2, 3, 4}) EXPECT_EQ(ThreadPool({.threads = n}).size(), n);
  ThreadPool pool;
  EXPECT_EQ(pool.size(), physical_core_count());
  EXPECT_GE(pool.size(), 1);
}

TEST(ThreadPool, EveryTaskRunsExactlyOnceForAnyThreadCount) {
  for (int threads = 1; threads <= 4; ++threads) {
    ThreadPool pool({.threads = threads});
    for (int64_t n : {0, 1, 2, 3, 7, 64, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<int> bad_thread{0};
      Status s = pool.parallel_for(n, [&](int64_t task, int thread) {
        if (thread < 0 || thread >= threads) bad_thread.fetch_add(1);
        hits[static_cast<size_t>(task)].fetch_add(1);
      });
      ASSERT_TRUE(s.ok()) << s.error().describe();
      EXPECT_EQ(bad_thread.load(), 0);
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "task " << i << " of " << n;
    }
  }
}

// n_tasks == size tasks that each wait until all of them have started: only possible if every
// pool thread (the caller included) runs one at the same time.
TEST(ThreadPool, AllThreadsIncludingTheCallerWorkAtOnce) {
  for (int threads : {2, 3, 4}) {
    ThreadPool pool({.threads = threads});
    std::atomic<int> arrived{0};
    std::atomic<bool> timed_out{false};
    std::vector<int> thread_of_task(static_cast<size_t>(threads), -1);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    Status s = pool.parallel_for(threads, [&](int64_t task, int thread) {
      thread_of_task[static_cast<size_t>(task)] = thread;
      arrived.fetch_add(1);
      while (arrived.load() < threads) {
        if (std::chrono::steady_clock::now() > deadline) {
          timed_out = true;
          return;
        }
        std::this_thread::yield();
      }
    });
    ASSERT_TRUE(s.ok());
    ASSERT_FALSE(timed_out.load()) << "tasks never all ran at once with " << threads << " threads";
    std::set<int> distinct(thread_of_task.begin(), thread_of_task.end());
    EXPECT_EQ(static_cast<int>(distinct.size()), threads);
    EXPECT_TRUE(distinct.count(0)) << "the calling thread must take part as thread 0";
  }
}

TEST(ThreadPool, ManyTinyDispatchesStayCorrect) {
  ThreadPool pool({.threads = 2});
  std::atomic<int64_t> sum{0};
  int64_t expected = 0;
  for (int i = 0; i < 5000; ++i) {
    const int64_t n = 1 + i % 5;
    ASSERT_TRUE(pool.parallel_for(n, [&](int64_t task, int) { sum.fetch_add(task + 1); }).ok());
    expected += n * (n + 1) / 2;
  }
  EXPECT_EQ(sum.load(), expected);
}

TEST(ThreadPool, ExceptionInATaskIsReportedAndThePoolStaysUsable) {
  ThreadPool pool({.threads = 3});
  Status s = pool.parallel_for(100, [&](int64_t task, int) {
    if (task == 42) throw std::runtime_error("boom at 42");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::Internal);
  EXPECT_NE(s.error().describe().find("task 42"), std::string::npos) << s.error().describe();
  EXPECT_NE(s.error().describe().find("boom at 42"), std::string::npos) << s.error().describe();

  Status odd = pool.parallel_for(10, [&](int64_t task, int) {
    if (task == 3) throw 7;  // not a std::exception
  });
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().describe().find("unknown exception"), std::string::npos);

  // The failure does not stick: the next job runs fully and reports success.
  std::atomic<int> count{0};
  EXPECT_TRUE(pool.parallel_for(100, [&](int64_t, int) { count.fetch_add(1); }).ok());
  EXPECT_EQ(count.load(), 100);

  // Single-thread pools and single tasks (run inline on the caller) also report, not throw.
  ThreadPool one({.threads = 1});
  Status inline_error = one.parallel_for(5, [](int64_t task, int) {
    if (task == 2) throw std::logic_error("inline");
  });
  ASSERT_FALSE(inline_error.ok());
  EXPECT_NE(inline_error.error().describe().find("inline"), std::string::npos);
  EXPECT_FALSE(pool.parallel_for(1, [](int64_t, int) { throw std::runtime_error("x"); }).ok());
}

TEST(ThreadPool, NestedParallelForOnTheSamePoolRunsInline) {
  ThreadPool pool({.threads = 3});
  std::atomic<int> inner{0};
  std::atomic<int> wrong_thread{0};
  Status s = pool.parallel_for(6, [&](int64_t, int outer_thread) {
    Status n = pool.parallel_for(4, [&](int64_t, int thread) {
      if (thread != outer_thread) wrong_thread.fetch_add(1);
      inner.fetch_add(1);
    });
    if (!n.ok()) wrong_thread.fetch_add(100);
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(inner.load(), 24);
  EXPECT_EQ(wrong_thread.load(), 0);
}

TEST(ThreadPool, CallsFromSeveralThreadsAreSerialised) {
  ThreadPool pool({.threads = 2});
  std::atomic<int64_t> total{0};
  std::atomic<int> failures{0};
  auto caller = [&] {
    for (int i = 0; i < 300; ++i)
      if (!pool.parallel_for(8, [&](int64_t, int) { total.fetch_add(1); }).ok()) failures.fetch_add(1);
  };
  std::thread a(caller), b(caller);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(total.load(), 2 * 300 * 8);
}

TEST(ThreadPool, SleepingWorkersWakeUp) {
  // spin 0: workers go straight to the futex; after the pause they must still pick up work.
  for (auto spin : {0us, 50us}) {
    ThreadPool pool({.threads = 3, .spin = spin});
    for (int round = 0; round < 5; ++round) {
      std::this_thread::sleep_for(3ms);
      std::atomic<int> seen_threads_mask{0};
      std::atomic<int> arrived{0};
      ASSERT_TRUE(pool.parallel_for(3, [&](int64_t, int thread) {
                        seen_threads_mask.fetch_or(1 << thread);
                        arrived.fetch_add(1);
                        const auto deadline = std::chrono::steady_clock::now() + 20s;
                        while (arrived.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
                      }).ok());
      EXPECT_EQ(seen_threads_mask.load(), 0b111) << "round " << round;
    }
  }
}

TEST(ThreadPool, ParallelForRangeCoversEveryItemOnceInFixedChunks) {
  ThreadPool pool({.threads = 3});
  for (int64_t n : {0, 1, 5, 64, 65, 1000}) {
    for (int64_t chunk : {1, 7, 64, 5000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<int> misaligned{0};
      ASSERT_TRUE(pool.parallel_for_range(n, chunk, [&](int64_t b, int64_t e, int) {
                        if (b % chunk != 0 || e <= b || (e - b != chunk && e != n)) misaligned.fetch_add(1);
                        for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
                      }).ok());
      EXPECT_EQ(misaligned.load(), 0) << n << "/" << chunk;
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1);
    }
  }
}

}  // namespace
}  // namespace pw::compute
