#include "ingest/child_process.h"

#include <gtest/gtest.h>

#include "support/test_support.h"
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

using pw::ingest::ChildLimits;
using pw::ingest::ChildOutcome;
using pw::ingest::run_in_child;
using pw::ingest::write_all;
using Kind = pw::ingest::ChildOutcome::Kind;

namespace {

ChildLimits quick() {
  ChildLimits l;
  l.wall_time = std::chrono::milliseconds(3000);
  l.memory_bytes = size_t{256} << 20;
  return l;
}

}  // namespace

TEST(ChildProcess, ReturnsWhatTheChildWrote) {
  const auto r = run_in_child([](int fd) { write_all(fd, "hello from the child"); }, quick());
  EXPECT_EQ(r.kind, Kind::Exited);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "hello from the child");
}

TEST(ChildProcess, LargeOutputArrivesWhole) {
  const auto r = run_in_child(
      [](int fd) {
        std::string block(1 << 20, 'x');
        for (int i = 0; i < 8; ++i) write_all(fd, block);
      },
      quick());
  EXPECT_EQ(r.kind, Kind::Exited);
  EXPECT_EQ(r.output.size(), size_t{8} << 20);
}

TEST(ChildProcess, ACrashIsReportedAndTheParentLivesOn) {
  const auto r = run_in_child(
      [](int fd) {
        write_all(fd, "partial");
        raise(SIGSEGV);
      },
      quick());
  EXPECT_EQ(r.kind, Kind::Crashed);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.output, "partial");
  const auto abort_run = run_in_child([](int) { std::abort(); }, quick());
  EXPECT_EQ(abort_run.kind, Kind::Crashed);
  EXPECT_EQ(abort_run.signal, SIGABRT);
}

TEST(ChildProcess, AHangIsStoppedAtTheDeadline) {
  ChildLimits l = quick();
  l.wall_time = std::chrono::milliseconds(300);
  const auto r = run_in_child(
      [](int fd) {
        write_all(fd, "started");
        while (true) pause();
      },
      l);
  EXPECT_EQ(r.kind, Kind::TimedOut);
  EXPECT_EQ(r.output, "started");
  EXPECT_LT(r.seconds, 2.0);
}

TEST(ChildProcess, ABusyLoopIsStoppedToo) {
  ChildLimits l = quick();
  l.wall_time = std::chrono::milliseconds(300);
  const auto r = run_in_child(
      [](int) {
        volatile unsigned long x = 0;
        while (true) x = x + 1;
      },
      l);
  EXPECT_EQ(r.kind, Kind::TimedOut);
}

TEST(ChildProcess, RunawayAllocationHitsTheMemoryBudget) {
  if (pw::test::built_with_asan()) GTEST_SKIP() << "SKIPPED: memory budgets (RLIMIT_AS) cannot be tested under AddressSanitizer";
  ChildLimits l = quick();
  l.memory_bytes = size_t{64} << 20;
  const auto via_new = run_in_child(
      [](int) {
        std::vector<std::vector<char>> hog;
        for (int i = 0; i < 1000; ++i) hog.emplace_back(size_t{16} << 20, 'x');  // 16 GB if unchecked
      },
      l);
  EXPECT_EQ(via_new.kind, Kind::OutOfMemory);
  const auto via_malloc = run_in_child(
      [](int) {
        // Like Poppler's gmalloc: a failed malloc prints "Out of memory" and aborts.
        void* p = std::malloc(size_t{1} << 30);
        if (!p) {
          fputs("Out of memory\n", stderr);
          std::abort();
        }
        std::memset(p, 1, size_t{1} << 30);
      },
      l);
  EXPECT_EQ(via_malloc.kind, Kind::OutOfMemory);
}

TEST(ChildProcess, OutputPastTheLimitIsCutOff) {
  ChildLimits l = quick();
  l.max_output_bytes = 1 << 20;
  const auto r = run_in_child(
      [](int fd) {
        std::string block(1 << 16, 'y');
        while (write_all(fd, block)) {
        }
      },
      l);
  EXPECT_EQ(r.kind, Kind::OutputTooLarge);
}

TEST(ChildProcess, ExceptionsAndExitCodes) {
  const auto thrown = run_in_child([](int) { throw std::runtime_error("boom"); }, quick());
  EXPECT_EQ(thrown.kind, Kind::Exited);
  EXPECT_EQ(thrown.exit_code, pw::ingest::kChildExitException);
  const auto exited = run_in_child([](int) { _exit(7); }, quick());
  EXPECT_EQ(exited.kind, Kind::Exited);
  EXPECT_EQ(exited.exit_code, 7);
}

TEST(ChildProcess, TheChildHoldsNoOtherDescriptors) {
  int extra[2];
  ASSERT_EQ(pipe(extra), 0);  // not close-on-exec, as a careless caller might leave it
  const auto r = run_in_child(
      [&](int fd) {
        const bool open = fcntl(extra[1], F_GETFD) != -1;
        write_all(fd, open ? "open" : "closed");
      },
      quick());
  close(extra[0]);
  close(extra[1]);
  EXPECT_EQ(r.output, "closed");
}

TEST(ChildProcess, ParallelChildrenDoNotBlockEachOther) {
  // Each thread's child must see EOF on its own pipe even while other children are alive.
  std::vector<std::thread> threads;
  std::vector<ChildOutcome> results(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      results[t] = run_in_child(
          [t](int fd) {
            usleep(static_cast<useconds_t>(20000 * (4 - t)));
            write_all(fd, std::to_string(t));
          },
          quick());
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(results[t].kind, Kind::Exited);
    EXPECT_EQ(results[t].output, std::to_string(t));
    EXPECT_LT(results[t].seconds, 2.0);
  }
}
