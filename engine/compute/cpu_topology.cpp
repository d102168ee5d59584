#include "engine/compute/cpu_topology.h"

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <thread>

namespace pw::compute {
namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// First line of a small sysfs file, trimmed; empty when unreadable.
std::string read_sysfs_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return {};
  return trim(line);
}

int hardware_threads_fallback() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

int detect_physical_cores() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return hardware_threads_fallback();
  std::vector<std::string> lists;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    std::string siblings = read_sysfs_line(base + "core_cpus_list");
    if (siblings.empty()) siblings = read_sysfs_line(base + "thread_siblings_list");
    // A CPU whose topology is hidden counts as its own core rather than being dropped.
    lists.push_back(siblings.empty() ? "cpu" + std::to_string(cpu) : siblings);
  }
  const int cores = count_distinct_sibling_sets(lists);
  return cores > 0 ? cores : hardware_threads_fallback();
}

}  // namespace

int count_distinct_sibling_sets(const std::vector<std::string>& sibling_lists) {
  std::set<std::string> distinct;
  for (const auto& s : sibling_lists) {
    std::string t = trim(s);
    if (!t.empty()) distinct.insert(std::move(t));
  }
  return static_cast<int>(distinct.size());
}

uint64_t parse_cache_size(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0]))) return 0;
  uint64_t value = 0;
  size_t i = 0;
  for (; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) {
    if (value > (uint64_t{1} << 40)) return 0;  // absurd: refuse rather than overflow
    value = value * 10 + static_cast<uint64_t>(t[i] - '0');
  }
  const std::string unit = t.substr(i);
  if (unit.empty()) return value;
  if (unit == "K" || unit == "k") return value << 10;
  if (unit == "M" || unit == "m") return value << 20;
  if (unit == "G" || unit == "g") return value << 30;
  return 0;
}

int physical_core_count() {
  static const int cores = detect_physical_cores();
  return cores;
}

uint64_t last_level_cache_bytes() {
  static const uint64_t bytes = [] {
    uint64_t best = 0;
    for (int index = 0; index < 16; ++index) {
      const std::string base = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
      const std::string type = read_sysfs_line(base + "type");
      if (type.empty()) break;
      if (type == "Instruction") continue;
      best = std::max(best, parse_cache_size(read_sysfs_line(base + "size")));
    }
    return best;
  }();
  return bytes;
}

}  // namespace pw::compute
