// Blocks built by hand from ggml's layouts (ggml-common.h), with the values worked out on paper:
// catches a swapped nibble order, a misplaced high bit, a wrong offset or scale field. Also the
// F16/BF16 special values, and the one place where our two Q8 quantizers differ on purpose.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "quant_legacy_test_helpers.h"

namespace pw::quant::testing {
namespace {

// Dequantizes `block` with the scalar and the AVX2 kernel and compares with `expected`; then
// dots it with a hand-made activation (codes j - 16, scale 0.5, so a_j = (j - 16) / 2) and
// compares with sum w_j * a_j computed here from the expected values.
template <typename Block>
void check_block(GgmlType type, const Block& block, const std::vector<float>& expected) {
  ASSERT_TRUE(has_avx2_fma_f16c());
  ASSERT_EQ(sizeof(Block), type_info(type).type_size);
  const TypeKernels* scalar = scalar_kernels_for(type);
  const TypeKernels* fast = kernels_for(type);
  ASSERT_NE(scalar, nullptr);
  float out[32];
  scalar->dequantize_row_scalar(&block, out, 32);
  for (int j = 0; j < 32; ++j) EXPECT_EQ(out[j], expected[static_cast<size_t>(j)]) << type_name(type) << " j=" << j;
  const LegacyFormat* f = nullptr;
  for (const auto& g : legacy_formats()) if (g.type == type) f = &g;
  ASSERT_NE(f, nullptr);
  f->dequantize_avx2(&block, out, 32);
  for (int j = 0; j < 32; ++j) EXPECT_EQ(out[j], expected[static_cast<size_t>(j)]) << "avx2 " << type_name(type) << " j=" << j;

  double want = 0.0;
  int code_sum = 0;
  for (int j = 0; j < 32; ++j) {
    want += expected[static_cast<size_t>(j)] * (j - 16) * 0.5;
    code_sum += j - 16;
  }
  const uint16_t half = fp32_to_fp16(0.5f);
  std::vector<uint8_t> act(row_bytes(scalar->vec_dot_type, 32));
  if (scalar->vec_dot_type == GgmlType::Q8_0) {
    auto* a = reinterpret_cast<BlockQ8_0*>(act.data());
    a->d = half;
    for (int j = 0; j < 32; ++j) a->qs[j] = static_cast<int8_t>(j - 16);
  } else {
    ASSERT_EQ(scalar->vec_dot_type, GgmlType::Q8_1);
    auto* a = reinterpret_cast<BlockQ8_1*>(act.data());
    a->d = half;
    a->s = fp32_to_fp16(0.5f * static_cast<float>(code_sum));
    for (int j = 0; j < 32; ++j) a->qs[j] = static_cast<int8_t>(j - 16);
  }
  // The values here are small dyadic numbers: every kernel sums them exactly.
  EXPECT_EQ(scalar->vec_dot_scalar(32, &block, act.data()), want) << type_name(type);
  EXPECT_EQ(f->dot_avx2(32, &block, act.data()), want) << type_name(type);
  EXPECT_EQ(fast->vec_dot(32, &block, act.data()), want) << type_name(type);
}

std::vector<float> filled(float v) { return std::vector<float>(32, v); }

TEST(QuantLegacyKnownBlocks, Q4_0) {
  BlockQ4_0 b;
  b.d = 0x3800;  // 0.5
  std::memset(b.qs, 0x88, sizeof b.qs);  // code 8 -> 0
  b.qs[0] = 0x9F;   // value 0: (15 - 8) * 0.5; value 16: (9 - 8) * 0.5
  b.qs[15] = 0x08;  // value 15: 0; value 31: (0 - 8) * 0.5
  std::vector<float> want = filled(0.0f);
  want[0] = 3.5f;
  want[16] = 0.5f;
  want[31] = -4.0f;
  check_block(GgmlType::Q4_0, b, want);
}

TEST(QuantLegacyKnownBlocks, Q4_1) {
  BlockQ4_1 b;
  b.d = 0x3400;  // 0.25
  b.m = 0xBC00;  // -1
  std::memset(b.qs, 0x44, sizeof b.qs);  // code 4 -> 0
  b.qs[0] = 0xF0;  // value 0: 0 * 0.25 - 1; value 16: 15 * 0.25 - 1
  b.qs[3] = 0x21;  // value 3: 1 * 0.25 - 1; value 19: 2 * 0.25 - 1
  std::vector<float> want = filled(0.0f);
  want[0] = -1.0f;
  want[16] = 2.75f;
  want[3] = -0.75f;
  want[19] = -0.5f;
  check_block(GgmlType::Q4_1, b, want);
}

TEST(QuantLegacyKnownBlocks, Q5_0) {
  BlockQ5_0 b;
  b.d = 0x3C00;  // 1
  std::memset(b.qs, 0, sizeof b.qs);
  const uint32_t qh = (1u << 0) | (1u << 17);  // high bit of values 0 and 17
  std::memcpy(b.qh, &qh, 4);
  b.qs[0] = 0x3F;  // value 0: (15 | 16) - 16; value 16: 3 - 16
  b.qs[1] = 0x05;  // value 1: 5 - 16; value 17: (0 | 16) - 16
  std::vector<float> want = filled(-16.0f);
  want[0] = 15.0f;
  want[16] = -13.0f;
  want[1] = -11.0f;
  want[17] = 0.0f;
  check_block(GgmlType::Q5_0, b, want);
}

TEST(QuantLegacyKnownBlocks, Q5_1) {
  BlockQ5_1 b;
  b.d = 0x3800;  // 0.5
  b.m = 0x4000;  // 2
  std::memset(b.qs, 0, sizeof b.qs);
  const uint32_t qh = 1u << 31;  // high bit of value 31
  std::memcpy(b.qh, &qh, 4);
  b.qs[15] = 0xF1;  // value 15: 1 * 0.5 + 2; value 31: (15 | 16) * 0.5 + 2
  std::vector<float> want = filled(2.0f);
  want[15] = 2.5f;
  want[31] = 17.5f;
  check_block(GgmlType::Q5_1, b, want);
}

TEST(QuantLegacyKnownBlocks, Q8_0) {
  BlockQ8_0 b;
  b.d = 0x3000;  // 0.125
  std::memset(b.qs, 0, sizeof b.qs);
  b.qs[0] = 127;
  b.qs[1] = -128;  // a file may hold it; the Q8_0 x Q8_0 kernels must handle it
  b.qs[31] = -1;
  std::vector<float> want = filled(0.0f);
  want[0] = 15.875f;
  want[1] = -16.0f;
  want[31] = -0.125f;
  check_block(GgmlType::Q8_0, b, want);
}

TEST(QuantLegacyKnownBlocks, Iq4Nl) {
  BlockIq4Nl b;
  b.d = 0x3C00;  // 1
  std::memset(b.qs, 0x88, sizeof b.qs);  // level 8 = 1
  b.qs[0] = 0xF0;  // value 0: level 0 = -127; value 16: level 15 = 113
  b.qs[7] = 0x87;  // value 7: level 7 = -10; value 23: level 8 = 1
  std::vector<float> want = filled(1.0f);
  want[0] = -127.0f;
  want[16] = 113.0f;
  want[7] = -10.0f;
  check_block(GgmlType::IQ4_NL, b, want);
}

TEST(QuantLegacyKnownBlocks, Q8_1Dequantizes) {
  BlockQ8_1 b;
  b.d = 0x4400;  // 4
  b.s = 0;
  std::memset(b.qs, 0, sizeof b.qs);
  b.qs[5] = -7;
  float out[32];
  dequantize_row_q8_1(&b, out, 32);
  for (int j = 0; j < 32; ++j) EXPECT_EQ(out[j], j == 5 ? -28.0f : 0.0f);
}

// ggml's AVX2 activation quantizer rounds half to even with scale 127/amax; its _ref (used for
// Q8_0 model files) uses roundf (half away from zero) and 1/(amax/127). With amax = 127 both
// scales are exactly 1, so only the rounding shows: 2.5 -> 2 vs 3, -3.5 -> -4 vs -4, 0.5 -> 0 vs 1.
TEST(QuantLegacyKnownBlocks, ActivationAndReferenceQ8DifferOnlyInTieRounding) {
  std::vector<float> x(32, 0.0f);
  x[0] = 127.0f;
  x[1] = 2.5f;
  x[2] = -3.5f;
  x[3] = 0.5f;
  x[4] = -0.5f;
  BlockQ8_0 act, act_fast, ref;
  quantize_row_q8_0(x.data(), &act, 32);
  quantize_row_q8_0_avx2(x.data(), &act_fast, 32);
  quantize_row_q8_0_reference(x.data(), &ref, 32);
  EXPECT_EQ(act.d, 0x3C00);
  EXPECT_EQ(ref.d, 0x3C00);
  const int8_t want_act[] = {127, 2, -4, 0, 0};
  const int8_t want_ref[] = {127, 3, -4, 1, -1};
  for (int j = 0; j < 5; ++j) {
    EXPECT_EQ(act.qs[j], want_act[j]) << j;
    EXPECT_EQ(act_fast.qs[j], want_act[j]) << j;
    EXPECT_EQ(ref.qs[j], want_ref[j]) << j;
  }
  BlockQ8_1 act1, ref1;
  quantize_row_q8_1(x.data(), &act1, 32);
  quantize_row_q8_1_reference(x.data(), &ref1, 32);
  EXPECT_EQ(act1.s, fp32_to_fp16(127.0f + 2.0f - 4.0f));
  EXPECT_EQ(ref1.s, fp32_to_fp16(127.0f + 3.0f - 4.0f + 1.0f - 1.0f));
}

// ---- F16 / BF16 special values, through scalar and AVX2 paths ----

void expect_dequantized(bool bf16, uint16_t h, float want) {
  float a[9], b[9];
  uint16_t in[9];
  for (auto& v : in) v = h;  // 9 copies: the AVX2 path takes 8 and a tail of 1
  if (bf16) {
    dequantize_row_bf16(in, a, 9);
    dequantize_row_bf16_avx2(in, b, 9);
  } else {
    dequantize_row_f16(in, a, 9);
    dequantize_row_f16_avx2(in, b, 9);
  }
  for (int i = 0; i < 9; ++i) {
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(a[i]) && std::isnan(b[i])) << std::hex << h;
    } else {
      EXPECT_EQ(fp32_to_bits(a[i]), fp32_to_bits(want)) << std::hex << h;
      EXPECT_EQ(fp32_to_bits(b[i]), fp32_to_bits(want)) << std::hex << h;
    }
  }
}

