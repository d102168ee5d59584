// `pagewise-bench memory`: memory read/copy bandwidth and thread pool dispatch overhead.
#include "bench/bench_memory.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_util.h"
#include "engine/compute/cpu_topology.h"

namespace pw::bench {
namespace {

constexpr size_t kBlock = size_t{8} << 20;   // bytes per timed unit (~1 ms at 8 GB/s, like a matvec)
constexpr size_t kChunk = size_t{256} << 10;  // bytes per pool task (32 per block)

// 4 independent accumulators so the adds never limit the load rate; n is a multiple of 128.
__attribute__((target("avx2"))) uint64_t sum_avx2(const uint8_t* p, size_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < n; i += 128) {
    a0 = _mm256_add_epi64(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_add_epi64(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    a2 = _mm256_add_epi64(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    a3 = _mm256_add_epi64(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  const __m256i s = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

uint64_t sum_sse2(const uint8_t* p, size_t n) {
  __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < n; i += 64) {
    a0 = _mm_add_epi64(a0, _mm_load_si128(reinterpret_cast<const __m128i*>(p + i)));
    a1 = _mm_add_epi64(a1, _mm_load_si128(reinterpret_cast<const __m128i*>(p + i + 16)));
    a2 = _mm_add_epi64(a2, _mm_load_si128(reinterpret_cast<const __m128i*>(p + i + 32)));
    a3 = _mm_add_epi64(a3, _mm_load_si128(reinterpret_cast<const __m128i*>(p + i + 48)));
  }
  const __m128i s = _mm_add_epi64(_mm_add_epi64(a0, a1), _mm_add_epi64(a2, a3));
  alignas(16) uint64_t lanes[2];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), s);
  return lanes[0] + lanes[1];
}

struct FreeBytes {
  void operator()(uint8_t* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<uint8_t, FreeBytes>;

Buffer allocate_touched(size_t bytes, int value) {
  Buffer b(static_cast<uint8_t*>(std::aligned_alloc(4096, bytes)));
  // Touch every page with non-zero data: untouched pages all map the kernel's shared zero page,
  // and reading that measures the cache, not memory.
  if (b) std::memset(b.get(), value, bytes);
  return b;
}

// Reads one kBlock-byte block with the whole pool (kChunk bytes per task) into `sums`; wall
// seconds, and the calling thread's CPU seconds in *cpu when given.
double time_block_read(compute::ThreadPool& pool, const uint8_t* block, std::vector<uint64_t>& sums, bool avx2,
                       double* cpu = nullptr) {
  constexpr int64_t kTasks = static_cast<int64_t>(kBlock / kChunk);
  double t = 0;
  const double c = thread_cpu_time_once([&] {
    t = time_once([&] {
      (void)pool.parallel_for(kTasks, [&](int64_t task, int) {
        const uint8_t* p = block + static_cast<size_t>(task) * kChunk;
        sums[static_cast<size_t>(task)] += avx2 ? sum_avx2(p, kChunk) : sum_sse2(p, kChunk);
      });
    });
  });
  if (cpu) *cpu = c;
  return t;
}

}  // namespace

MemoryFigures measure_memory(compute::ThreadPool& pool, bool quick) {
  MemoryFigures f;
  const uint64_t llc = compute::last_level_cache_bytes();
  uint64_t bytes = quick ? (uint64_t{16} << 20) : std::max<uint64_t>(uint64_t{256} << 20, 4 * llc);
  bytes = (bytes + kBlock - 1) / kBlock * kBlock;
  f.passes = quick ? 2 : 5;
  Buffer src = allocate_touched(bytes, 1);
  Buffer dst = allocate_touched(bytes, 2);
  if (!src || !dst) return f;
  f.buffer_bytes = bytes;
  const bool avx2 = __builtin_cpu_supports("avx2");
  const int64_t blocks = static_cast<int64_t>(bytes / kBlock);
  std::vector<uint64_t> sums(kBlock / kChunk);

  // Each timed unit is one block, read by the whole pool; blocks walk through the buffer, so
  // every read comes from DRAM. Per-block medians (rather than whole passes) are comparable
  // to the per-call medians of the kernels and are not dragged down by preemption on a busy
  // machine.
  std::vector<double> read_times, read_cpu_times, copy_times;
  for (int pass = 0; pass < f.passes + 1; ++pass) {  // pass 0 warms up
    for (int64_t b = 0; b < blocks; ++b) {
      double cpu = 0;
      const double t = time_block_read(pool, src.get() + static_cast<size_t>(b) * kBlock, sums, avx2, &cpu);
      if (pass > 0) {
        read_times.push_back(t);
        read_cpu_times.push_back(cpu);
      }
    }
  }
  // Keep the sums observable so the loads cannot be optimised away.
  volatile uint64_t sink = 0;
  for (uint64_t s : sums) sink = sink + s;
  for (int pass = 0; pass < f.passes + 1; ++pass) {
    for (int64_t b = 0; b < blocks; ++b) {
      const size_t offset = static_cast<size_t>(b) * kBlock;
      const double t = time_once([&] {
        (void)pool.parallel_for(static_cast<int64_t>(kBlock / kChunk), [&](int64_t c, int) {
          const size_t o = offset + static_cast<size_t>(c) * kChunk;
          std::memcpy(dst.get() + o, src.get() + o, kChunk);
        });
      });
      if (pass > 0) copy_times.push_back(t);
    }
  }
  f.read_gbps = static_cast<double>(kBlock) / median(read_times) / 1e9;
  f.copy_gbps = 2.0 * static_cast<double>(kBlock) / median(copy_times) / 1e9;
  if (pool.size() == 1) f.read_cpu_time_gbps = static_cast<double>(kBlock) / median(read_cpu_times) / 1e9;
  return f;
}

ReadProbe::ReadProbe(bool quick) : sums_(kBlock / kChunk), avx2_(__builtin_cpu_supports("avx2")) {
  const uint64_t llc = compute::last_level_cache_bytes();
  uint64_t bytes = quick ? (uint64_t{16} << 20) : std::max<uint64_t>(uint64_t{256} << 20, 4 * llc);
  bytes = (bytes + kBlock - 1) / kBlock * kBlock;
  buffer_ = allocate_touched(bytes, 3).release();
  if (buffer_) blocks_ = static_cast<int64_t>(bytes / kBlock);
}

ReadProbe::~ReadProbe() { std::free(buffer_); }

double ReadProbe::sample(compute::ThreadPool& pool) {
  if (!buffer_) return 0;
  const double t = time_block_read(pool, buffer_ + static_cast<size_t>(next_) * kBlock, sums_, avx2_);
  next_ = (next_ + 1) % blocks_;
  return t;
}

size_t ReadProbe::block_bytes() { return kBlock; }

DispatchFigures measure_dispatch(compute::ThreadPool& pool, bool quick) {
  DispatchFigures d;
  d.threads = pool.size();
  std::atomic<int64_t> sink{0};
  auto dispatch = [&] { (void)pool.parallel_for(pool.size(), [&](int64_t t, int) { sink.fetch_add(t, std::memory_order_relaxed); }); };
  for (int i = 0; i < 100; ++i) dispatch();  // warm up
  const int batches = quick ? 5 : 40;
  const int per_batch = quick ? 50 : 500;
  std::vector<double> hot;
  for (int b = 0; b < batches; ++b)
    hot.push_back(time_once([&] {
                    for (int i = 0; i < per_batch; ++i) dispatch();
                  }) / per_batch);
  d.hot_us = median(hot) * 1e6;
  std::vector<double> cold;
  for (int i = 0; i < (quick ? 3 : 30); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // longer than the spin window
    cold.push_back(time_once(dispatch));
  }
  d.after_sleep_us = median(cold) * 1e6;

  std::vector<double> fanout;
  for (int b = 0; b < batches; ++b) {
    fanout.push_back(time_once([&] {
                       for (int i = 0; i < per_batch; ++i) {
                         std::atomic<int> arrived{0};
                         (void)pool.parallel_for(pool.size(), [&](int64_t, int) {
                           arrived.fetch_add(1);
                           // Bounded: a worker the OS never schedules must not hang the bench.
                           for (int spins = 0; arrived.load() < pool.size() && spins < 10000000; ++spins) _mm_pause();
                         });
                       }
                     }) / per_batch);
  }
  d.all_threads_us = median(fanout) * 1e6;
  return d;
}

namespace {

int run_memory(std::vector<std::string>& args) {
  ComputeArgs a;
  if (auto err = a.parse(args)) {
    std::cerr << "pagewise-bench memory: " << *err << "\nusage: pagewise-bench memory [--json] [--quick] [-t N]\n";
    return 2;
  }
  compute::ThreadPool one({.threads = 1});
  compute::ThreadPool all({.threads = a.threads});
  nlohmann::ordered_json out;
  out["bench"] = "memory";
  out["cpu"] = cpu_model_name();
  out["llc_bytes"] = compute::last_level_cache_bytes();
  for (compute::ThreadPool* pool : {&one, &all}) {
    const MemoryFigures m = measure_memory(*pool, a.quick);
    nlohmann::ordered_json j;
    j["threads"] = pool->size();
    j["buffer_bytes"] = m.buffer_bytes;
    j["passes"] = m.passes;
    j["read_gbps"] = round3(m.read_gbps);
    j["copy_gbps"] = round3(m.copy_gbps);
    if (pool->size() == 1) j["read_cpu_time_gbps"] = round3(m.read_cpu_time_gbps);
    out["memory"].push_back(j);
  }
  const DispatchFigures d = measure_dispatch(all, a.quick);
  out["dispatch_threads"] = d.threads;
  out["dispatch_overhead_us"] = round3(d.hot_us);
  out["dispatch_overhead_after_sleep_us"] = round3(d.after_sleep_us);
  out["dispatch_all_threads_us"] = round3(d.all_threads_us);
  std::cout << out.dump(a.json ? -1 : 2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(memory, "memory", "memory [--json] [--quick] [-t N]",
         "memory read/copy GB/s (1 and all threads) and thread pool dispatch overhead", run_memory);

}  // namespace pw::bench
