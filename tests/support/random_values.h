// Shared helpers of the engine tests that several test files need with one meaning (one
// definition, so the unity build of engine_tests has no clashing file-local copies).
//
//   std::vector<float> q = pw::test::random_normal_floats(64, /*seed=*/7);
//   if (!pw::test::cpu_has_avx2_fma_f16c()) GTEST_SKIP() << "...";
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/quant/cpu_features.h"

namespace pw::test {

// n values from N(0, scale^2), reproducible from the seed.
inline std::vector<float> random_normal_floats(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = nd(rng);
  return v;
}

// The CPU has AVX2, FMA and F16C (what the *_avx2.cpp kernels need), whatever PAGEWISE_FORCE_*
// says: the twin tests call the AVX2 kernels directly.
inline bool cpu_has_avx2_fma_f16c() {
  const quant::CpuFeatures& f = quant::cpu_features();
  return f.avx2 && f.fma && f.f16c;
}

}  // namespace pw::test
