// pagewise-bench: speed and memory figures as JSON. See bench/bench.h.
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "pagewise/version.h"

namespace pw::bench {
std::vector<Bench>& registry() {
  static std::vector<Bench> benches;
  return benches;
}
}  // namespace pw::bench

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "pagewise-bench " PAGEWISE_VERSION " - speed and memory figures as JSON\n\n"
                 "usage: pagewise-bench BENCH [OPTIONS]\n\nbenchmarks:\n";
    for (const auto& b : pw::bench::registry()) std::cout << "  " << b.usage << "\n      " << b.summary << "\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "pagewise-bench " PAGEWISE_VERSION "\n";
    return 0;
  }
  const std::string name = args[0];
  args.erase(args.begin());
  for (const auto& b : pw::bench::registry())
    if (b.name == name) return b.run(args);
  std::cerr << "pagewise-bench: unknown benchmark '" << name << "' (see --help)\n";
  return 2;
}
