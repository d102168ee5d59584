#include "engine/tensor/fp16.h"

#include <gtest/gtest.h>
#include <immintrin.h>

#include <cmath>
#include <random>

namespace {

// The F16C instruction is the arbiter of correct rounding; this test runs only its scalar
// comparison when the CPU has F16C (every x86-64 machine since 2012), and fails otherwise so
// a silent skip cannot hide a regression.
__attribute__((target("f16c"))) uint16_t hw_to_fp16(float f) {
  return static_cast<uint16_t>(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(f), _MM_FROUND_TO_NEAREST_INT), 0));
}
__attribute__((target("f16c"))) float hw_to_fp32(uint16_t h) {
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
}

TEST(Fp16, AllHalvesRoundTripExactlyAndMatchF16C) {
  ASSERT_TRUE(__builtin_cpu_supports("f16c")) << "this machine has no F16C; the comparison needs it";
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    const float f = pw::fp16_to_fp32(static_cast<uint16_t>(h));
    const float g = hw_to_fp32(static_cast<uint16_t>(h));
    if (std::isnan(g)) {
      ASSERT_TRUE(std::isnan(f)) << h;
      continue;
    }
    ASSERT_EQ(pw::fp32_to_bits(f), pw::fp32_to_bits(g)) << h;
    ASSERT_EQ(pw::fp32_to_fp16(f), h) << h;
  }
}

TEST(Fp16, RoundingMatchesF16COnRandomFloats) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 2000000; ++i) {
    const float f = pw::bits_to_fp32(bits(rng));
    if (std::isnan(f)) continue;
    ASSERT_EQ(pw::fp32_to_fp16(f), hw_to_fp16(f)) << f;
  }
}

TEST(Bf16, RoundsToNearestEven) {
  EXPECT_EQ(pw::fp32_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(pw::bf16_to_fp32(0x3F80), 1.0f);
  // 1 + 2^-8 is exactly halfway between two bf16 values: ties to even (down).
  EXPECT_EQ(pw::fp32_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);
  EXPECT_EQ(pw::fp32_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3F82);
  EXPECT_TRUE(std::isnan(pw::bf16_to_fp32(pw::fp32_to_bf16(NAN))));
}

}  // namespace
