// Timing of a decoder session, shared by `pagewise-bench model` and `pagewise-bench engine`:
// the prompt evaluated from an empty context (time to first token) and greedy decoding, one
// token per eval, after it.
//
//   std::vector<int32_t> ids = pw::bench::random_prompt(512, n_vocab, /*seed*/ 5);
//   auto t = pw::bench::time_prompt(session, ids, cpu_clock);   // Result<double>: seconds
//   auto d = pw::bench::time_decode(session, 128, cpu_clock);   // Result<double>: seconds for 128 tokens
//
// cpu_clock: the thread's CPU time instead of wall time (one thread on a busy machine).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "engine/model/model.h"
#include "engine/util/status.h"

namespace pw::bench {

inline std::vector<int32_t> random_prompt(int n, int n_vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> pick(0, n_vocab - 1);
  std::vector<int32_t> ids(static_cast<size_t>(n));
  for (auto& id : ids) id = pick(rng);
  return ids;
}

// Seconds to evaluate `ids` from an empty context (the session is reset first).
inline Result<double> time_prompt(model::Session& session, std::span<const int32_t> ids, bool cpu_clock) {
  session.reset();
  Status st;
  auto fn = [&] { st = session.eval(ids); };
  const double t = cpu_clock ? thread_cpu_time_once(fn) : time_once(fn);
  if (!st.ok()) return st.error();
  return t;
}

// Seconds to decode `n` tokens greedily, one eval each, after what the session holds.
inline Result<double> time_decode(model::Session& session, int n, bool cpu_clock) {
  Status st;
  auto fn = [&] {
    for (int i = 0; i < n && st.ok(); ++i) {
      const auto row = session.logits(0);
      const int32_t next[1] = {static_cast<int32_t>(std::max_element(row.begin(), row.end()) - row.begin())};
      st = session.eval(next);
    }
  };
  const double t = cpu_clock ? thread_cpu_time_once(fn) : time_once(fn);
  if (!st.ok()) return st.error();
  return t;
}

// CPU seconds used by the whole process (every thread) so far.
inline double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Peak resident memory of this process (VmHWM) in MiB; 0 when unknown.
inline double peak_rss_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  return 0;
}

// The 1-minute load average (how busy the machine was), -1 when unknown.
inline double load_average_1min() {
  std::ifstream in("/proc/loadavg");
  double v = -1;
  in >> v;
  return v;
}

}  // namespace pw::bench
