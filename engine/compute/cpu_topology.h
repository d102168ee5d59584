// How many threads the engine should use by default, and how big the last-level cache is.
//
//   int n = pw::compute::physical_core_count();          // 4 on a 4-core/8-thread laptop
//   uint64_t llc = pw::compute::last_level_cache_bytes(); // 0 when unknown
//
// Why physical cores: quantized matrix-vector products are bound by memory bandwidth and by
// the vector units; a second hyper-thread on the same core shares both and only adds
// contention. We count distinct sibling sets (topology/core_cpus_list, or the older
// thread_siblings_list) among the CPUs this process may run on (sched_getaffinity), so a
// container or `taskset` limit is respected. When /sys is unreadable we fall back to
// std::thread::hardware_concurrency().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pw::compute {

// Physical cores usable by this process; always >= 1. Computed once.
int physical_core_count();

// Bytes of the largest data/unified cache level reported by the OS (L3 usually); 0 if unknown.
uint64_t last_level_cache_bytes();

// Pure helper (tested): number of distinct non-empty sibling lists, e.g.
// {"0,4", "1,5", "0,4", "1,5"} -> 2. Whitespace around entries is ignored.
int count_distinct_sibling_sets(const std::vector<std::string>& sibling_lists);

// Pure helper (tested): parses a sysfs cache size such as "35840K", "2M", "512" into bytes;
// 0 when malformed.
uint64_t parse_cache_size(const std::string& text);

}  // namespace pw::compute
