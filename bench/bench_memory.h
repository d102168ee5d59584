// Memory bandwidth and thread-pool dispatch cost, measured in the benchmark's own process so
// kernel figures can be read as a fraction of what the machine's memory can deliver.
//
//   pw::compute::ThreadPool pool({.threads = n});
//   pw::bench::MemoryFigures m = pw::bench::measure_memory(pool, /*quick*/ false);
//   double frac = kernel_gbps / m.read_gbps;
//   pw::bench::DispatchFigures d = pw::bench::measure_dispatch(pool, false);
//
// Read bandwidth: a vectorised sum (AVX2 when the CPU has it, SSE2 otherwise) over a buffer
// several times the last-level cache, walked in 8 MiB blocks that the whole pool reads together
// (256 KiB per task); the figure is the median over the blocks of several passes, the same
// statistic the kernel benchmark takes over its calls. Copy bandwidth counts bytes read +
// written (STREAM convention).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/compute/thread_pool.h"

namespace pw::bench {

struct MemoryFigures {
  double read_gbps = 0;
  double copy_gbps = 0;
  double read_cpu_time_gbps = 0;  // one thread only: per second of the thread's CPU time
  uint64_t buffer_bytes = 0;
  int passes = 0;  // over the whole buffer; each pass times buffer_bytes / 8 MiB blocks
};

MemoryFigures measure_memory(compute::ThreadPool& pool, bool quick);

// Read bandwidth sampled in step with another measurement: each sample() reads the next 8 MiB
// block of its own buffer (several times the last-level cache, like measure_memory's) with the
// whole pool and returns the wall seconds. The kernel benchmark interleaves one sample with
// every timed call, so the kernel and the read loop see the same machine: on a shared VM the
// memory bandwidth moves by 30% from one minute to the next.
//
//   pw::bench::ReadProbe probe(quick);
//   std::vector<double> read_s;
//   for (...) { read_s.push_back(probe.sample(pool)); time the kernel...; }
//   double read_gbps = probe.block_bytes() / median(read_s) / 1e9;
class ReadProbe {
 public:
  explicit ReadProbe(bool quick);
  ~ReadProbe();
  ReadProbe(const ReadProbe&) = delete;
  ReadProbe& operator=(const ReadProbe&) = delete;
  bool ok() const { return buffer_ != nullptr; }
  double sample(compute::ThreadPool& pool);  // 0 when the buffer could not be allocated
  static size_t block_bytes();

 private:
  uint8_t* buffer_ = nullptr;
  int64_t blocks_ = 0, next_ = 0;
  std::vector<uint64_t> sums_;
  bool avx2_ = false;
};

struct DispatchFigures {
  double hot_us = 0;          // back-to-back parallel_for of one empty task per thread
  double after_sleep_us = 0;  // the same after an idle pause longer than the spin window
  // Back-to-back jobs in which every thread must run one task (each task waits until all have
  // started): the full fan-out/fan-in latency, which parallel_for only pays when the workers
  // are needed to finish the work.
  double all_threads_us = 0;
  int threads = 0;
};

DispatchFigures measure_dispatch(compute::ThreadPool& pool, bool quick);

}  // namespace pw::bench
