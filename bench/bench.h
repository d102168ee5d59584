// Benchmarks of pagewise-bench register themselves, one file each (bench/bench_*.cpp):
//
//   static int run_kernels(std::vector<std::string>& args) { ...print JSON...; return 0; }
//   PW_BENCH(kernels, "kernels", "kernels [--json] [-t N]", "matrix-vector GB/s per weight format", run_kernels);
//
// Every benchmark prints JSON on stdout (medians over repeats) so figures can be compared side
// by side; speed is never asserted in tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pw::bench {

struct Bench {
  std::string name;
  std::string usage;
  std::string summary;
  std::function<int(std::vector<std::string>&)> run;
};

std::vector<Bench>& registry();

struct Registrar {
  explicit Registrar(Bench b) { registry().push_back(std::move(b)); }
};

}  // namespace pw::bench

#define PW_BENCH(ident, name, usage, summary, fn) \
  static ::pw::bench::Registrar pw_bench_registrar_##ident(::pw::bench::Bench{name, usage, summary, fn})
