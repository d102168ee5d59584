// `pagewise-bench kernels`: weight GB/s of the matrix-vector product per weight format, next to
// the machine's memory read bandwidth measured in the same run. Decode speed is bounded by
// memory bandwidth, so "fraction_of_read_bandwidth" is the figure that matters; the target is
// >= 0.8 for Q4_K and Q8_0 with all threads (reported under "bandwidth_target").
//
// Each row's "read_gbps" is sampled in step with its calls (one 8 MiB block read by the same
// pool before every call, ReadProbe), and "fraction_of_read_bandwidth" = gbps / read_gbps: on
// the shared 2-core VM the read bandwidth moves by a third within a minute, and a fraction whose
// two halves were measured a minute apart said more about the neighbours than about the
// kernel. "fraction_of_run_read_bandwidth" divides by the run-level figure instead (the higher
// of the "memory" medians measured before and after all kernels), as before 2026-11-22.
//
//   pagewise-bench kernels --json            # all formats, 2048x2048 / 2048x8192 / 8192x2048
//   pagewise-bench kernels --json -t 4 --formats q4_K,q8_0
//   pagewise-bench kernels --quick --json    # seconds-long smoke run (tests use it)
//
// With one thread each row also has "hot_cpu_time_gbps": the same kernel on ~512 KiB of rows
// that stay in L2, per second of thread CPU time, i.e. its compute ceiling (see hot_cpu_gbps).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_memory.h"
#include "bench/bench_util.h"
#include "engine/compute/cpu_topology.h"
#include "engine/compute/matmul.h"
#include "engine/quant/cpu_features.h"
#include "pagewise/version.h"