void expect_quantized(bool bf16, float x, uint16_t want) {
  float in[9];
  uint16_t a[9], b[9];
  for (auto& v : in) v = x;
  if (bf16) {
    quantize_row_bf16(in, a, 9);
    quantize_row_bf16_avx2(in, b, 9);
  } else {
    quantize_row_f16(in, a, 9);
    quantize_row_f16_avx2(in, b, 9);
  }
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(a[i], want) << x;
    EXPECT_EQ(b[i], want) << x;
  }
}

TEST(QuantLegacyFloatSpecials, F16Dequantize) {
  ASSERT_TRUE(has_avx2_fma_f16c());
  const float inf = std::numeric_limits<float>::infinity();
  expect_dequantized(false, 0x0000, 0.0f);
  expect_dequantized(false, 0x8000, -0.0f);
  expect_dequantized(false, 0x3C00, 1.0f);
  expect_dequantized(false, 0xC000, -2.0f);
  expect_dequantized(false, 0x7BFF, 65504.0f);
  expect_dequantized(false, 0x0001, 0x1p-24f);
  expect_dequantized(false, 0x03FF, 1023 * 0x1p-24f);
  expect_dequantized(false, 0x0400, 0x1p-14f);
  expect_dequantized(false, 0x7C00, inf);
  expect_dequantized(false, 0xFC00, -inf);
  expect_dequantized(false, 0x7E00, NAN);
  expect_dequantized(false, 0x7C01, NAN);
}

