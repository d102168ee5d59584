// Small helpers several benchmarks share: percentiles of timings, wall and CPU clocks, random
// words for synthetic text.
//
//   const auto t = pw::bench::Clock::now();  ...;  samples.push_back(pw::bench::ms_since(t));
//   out["p95_ms"] = pw::bench::percentile(samples, 0.95);
//   const double cpu0 = pw::bench::cpu_seconds_so_far();  // this process and its children
//   auto words = pw::bench::random_words(rng, 20000);  const auto& w = pw::bench::zipf_pick(rng, words);
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace pw::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Nearest-rank percentile (p in [0, 1]); 0 for no samples.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double rank = std::clamp(p, 0.0, 1.0) * static_cast<double>(v.size() - 1) + 0.5;
  return v[std::min(v.size() - 1, static_cast<size_t>(rank))];
}

// User + system CPU seconds of this process and of its waited-for children (ingestion runs
// Poppler in child processes).
inline double cpu_seconds_so_far() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    getrusage(who, &u);
    total += static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
             static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

// n random lowercase words of 3-10 letters.
inline std::vector<std::string> random_words(std::mt19937& rng, int n) {
  std::vector<std::string> words;
  const char* letters = "abcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < n; ++i) {
    std::string w;
    const int len = 3 + static_cast<int>(rng() % 8);
    for (int k = 0; k < len; ++k) w += letters[rng() % 26];
    words.push_back(w);
  }
  return words;
}

// Zipf-like pick: low indexes are common words, as in real text.
inline const std::string& zipf_pick(std::mt19937& rng, const std::vector<std::string>& words) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double x = std::pow(u(rng), 3.0);
  return words[static_cast<size_t>(x * static_cast<double>(words.size() - 1))];
}

}  // namespace pw::bench
