// pagewise-bench quantize [--mib N] [-t THREADS] [--repeat R] [--types Q4_0,Q4_K_M,...]:
// quantizer throughput (million input values per second, end to end: read, convert, write,
// fsync, rename) on a synthetic llama-shaped F32 model of N MiB with N(0, 1) weights.
// Prints one JSON object; the figures are medians over the repeats. cpu_seconds (all threads)
// is the fairer figure on a shared machine, where wall time includes waiting for a core.
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/quantize/quantizer.h"

namespace {

namespace fs = std::filesystem;

std::string take(std::vector<std::string>& args, const std::string& name, const std::string& alias, const std::string& fallback) {
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == name || args[i] == alias) {
      std::string v = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return v;
    }
  return fallback;
}

int run_quantize_bench(std::vector<std::string>& args) {
  const uint64_t mib = std::stoull(take(args, "--mib", "", "32"));
  const unsigned threads = static_cast<unsigned>(std::stoul(take(args, "-t", "--threads", "2")));
  const int repeat = std::max(1, std::stoi(take(args, "--repeat", "", "3")));
  std::string types = take(args, "--types", "", "Q8_0,Q4_0,Q5_1,Q2_K,Q3_K_M,Q4_K_M,Q5_K_M,Q6_K");

  const fs::path dir = fs::temp_directory_path() / ("pagewise-bench-quantize-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Layers of four 1024 x 1024 matrices (4 MiB each in F32) until N MiB.
  pw::gguf::GgufWriter w;
  w.set_string("general.architecture", "llama");
  const uint64_t matrices = std::max<uint64_t>(1, mib / 4);
  w.set_u32("llama.block_count", static_cast<uint32_t>((matrices + 3) / 4));
  std::vector<float> values(1024 * 1024);
  std::mt19937 rng(42);
  std::normal_distribution<float> normal;
  for (float& v : values) v = normal(rng);
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(values.data()), values.size() * 4);
  const char* names[] = {"attn_q", "attn_output", "ffn_up", "ffn_down"};
  for (uint64_t i = 0; i < matrices; ++i)
    if (!w.add_tensor("blk." + std::to_string(i / 4) + "." + names[i % 4] + ".weight", pw::GgmlType::F32, {1024, 1024}, bytes).ok())
      return 1;
  const fs::path input = dir / "in-F32.gguf";
  if (auto s = w.write(input); !s.ok()) {
    std::cerr << s.error().describe() << "\n";
    return 1;
  }

  nlohmann::json results = nlohmann::json::array();
  size_t start = 0;
  while (start <= types.size()) {
    const size_t comma = std::min(types.find(',', start), types.size());
    const std::string name = types.substr(start, comma - start);
    start = comma + 1;
    const auto target = pw::quantize::parse_quant_target(name);
    if (!target) {
      std::cerr << "pagewise-bench quantize: unknown type '" << name << "'\n";
      return 2;
    }
    std::vector<double> seconds, cpu_seconds;
    uint64_t out_bytes = 0;
    for (int r = 0; r < repeat; ++r) {
      pw::quantize::QuantizeOptions o;
      o.target = *target;
      o.threads = threads;
      o.overwrite = true;
      const std::clock_t cpu0 = std::clock();
      auto report = pw::quantize::quantize_file(input, dir / "out.gguf", o);
      cpu_seconds.push_back(static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC);
      if (!report) {
        std::cerr << report.error().describe() << "\n";
        return 1;
      }
      seconds.push_back(report->seconds);
      out_bytes = report->output_file_bytes;
    }
    std::sort(seconds.begin(), seconds.end());
    std::sort(cpu_seconds.begin(), cpu_seconds.end());
    const double median = seconds[seconds.size() / 2], cpu = cpu_seconds[cpu_seconds.size() / 2];
    const double mvalues = static_cast<double>(matrices * values.size()) / 1e6;
    results.push_back({{"type", name}, {"seconds", median}, {"mvalues_per_s", mvalues / median},
                       {"cpu_seconds", cpu}, {"mvalues_per_cpu_s", mvalues / cpu}, {"output_bytes", out_bytes}});
  }
  fs::remove_all(dir);
  std::cout << nlohmann::json{{"bench", "quantize"}, {"threads", threads}, {"input_mib", matrices * 4}, {"repeat", repeat}, {"results", results}}.dump(2)
            << "\n";
  return 0;
}

}  // namespace

PW_BENCH(quantize, "quantize", "quantize [--mib N] [-t THREADS] [--repeat R] [--types Q4_0,Q4_K_M,...]",
         "quantizer throughput (million values/s, end to end) per target type on a synthetic F32 model", run_quantize_bench);