namespace pw::bench {
namespace {

using compute::ThreadPool;
using nlohmann::ordered_json;

struct Shape {
  int64_t rows, cols;
};

struct Timing {
  double median_s = 0;
  double median_cpu_s = 0;  // the calling thread's CPU time (meaningful with one thread)
  double read_gbps = 0;     // read bandwidth sampled between the calls (ReadProbe)
  int samples = 0;
};

// Median time of one matvec, rotating through the weight set so each call reads from DRAM.
// Before every call the probe reads one block, so `read_gbps` is the memory bandwidth of the
// same seconds: the fraction kernel / read is then not at the mercy of the machine getting
// slower or faster between the memory measurement and the kernel's (a shared VM does).
Timing time_matvec(const compute::MatmulKernels& mk, const WeightSet& set, const Shape& s, const float* x, float* y,
                   ThreadPool& pool, compute::Workspace& ws, ReadProbe& probe, bool quick, std::string& error) {
  const double target_s = quick ? 0.005 : 0.3;
  const int min_samples = quick ? 3 : 25;
  Timing t;
  for (int c = 0; c < set.copies(); ++c) {  // warm-up: page tables, workspace growth
    Status st = compute::matvec(mk, set.matrix(c), s.rows, s.cols, x, y, pool, ws);
    if (!st.ok()) {
      error = st.error().describe();
      return t;
    }
  }
  std::vector<double> samples, cpu_samples, read_samples;
  double total = 0;
  for (int i = 0; (total < target_s || i < min_samples) && i < 200000; ++i) {
    read_samples.push_back(probe.sample(pool));
    double dt = 0;
    const double cpu = thread_cpu_time_once([&] {
      dt = time_once([&] { (void)compute::matvec(mk, set.matrix(i % set.copies()), s.rows, s.cols, x, y, pool, ws); });
    });
    samples.push_back(dt);
    cpu_samples.push_back(cpu);
    total += dt;
  }
  t.median_s = median(samples);
  t.median_cpu_s = median(cpu_samples);
  const double read_s = median(read_samples);
  t.read_gbps = read_s > 0 ? static_cast<double>(ReadProbe::block_bytes()) / read_s / 1e9 : 0;
  t.samples = static_cast<int>(samples.size());
  return t;
}

// Bytes per second of the calling thread's CPU time on a matrix small enough to stay in L2
// (the first rows of copy 0, about 512 KiB, re-read every call): what the kernel could do if
// memory were free. Close to the streaming figure means the kernel is compute-bound; several
// times it means streaming is bounded by memory. One-thread pool only.
double hot_cpu_gbps(const compute::MatmulKernels& mk, const WeightSet& set, const Shape& s, const float* x, float* y,
                    ThreadPool& pool, compute::Workspace& ws, bool quick) {
  const uint64_t row_bytes = set.matrix_bytes() / static_cast<uint64_t>(s.rows);
  const int64_t rows = std::clamp<int64_t>(static_cast<int64_t>((512u << 10) / row_bytes) / 16 * 16, 16, s.rows);
  for (int i = 0; i < 3; ++i) (void)compute::matvec(mk, set.matrix(0), rows, s.cols, x, y, pool, ws);
  std::vector<double> cpu;
  double total = 0;
  const double target_s = quick ? 0.005 : 0.2;
  for (int i = 0; (total < target_s || i < 25) && i < 200000; ++i) {
    const double c = thread_cpu_time_once([&] { (void)compute::matvec(mk, set.matrix(0), rows, s.cols, x, y, pool, ws); });
    cpu.push_back(c);
    total += c;
  }
  return static_cast<double>(row_bytes) * static_cast<double>(rows) / median(cpu) / 1e9;
}

int run_kernels(std::vector<std::string>& args) {
  ComputeArgs a;
  if (auto err = a.parse(args)) {
    std::cerr << "pagewise-bench kernels: " << *err
              << "\nusage: pagewise-bench kernels [--json] [--quick] [-t N] [--formats q4_K,q8_0,...]\n";
    return 2;
  }
  ThreadPool pool_one({.threads = 1});
  ThreadPool pool_all({.threads = a.threads});
  std::vector<ThreadPool*> pools{&pool_one};
  if (pool_all.size() > 1) pools.push_back(&pool_all);

  const uint64_t llc = compute::last_level_cache_bytes();
  const std::vector<Shape> shapes =
      a.quick ? std::vector<Shape>{{256, 1024}} : std::vector<Shape>{{2048, 2048}, {2048, 8192}, {8192, 2048}};
  // Weight sets of 4x the last-level cache (at least 64 MiB when the size is unknown).
  const uint64_t min_set_bytes = a.quick ? 0 : std::max<uint64_t>(4 * llc, uint64_t{64} << 20);

  ReadProbe probe(a.quick);
  if (!probe.ok()) {
    std::cerr << "pagewise-bench kernels: not enough memory for the read-bandwidth buffer\n";
    return 1;
  }
  ordered_json out;
  out["bench"] = "kernels";
  out["version"] = PAGEWISE_VERSION;
  out["quick"] = a.quick;
  const auto& cpu = quant::cpu_features();
  out["machine"] = {{"cpu", cpu_model_name()},
                    {"logical_cpus", std::thread::hardware_concurrency()},
                    {"physical_cores", compute::physical_core_count()},
                    {"llc_bytes", llc},
                    {"avx2_fma_f16c", cpu.avx2_fma_f16c},
                    {"avx512_vnni_kernels", cpu.avx512_vnni_kernels},
                    {"avx512_wide_kernels", cpu.avx512_wide_kernels},
                    {"forced_avx2", cpu.forced_avx2},
                    {"forced_ymm", cpu.forced_ymm},
                    {"forced_scalar", cpu.forced_scalar},
                    {"openblas", compute::have_sgemm()}};
  out["threads"] = {{"one", 1}, {"all", pool_all.size()}};

  // Memory read bandwidth of the whole run, measured before the kernels and again after them;
  // "fraction_of_run_read_bandwidth" uses the higher of the two medians (conservative), the
  // paired "fraction_of_read_bandwidth" the probe sampled between each row's calls.
  std::vector<MemoryFigures> memory_start;
  for (ThreadPool* p : pools) memory_start.push_back(measure_memory(*p, a.quick));
  out["memory"] = ordered_json::array();  // filled at the end; placed here for readers
  const DispatchFigures dispatch = measure_dispatch(pool_all, a.quick);
  out["dispatch_threads"] = dispatch.threads;
  out["dispatch_overhead_us"] = round3(dispatch.hot_us);
  out["dispatch_overhead_after_sleep_us"] = round3(dispatch.after_sleep_us);
  out["dispatch_all_threads_us"] = round3(dispatch.all_threads_us);

  out["results"] = ordered_json::array();
  out["skipped"] = ordered_json::array();
  compute::Workspace ws;
  uint32_t seed = 1;
  for (uint32_t id = 0; id < kGgmlTypeCount; ++id) {
    if (!is_known_type(id)) continue;
    const auto type = static_cast<GgmlType>(id);
    if (!a.wants(type)) continue;
    const auto mk = compute::matmul_kernels_for(type);
    if (!mk) {
      if (!a.formats.empty()) out["skipped"].push_back({{"format", type_name(type)}, {"reason", mk.error().message()}});
      continue;  // activation-only or unimplemented formats are not weight formats of this build
    }
    for (const Shape& s : shapes) {
      WeightSet set;
      std::string error;
      if (!set.build(*mk->weights, s.rows, s.cols, min_set_bytes, seed++, error)) {
        out["skipped"].push_back({{"format", type_name(type)}, {"rows", s.rows}, {"cols", s.cols}, {"reason", error}});
        continue;
      }
      const std::vector<float> x = random_floats(static_cast<size_t>(s.cols), seed++);
      std::vector<float> y(static_cast<size_t>(s.rows));
      for (size_t pi = 0; pi < pools.size(); ++pi) {
        const Timing t = time_matvec(*mk, set, s, x.data(), y.data(), *pools[pi], ws, probe, a.quick, error);
        if (!error.empty()) {
          out["skipped"].push_back({{"format", type_name(type)}, {"rows", s.rows}, {"cols", s.cols}, {"reason", error}});
          break;
        }
        const double gbps = static_cast<double>(set.matrix_bytes()) / t.median_s / 1e9;
        ordered_json row{{"format", type_name(type)},
                                  {"rows", s.rows},
                                  {"cols", s.cols},
                                  {"threads", pools[pi]->size()},
                                  {"matrix_bytes", set.matrix_bytes()},
                                  {"weight_set_bytes", set.total_bytes()},
                                  {"samples", t.samples},
                                  {"median_us", round3(t.median_s * 1e6)},
                                  {"gbps", round3(gbps)},
                                  {"read_gbps", round3(t.read_gbps)},
                                  {"fraction_of_read_bandwidth", round3(gbps / t.read_gbps)},
                                  {"pool_index", pi}};
        // One thread: also bytes per second of the thread's own CPU time, which other processes
        // on a busy machine do not distort (wall time is what the target is judged on).
        if (pools[pi]->size() == 1) {
          row["cpu_time_gbps"] = round3(static_cast<double>(set.matrix_bytes()) / t.median_cpu_s / 1e9);
          row["hot_cpu_time_gbps"] = round3(hot_cpu_gbps(*mk, set, s, x.data(), y.data(), *pools[pi], ws, a.quick));
        }
        out["results"].push_back(row);
      }
    }
  }

  std::vector<MemoryFigures> memory_end;
  for (ThreadPool* p : pools) memory_end.push_back(measure_memory(*p, a.quick));
  std::vector<double> read_gbps;
  for (size_t pi = 0; pi < pools.size(); ++pi) {
    read_gbps.push_back(std::max(memory_start[pi].read_gbps, memory_end[pi].read_gbps));
    const MemoryFigures& m = memory_start[pi].read_gbps >= memory_end[pi].read_gbps ? memory_start[pi] : memory_end[pi];
    ordered_json j{{"threads", pools[pi]->size()},
                   {"buffer_bytes", m.buffer_bytes},
                   {"passes", m.passes},
                   {"read_gbps", round3(read_gbps.back())},
                   {"read_gbps_before", round3(memory_start[pi].read_gbps)},
                   {"read_gbps_after", round3(memory_end[pi].read_gbps)},
                   {"copy_gbps", round3(std::max(memory_start[pi].copy_gbps, memory_end[pi].copy_gbps))}};
    if (pools[pi]->size() == 1)
      j["read_cpu_time_gbps"] = round3(std::max(memory_start[pi].read_cpu_time_gbps, memory_end[pi].read_cpu_time_gbps));
    out["memory"].push_back(j);
  }
  for (auto& r : out["results"]) {
    const size_t pi = r["pool_index"].get<size_t>();
    r.erase("pool_index");
    r["fraction_of_run_read_bandwidth"] = round3(r["gbps"].get<double>() / read_gbps[pi]);
  }

  // The target: Q4_K and Q8_0 with all threads reach >= 80% of read bandwidth.
  ordered_json target = {{"formats", {"q4_K", "q8_0"}}, {"threads", pool_all.size()}, {"min_fraction", 0.8}};
  for (const char* f : {"q4_K", "q8_0"}) {
    double worst = -1;
    for (const auto& r : out["results"])
      if (r["format"] == f && r["threads"] == pool_all.size())
        worst = worst < 0 ? r["fraction_of_read_bandwidth"].get<double>()
                          : std::min(worst, r["fraction_of_read_bandwidth"].get<double>());
    target["worst_fraction"][f] = worst < 0 ? ordered_json() : ordered_json(worst);
    target["met"][f] = worst >= 0.8;
  }
  out["bandwidth_target"] = target;

  if (!a.json) {
    std::cerr << std::fixed << std::setprecision(2);
    for (size_t i = 0; i < pools.size(); ++i)
      std::cerr << "memory read " << read_gbps[i] << " GB/s (" << pools[i]->size() << " threads; before "
                << memory_start[i].read_gbps << ", after " << memory_end[i].read_gbps << ")\n";
    std::cerr << "dispatch overhead " << dispatch.hot_us << " us hot, " << dispatch.after_sleep_us
              << " us after sleep, " << dispatch.all_threads_us << " us with every thread taking a task ("
              << dispatch.threads << " threads)\n";
    std::cerr << "format   rows x cols   threads   GB/s   fraction  (cpu-time GB/s, 1 thread; L2-resident)\n";
    for (const auto& r : out["results"]) {
      std::cerr << std::left << std::setw(8) << r["format"].get<std::string>() << " " << std::right << std::setw(5)
                << r["rows"].get<int64_t>() << " x " << std::setw(5) << r["cols"].get<int64_t>() << " " << std::setw(7)
                << r["threads"].get<int>() << " " << std::setw(7) << r["gbps"].get<double>() << " " << std::setw(9)
                << r["fraction_of_read_bandwidth"].get<double>();
      if (r.contains("cpu_time_gbps"))
        std::cerr << "  " << r["cpu_time_gbps"].get<double>() << "  (L2-resident " << r["hot_cpu_time_gbps"].get<double>()
                  << ")";
      std::cerr << "\n";
    }
  }
  std::cout << out.dump(a.json ? -1 : 2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(kernels, "kernels", "kernels [--json] [--quick] [-t N] [--formats q4_K,q8_0,...]",
         "matrix-vector weight GB/s per format vs measured memory read bandwidth", run_kernels);

}  // namespace pw::bench
