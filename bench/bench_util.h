// Shared helpers of the compute benchmarks (bench_kernels.cpp, bench_matmul.cpp, bench_memory.cpp).
//
//   pw::bench::ComputeArgs a;  if (auto err = a.parse(args)) { std::cerr << *err; return 2; }
//   pw::bench::WeightSet ws;   ws.build(*mk.weights, 2048, 8192, 4 * llc_bytes, /*seed*/ 1);
//   double t = pw::bench::time_once([&] { matvec(..., ws.matrix(i), ...); });
//   double m = pw::bench::median(samples);
//
// Why the weight set: a matrix-vector product re-run on the same weights measures the cache,
// not memory. WeightSet holds enough copies of one quantized matrix to exceed several times the
// last-level cache, and timed calls rotate through them, so every call streams from DRAM as
// decoding a real model does.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/quant/kernels.h"
#include "engine/tensor/ggml_type.h"

namespace pw::bench {

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

template <typename Fn>
double time_once(Fn&& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of the calling thread: unlike wall time it does not count the time other processes
// held the core, so single-threaded figures stay comparable on a busy machine.
template <typename Fn>
double thread_cpu_time_once(Fn&& fn) {
  timespec a{}, b{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  fn();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  return static_cast<double>(b.tv_sec - a.tv_sec) + 1e-9 * static_cast<double>(b.tv_nsec - a.tv_nsec);
}

// Rounds for readable JSON (figures are noisy well before the 4th significant digit).
inline double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

inline std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(std::min(line.size(), colon + 2));
    }
  return "unknown";
}

// Options shared by the compute benchmarks: --json, --quick, -t N, --formats a,b.
struct ComputeArgs {
  bool json = false;
  bool quick = false;
  int threads = 0;                     // 0: physical cores
  std::vector<GgmlType> formats;       // empty: every format this build computes with

  // nullopt on success, else a usage message.
  std::optional<std::string> parse(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--json") {
        json = true;
      } else if (a == "--quick") {
        quick = true;
      } else if (a == "-t" || a == "--threads") {
        if (i + 1 >= args.size()) return "missing value after " + a;
        const std::string& v = args[++i];
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (!end || *end || n < 1 || n > 1024) return "bad thread count '" + v + "'";
        threads = static_cast<int>(n);
      } else if (a == "--formats") {
        if (i + 1 >= args.size()) return "missing value after --formats";
        std::string list = args[++i];
        size_t start = 0;
        while (start <= list.size()) {
          const size_t comma = std::min(list.find(',', start), list.size());
          const std::string name = list.substr(start, comma - start);
          const auto t = type_from_name(name);
          if (!t) return "unknown format '" + name + "'";
          formats.push_back(*t);
          start = comma + 1;
        }
      } else {
        return "unknown option '" + a + "'";
      }
    }
    return std::nullopt;
  }

  bool wants(GgmlType t) const {
    return formats.empty() || std::find(formats.begin(), formats.end(), t) != formats.end();
  }
};

// Copies of one random quantized matrix, each 64-byte aligned, totalling at least `min_total`.
class WeightSet {
 public:
  // Returns false (with `error`) when the format cannot be quantized or memory is short.
  bool build(const quant::TypeKernels& k, int64_t rows, int64_t cols, uint64_t min_total_bytes, uint32_t seed,
             std::string& error, uint64_t max_total_bytes = uint64_t{1} << 30) {
    if (!k.quantize_row) {
      error = "no quantize_row";
      return false;
    }
    const auto rb = row_size_bytes(k.type, static_cast<uint64_t>(cols));
    if (!rb) {
      error = "cols not a whole number of blocks";
      return false;
    }
    row_bytes_ = *rb;
    matrix_bytes_ = row_bytes_ * static_cast<uint64_t>(rows);
    stride_ = (matrix_bytes_ + 4095) / 4096 * 4096;
    copies_ = static_cast<int>(std::max<uint64_t>(2, (min_total_bytes + matrix_bytes_ - 1) / matrix_bytes_));
    while (copies_ > 2 && stride_ * static_cast<uint64_t>(copies_) > max_total_bytes) --copies_;
    void* p = std::aligned_alloc(4096, stride_ * static_cast<uint64_t>(copies_));
    if (!p) {
      error = "out of memory";
      return false;
    }
    data_.reset(static_cast<uint8_t*>(p));
    // Quantizing every row (K-quants search for scales) would dominate the run time, and the
    // kernels' speed does not depend on the values: quantize a few distinct rows and repeat them.
    constexpr int64_t kDistinctRows = 32;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.f, 1.f);
    std::vector<float> row(static_cast<size_t>(cols));
    std::vector<uint8_t> distinct(row_bytes_ * kDistinctRows);
    for (int64_t r = 0; r < kDistinctRows; ++r) {
      for (auto& v : row) v = nd(rng);
      k.quantize_row(row.data(), distinct.data() + static_cast<size_t>(r) * row_bytes_, cols);
    }
    for (int c = 0; c < copies_; ++c)
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(matrix(c) + static_cast<size_t>(r) * row_bytes_,
                    distinct.data() + static_cast<size_t>((r + c) % kDistinctRows) * row_bytes_, row_bytes_);
    return true;
  }

  const uint8_t* matrix(int copy) const { return data_.get() + static_cast<size_t>(copy) * stride_; }
  uint8_t* matrix(int copy) { return data_.get() + static_cast<size_t>(copy) * stride_; }
  int copies() const { return copies_; }
  uint64_t matrix_bytes() const { return matrix_bytes_; }
  uint64_t total_bytes() const { return matrix_bytes_ * static_cast<uint64_t>(copies_); }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  uint64_t row_bytes_ = 0, matrix_bytes_ = 0, stride_ = 0;
  int copies_ = 0;
};

inline std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = nd(rng);
  return v;
}

}  // namespace pw::bench