TEST(QuantLegacyFloatSpecials, F16QuantizeRoundsToNearestEven) {
  ASSERT_TRUE(has_avx2_fma_f16c());
  const float inf = std::numeric_limits<float>::infinity();
  expect_quantized(false, 65519.0f, 0x7BFF);
  expect_quantized(false, 65520.0f, 0x7C00);       // halfway to 2^16: rounds to infinity
  expect_quantized(false, 1e-8f, 0x0000);
  expect_quantized(false, 0x1p-25f, 0x0000);       // half of the smallest subnormal: to even (0)
  expect_quantized(false, 0x1.0002p-25f, 0x0001);
  expect_quantized(false, 3 * 0x1p-25f, 0x0002);   // 1.5 units: to even (2)
  expect_quantized(false, -0.0f, 0x8000);
  expect_quantized(false, 1.0f + 0x1p-11f, 0x3C00);
  expect_quantized(false, 1.0f + 3 * 0x1p-11f, 0x3C02);
  expect_quantized(false, inf, 0x7C00);
  expect_quantized(false, -inf, 0xFC00);
  expect_quantized(false, NAN, 0x7E00);            // every NaN becomes the plain quiet NaN
  expect_quantized(false, bits_to_fp32(0x7F800001u), 0x7E00);
}

TEST(QuantLegacyFloatSpecials, Bf16DequantizeAndQuantize) {
  ASSERT_TRUE(has_avx2_fma_f16c());
  const float inf = std::numeric_limits<float>::infinity();
  expect_dequantized(true, 0x3F80, 1.0f);
  expect_dequantized(true, 0xC2F7, -123.5f);
  expect_dequantized(true, 0x7F80, inf);
  expect_dequantized(true, 0xFF80, -inf);
  expect_dequantized(true, 0x0001, 0x1p-133f);
  expect_dequantized(true, 0x7FC0, NAN);
  expect_quantized(true, 1.0f + 0x1p-8f, 0x3F80);   // tie: to even
  expect_quantized(true, 1.0f + 3 * 0x1p-8f, 0x3F82);
  expect_quantized(true, -123.5f, 0xC2F7);
  expect_quantized(true, std::numeric_limits<float>::max(), 0x7F80);  // rounds up to infinity
  expect_quantized(true, NAN, 0x7FC0);
  expect_quantized(true, bits_to_fp32(0x7F800001u), 0x7FC0);  // signalling NaN made quiet
  expect_quantized(true, -0.0f, 0x8000);
}

}  // namespace
}  // namespace pw::quant::testing
