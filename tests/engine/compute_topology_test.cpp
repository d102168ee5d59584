// Physical core counting and cache size parsing behind the pool's default thread count.
#include "engine/compute/cpu_topology.h"

#include <gtest/gtest.h>

#include <thread>

namespace pw::compute {
namespace {

TEST(CpuTopology, CountsDistinctSiblingSets) {
  // 4 cores with 2 hyper-threads each, listed per logical CPU as sysfs does.
  EXPECT_EQ(count_distinct_sibling_sets({"0,4", "1,5", "2,6", "3,7", "0,4", "1,5", "2,6", "3,7"}), 4);
  EXPECT_EQ(count_distinct_sibling_sets({"0-1", "0-1", "2-3", "2-3"}), 2);
  EXPECT_EQ(count_distinct_sibling_sets({"0", "1"}), 2);  // no SMT
  EXPECT_EQ(count_distinct_sibling_sets({"0,4\n", " 0,4", ""}), 1);
  EXPECT_EQ(count_distinct_sibling_sets({}), 0);
}

TEST(CpuTopology, ParsesSysfsCacheSizes) {
  EXPECT_EQ(parse_cache_size("36608K"), 36608ull * 1024);
  EXPECT_EQ(parse_cache_size("2M\n"), 2ull << 20);
  EXPECT_EQ(parse_cache_size("512"), 512u);
  EXPECT_EQ(parse_cache_size(""), 0u);
  EXPECT_EQ(parse_cache_size("K"), 0u);
  EXPECT_EQ(parse_cache_size("12Q"), 0u);
  EXPECT_EQ(parse_cache_size("99999999999999999999999K"), 0u);
}

TEST(CpuTopology, PhysicalCoresAreWithinTheLogicalCpus) {
  const int cores = physical_core_count();
  EXPECT_GE(cores, 1);
  const unsigned logical = std::thread::hardware_concurrency();
  if (logical > 0) {
    EXPECT_LE(cores, static_cast<int>(logical));
  }
}

}  // namespace
}  // namespace pw::compute
