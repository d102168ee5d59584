// `pagewise-bench matmul`: batched products (prompt processing) by the paths of compute::matmul
// — quantized activations through the formats' tile kernels ("vec_dot"), dequantized tiles +
// OpenBLAS sgemm ("sgemm") and quantized activations times unpacked weight panels ("gemm", the
// formats that have fast panels) — to find per format the batch size from which each wins. The
// constants kSgemmMinTokens / kGemmMinTokens / kVnniGemmMinTokens in engine/compute/matmul.cpp
// come from this benchmark. "gemm_kernels" says which panels ran (avx512_vnni on a CPU with
// AVX-512 VNNI unless PAGEWISE_FORCE_AVX2=1, else avx2).
//
//   pagewise-bench matmul --json                       # q4_0 q8_0 q5_0 q4_K q6_K, 2048x2048 and 2048x8192
//   pagewise-bench matmul --json --formats q4_K -t 1   # thread CPU time: usable on a busy machine
//   pagewise-bench matmul --json --tokens 1,8,32,128,512
//
// GFLOP/s = 2 * rows * cols * tokens / time. With one thread the figures use the thread's CPU
// time ("clock": "thread_cpu"), so other processes competing for the core do not distort them;
// with more, wall time. Both paths split rows over the pool the same way.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_util.h"
#include "engine/compute/matmul.h"
#include "engine/quant/gemm_kernels.h"
#include "engine/quant/kernels.h"

namespace pw::bench {
namespace {

using compute::BatchPath;
using nlohmann::ordered_json;

// Pulls "--tokens 1,8,32" out of args (ComputeArgs does not know it).
bool take_tokens(std::vector<std::string>& args, std::vector<int64_t>& tokens, std::string& error) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--tokens") continue;
    if (i + 1 >= args.size()) {
      error = "--tokens needs a list";
      return false;
    }
    tokens.clear();
    const std::string list = args[i + 1];
    size_t pos = 0;
    while (pos <= list.size()) {
      const size_t comma = std::min(list.find(',', pos), list.size());
      const std::string item = list.substr(pos, comma - pos);
      try {
        const long long v = std::stoll(item);
        if (v < 1 || v > 4096) throw std::out_of_range("range");
        tokens.push_back(v);
      } catch (...) {
        error = "bad token count '" + item + "' (1..4096)";
        return false;
      }
      pos = comma + 1;
    }
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    return true;
  }
  return true;
}

