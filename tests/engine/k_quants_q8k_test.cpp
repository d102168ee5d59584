// Q8_K activation quantization: rounding, scale sign, block sums, AVX2 twin byte-identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "engine/quant/cpu_features.h"
#include "engine/quant/k_quants.h"
#include "k_quants_test_support.h"
#include "tests/support/random_values.h"

namespace pw::quant::test {
namespace {


std::vector<BlockQ8K> q8k_scalar(const std::vector<float>& x) {
  std::vector<BlockQ8K> q(x.size() / kQK_K);
  quantize_row_q8_K(x.data(), q.data(), static_cast<int64_t>(x.size()));
  return q;
}

std::vector<BlockQ8K> q8k_avx2(const std::vector<float>& x) {
  std::vector<BlockQ8K> q(x.size() / kQK_K);
  std::memset(q.data(), 0xA5, q.size() * sizeof(BlockQ8K));  // poison: every byte must be written
  quantize_row_q8_K_avx2(x.data(), q.data(), static_cast<int64_t>(x.size()));
  return q;
}

void expect_consistent(const std::vector<float>& x, const std::vector<BlockQ8K>& q) {
  for (size_t b = 0; b < q.size(); ++b) {
    for (int j = 0; j < 16; ++j) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += q[b].qs[16 * j + i];
      ASSERT_EQ(q[b].bsums[j], sum) << "block " << b << " sum " << j;
    }
    for (int i = 0; i < kQK_K; ++i) {
      const float xi = x[b * kQK_K + static_cast<size_t>(i)];
      ASSERT_GE(q[b].qs[i], -127);
      // Round to nearest: the reconstruction is within half a step.
      ASSERT_LE(std::fabs(xi - q[b].d * q[b].qs[i]), 0.5f * std::fabs(q[b].d) * (1 + 1e-5f) + 1e-30f)
          << "block " << b << " value " << i;
    }
  }
}

std::vector<std::vector<float>> test_rows() {
  std::vector<std::vector<float>> rows = {gaussian_values(4096, 1), heavy_tailed_values(2048, 2),
                                          gaussian_values(256, 3, 1e-20f), gaussian_values(512, 4, 1e20f)};
  // Exact halves: max = -127 makes iscale = 1, so x.5 values test round-half-to-even.
  std::vector<float> halves(256);
  for (int i = 0; i < 256; ++i) halves[static_cast<size_t>(i)] = static_cast<float>(i % 200 - 100) + 0.5f;
  halves[7] = -127.0f;
  rows.push_back(halves);
  // Largest magnitude appears with both signs: the first occurrence decides the sign.
  std::vector<float> ties = gaussian_values(256, 5);
  ties[3] = 9.0f;
  ties[10] = -9.0f;
  rows.push_back(ties);
  return rows;
}

TEST(KQuantsQ8K, ScalarRoundsToNearestAndSumsBlocks) {
  for (const auto& x : test_rows()) expect_consistent(x, q8k_scalar(x));
}

TEST(KQuantsQ8K, RoundsHalvesToEvenLikeGgml) {
  std::vector<float> x(256, 0.0f);
  x[0] = -127.0f;  // iscale = -127 / -127 = 1
  x[1] = 0.5f;
  x[2] = 1.5f;
  x[3] = 2.5f;
  x[4] = -2.5f;
  const auto q = q8k_scalar(x);
  EXPECT_EQ(q[0].d, 1.0f);
  EXPECT_EQ(q[0].qs[0], -127);
  EXPECT_EQ(q[0].qs[1], 0);
  EXPECT_EQ(q[0].qs[2], 2);
  EXPECT_EQ(q[0].qs[3], 2);
  EXPECT_EQ(q[0].qs[4], -2);
}

TEST(KQuantsQ8K, FirstValueOfLargestMagnitudeMapsToMinus127) {
  std::vector<float> x(256, 0.0f);
  x[3] = 9.0f;
  x[10] = -9.0f;
  const auto q = q8k_scalar(x);
  EXPECT_EQ(q[0].qs[3], -127);
  EXPECT_EQ(q[0].qs[10], 127);
  EXPECT_FLOAT_EQ(q[0].d, -9.0f / 127.0f);
}

TEST(KQuantsQ8K, AllZeroBlockIsAllZero) {
  const std::vector<float> x(512, 0.0f);
  for (const auto& q : {q8k_scalar(x), pw::test::cpu_has_avx2_fma_f16c() ? q8k_avx2(x) : q8k_scalar(x)}) {
    for (const BlockQ8K& b : q) {
      EXPECT_EQ(b.d, 0.0f);
      for (int8_t v : b.qs) ASSERT_EQ(v, 0);
      for (int16_t s : b.bsums) ASSERT_EQ(s, 0);
    }
  }
}

TEST(KQuantsQ8K, Avx2IsByteIdenticalToScalar) {
  if (!pw::test::cpu_has_avx2_fma_f16c()) GTEST_SKIP() << "this CPU has no AVX2/FMA/F16C: fast kernels cannot run here";
  for (const auto& x : test_rows()) {
    const auto a = q8k_scalar(x), b = q8k_avx2(x);
    ASSERT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(BlockQ8K))) << "row of " << x.size();
    expect_consistent(x, b);
  }
}

TEST(KQuantsQ8K, NonFiniteInputDoesNotCrash) {
  std::vector<float> x = gaussian_values(512, 9);
  x[5] = std::numeric_limits<float>::quiet_NaN();
  x[300] = std::numeric_limits<float>::infinity();
  const auto a = q8k_scalar(x);
  EXPECT_EQ(a.size(), 2u);
  if (pw::test::cpu_has_avx2_fma_f16c()) {
    EXPECT_EQ(q8k_avx2(x).size(), 2u);
  }
}

}  // namespace
}  // namespace pw::quant::test
