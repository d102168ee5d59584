// `pagewise-bench matmul`: batched products (prefill) by both paths of compute::matmul, to find
// the batch size from which dequantize + OpenBLAS sgemm beats repeated vec_dot. The constant
// kSgemmMinTokens in engine/compute/matmul.cpp comes from this benchmark.
//
//   pagewise-bench matmul --json                      # q4_0, q8_0, q4_K, q6_K at 2048x2048
//   pagewise-bench matmul --json --formats q4_K -t 1   # thread CPU time: usable on a busy machine
//
// With one thread the figures use the thread's CPU time ("clock": "thread_cpu"), so other
// processes competing for the core do not distort the crossover; with more, wall time. Both
// paths split rows over the pool the same way, so the crossover found with -t 1 holds for more.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_util.h"
#include "engine/compute/matmul.h"

namespace pw::bench {
namespace {

using compute::BatchPath;
using nlohmann::ordered_json;

int run_matmul(std::vector<std::string>& args) {
  ComputeArgs a;
  if (auto err = a.parse(args)) {
    std::cerr << "pagewise-bench matmul: " << *err
              << "\nusage: pagewise-bench matmul [--json] [--quick] [-t N] [--formats q4_K,...]\n";
    return 2;
  }
  if (a.formats.empty()) a.formats = {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q6_K};
  const int64_t rows = a.quick ? 256 : 2048, cols = a.quick ? 1024 : 2048;
  const std::vector<int64_t> batches =
      a.quick ? std::vector<int64_t>{1, 4, 32} : std::vector<int64_t>{1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 128, 256};
  std::vector<BatchPath> paths{BatchPath::VecDot};
  if (compute::have_sgemm()) paths.push_back(BatchPath::Sgemm);

  compute::ThreadPool pool({.threads = a.threads});
  compute::Workspace ws;
  ordered_json out;
  out["bench"] = "matmul";
  out["threads"] = pool.size();
  out["rows"] = rows;
  out["cols"] = cols;
  const bool cpu_clock = pool.size() == 1;
  out["clock"] = cpu_clock ? "thread_cpu" : "wall";
  out["sgemm_min_tokens_in_build"] = compute::sgemm_min_tokens();
  out["formats"] = ordered_json::array();
  const int64_t max_batch = *std::max_element(batches.begin(), batches.end());
  const std::vector<float> X = random_floats(static_cast<size_t>(max_batch * cols), 3);
  std::vector<float> Y(static_cast<size_t>(max_batch * rows));

  for (GgmlType type : a.formats) {
    const auto mk = compute::matmul_kernels_for(type);
    ordered_json f{{"format", type_name(type)}};
    if (!mk) {
      f["skipped"] = mk.error().message();
      out["formats"].push_back(f);
      continue;
    }
    WeightSet set;
    std::string error;
    if (!set.build(*mk->weights, rows, cols, 0, 7, error)) {
      f["skipped"] = error;
      out["formats"].push_back(f);
      continue;
    }
    // One matrix (it stays in the last-level cache): prefill reuses each weight many times, so
    // this compares the arithmetic of the two paths, not memory.
    f["runs"] = ordered_json::array();
    std::vector<std::pair<double, double>> per_batch;  // (vec_dot s, sgemm s)
    for (int64_t n : batches) {
      std::pair<double, double> best{0, 0};
      for (BatchPath path : paths) {
        std::vector<double> samples;
        double total = 0;
        Status st;
        for (int i = 0; (total < (a.quick ? 0.005 : 0.2) || i < 5) && i < 100000; ++i) {
          auto call = [&] { st = compute::matmul(*mk, set.matrix(0), rows, cols, X.data(), n, Y.data(), pool, ws, path); };
          const double dt = cpu_clock ? thread_cpu_time_once(call) : time_once(call);
          if (!st.ok()) break;
          if (i > 0) samples.push_back(dt);  // the first call grows the workspace
          total += dt;
        }
        if (!st.ok()) {
          f["error"] = st.error().describe();
          break;
        }
        const double t = median(samples);
        (path == BatchPath::VecDot ? best.first : best.second) = t;
        f["runs"].push_back({{"tokens", n},
                             {"path", path == BatchPath::VecDot ? "vec_dot" : "sgemm"},
                             {"median_us", round3(t * 1e6)},
                             {"gflops", round3(2.0 * static_cast<double>(rows * cols * n) / t / 1e9)}});
      }
      per_batch.push_back(best);
    }
    // Smallest batch from which sgemm is faster at every measured size (null: never).
    ordered_json crossover;
    if (paths.size() == 2)
      for (size_t i = per_batch.size(); i-- > 0;) {
        if (per_batch[i].second <= 0 || per_batch[i].second >= per_batch[i].first) break;
        crossover = batches[i];
      }
    f["sgemm_faster_from_tokens"] = crossover;
    out["formats"].push_back(f);
  }
  std::cout << out.dump(a.json ? -1 : 2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(matmul, "matmul", "matmul [--json] [--quick] [-t N] [--formats q4_K,...]",
         "batched products: repeated vec_dot vs dequantize + sgemm, GFLOP/s per batch size", run_matmul);

}  // namespace pw::bench