int run_matmul(std::vector<std::string>& args) {
  std::vector<int64_t> batches{1, 8, 16, 32, 64, 128, 512};
  std::string token_error;
  const auto path_name = [](BatchPath p) {
    return p == BatchPath::VecDot ? "vec_dot" : p == BatchPath::Sgemm ? "sgemm" : "gemm";
  };
  ComputeArgs a;
  std::optional<std::string> err;
  if (!take_tokens(args, batches, token_error)) err = token_error;
  if (!err) err = a.parse(args);
  if (err) {
    std::cerr << "pagewise-bench matmul: " << *err
              << "\nusage: pagewise-bench matmul [--json] [--quick] [-t N] [--formats q4_K,...] [--tokens 1,8,...]\n";
    return 2;
  }
  if (a.formats.empty())
    a.formats = {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q5_0, GgmlType::Q4_K, GgmlType::Q6_K};
  struct Shape {
    int64_t rows, cols;
  };
  const std::vector<Shape> shapes =
      a.quick ? std::vector<Shape>{{256, 1024}} : std::vector<Shape>{{2048, 2048}, {2048, 8192}};
  if (a.quick) batches = {1, 4, 32};
  std::vector<BatchPath> base_paths{BatchPath::VecDot};
  if (compute::have_sgemm()) base_paths.push_back(BatchPath::Sgemm);

  compute::ThreadPool pool({.threads = a.threads});
  compute::Workspace ws;
  ordered_json out;
  out["bench"] = "matmul";
  out["threads"] = pool.size();
  const bool cpu_clock = pool.size() == 1;
  out["clock"] = cpu_clock ? "thread_cpu" : "wall";
  out["sgemm_min_tokens_in_build"] = compute::sgemm_min_tokens();
  out["formats"] = ordered_json::array();
  const int64_t max_batch = *std::max_element(batches.begin(), batches.end());
  int64_t max_cols = 0, max_rows = 0;
  for (const Shape& s : shapes) {
    max_cols = std::max(max_cols, s.cols);
    max_rows = std::max(max_rows, s.rows);
  }
  const std::vector<float> X = random_floats(static_cast<size_t>(max_batch * max_cols), 3);
  std::vector<float> Y(static_cast<size_t>(max_batch * max_rows));

  for (GgmlType type : a.formats) {
    const auto mk = compute::matmul_kernels_for(type);
    for (const Shape& shape : shapes) {
      const int64_t rows = shape.rows, cols = shape.cols;
      ordered_json f{{"format", type_name(type)}, {"rows", rows}, {"cols", cols}};
      if (!mk) {
        f["skipped"] = mk.error().message();
        out["formats"].push_back(f);
        break;
      }
      WeightSet set;
      std::string error;
      if (!set.build(*mk->weights, rows, cols, 0, 7, error)) {
        f["skipped"] = error;
        out["formats"].push_back(f);
        continue;
      }
      std::vector<BatchPath> paths = base_paths;
      if (mk->weights->gemm) {
        paths.push_back(BatchPath::Gemm);
        // Which panels "gemm" measured: PAGEWISE_FORCE_AVX2=1 swaps the VNNI ones for AVX2's.
        const quant::GemmTier tier = mk->weights->gemm->tier;
        f["gemm_kernels"] = tier == quant::GemmTier::Avx512Vnni ? "avx512_vnni" : tier == quant::GemmTier::Avx2 ? "avx2" : "scalar";
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
            auto call = [&] {
              st = compute::matmul(*mk, set.matrix(0), rows, cols, X.data(), n, Y.data(), pool, ws, path);
            };
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
          if (path == BatchPath::VecDot) best.first = t;
          if (path == BatchPath::Sgemm) best.second = t;
          f["runs"].push_back({{"tokens", n},
                               {"path", path_name(path)},
                               {"median_us", round3(t * 1e6)},
                               {"gflops", round3(2.0 * static_cast<double>(rows * cols * n) / t / 1e9)}});
        }
        per_batch.push_back(best);
      }
      // Smallest batch from which sgemm is faster at every measured size (null: never).
      ordered_json crossover;
      if (compute::have_sgemm())
        for (size_t i = per_batch.size(); i-- > 0;) {
          if (per_batch[i].second <= 0 || per_batch[i].second >= per_batch[i].first) break;
          crossover = batches[i];
        }
      f["sgemm_faster_from_tokens"] = crossover;
      out["formats"].push_back(f);
    }
  }
  if (!a.json) {
    std::cerr << "format   rows x cols  tokens  path GFLOP/s ...  (" << (cpu_clock ? "thread CPU time" : "wall") << ", "
              << pool.size() << " threads)\n";
    for (const auto& f : out["formats"]) {
      if (!f.contains("runs")) continue;
      for (const auto& r : f["runs"])
        std::cerr << f["format"].get<std::string>() << "  " << f["rows"] << " x " << f["cols"] << "  " << r["tokens"]
                  << "  " << r["path"].get<std::string>() << " " << r["gflops"] << "\n";
    }
  }
  std::cout << out.dump(a.json ? -1 : 2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(matmul, "matmul", "matmul [--json] [--quick] [-t N] [--formats q4_K,...] [--tokens 1,8,...]",
         "batched products: tile kernels (quantized activations) vs dequantize + sgemm, GFLOP/s per batch size",
         run_matmul);

}  // namespace pw::bench
