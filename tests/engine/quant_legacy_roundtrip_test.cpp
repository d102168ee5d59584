// Quantize -> dequantize: every value within the bound its format's rounding allows, exactly
// representable values come back unchanged, and the stored scale is the documented formula.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "quant_legacy_test_helpers.h"

namespace pw::quant::testing {
namespace {

// Signed value of largest magnitude, first on ties (the Q4_0/Q5_0 scale source).
float signed_absmax(const float* x) {
  float amax = 0.0f, max = 0.0f;
  for (int j = 0; j < 32; ++j) {
    if (std::fabs(x[j]) > amax) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  }
  return max;
}

float absmax(const float* x) {
  float amax = 0.0f;
  for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
  return amax;
}

// Checks one quantized row against a per-block bound.
//   allowed(x_block, decoded_block, j) -> max |x_j - dequantized_j|
using Allowance = std::function<double(const float* x, const Decoded& q, int j)>;

void check_row(GgmlType type, QuantizeRowFn quantize, const std::vector<float>& x, const Allowance& allowed,
               const char* what) {
  const auto n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> q(row_bytes(type, n));
  quantize(x.data(), q.data(), n);
  std::vector<float> y(x.size());
  scalar_kernels_for(type)->dequantize_row_scalar(q.data(), y.data(), n);
  for (int64_t b = 0; b < n / 32; ++b) {
    const Decoded block = decode(type, q.data(), b);
    for (int j = 0; j < 32; ++j) {
      const size_t i = static_cast<size_t>(b * 32 + j);
      const double err = std::fabs(static_cast<double>(x[i]) - y[i]);
      ASSERT_LE(err, allowed(&x[static_cast<size_t>(b * 32)], block, j))
          << what << " block " << b << " j=" << j << " x=" << x[i] << " y=" << y[i];
    }
  }
}

constexpr double kTiny = 1e-30;
constexpr double kUnit = 1.0 / 16777216.0;

// Largest error of rounding a value of magnitude |v| to F16 (half an ulp; 2^-25 absolute in
// the subnormal range), with a little margin.
double f16_rounding(double v) { return std::max(std::fabs(v) * 0x1p-11, 0x1p-25) * 1.01; }

std::vector<float> test_row(uint32_t seed) {
  std::mt19937 rng(seed);
  return varied_floats(rng, 32 * 200);
}

// Symmetric formats: d = max / -half (Q4_0 half = 8, Q5_0 half = 16), codes round(x / d)
// clamped to half - 1. Away from the clamp the error is half a step; in the clamp region
// (x/d > half - 0.5, i.e. the value opposite in sign to max) it is (x/d - (half - 1)) steps.
// Plus the F16 rounding of d, which moves code * d by |code| * |d - d16|.
Allowance symmetric(int half) {
  return [half](const float* x, const Decoded& q, int j) {
    const double d = signed_absmax(x) / static_cast<float>(-half);
    EXPECT_EQ(fp32_to_fp16(static_cast<float>(d)), fp32_to_fp16(static_cast<float>(q.d))) << "stored scale";
    const double t = d != 0.0 ? x[j] / d : 0.0;
    const double steps = std::max(0.5, t - (half - 1));
    return std::fabs(d) * (steps + 1e-5) + half * std::fabs(d - q.d) + kTiny;
  };
}

// Min/max formats: d = (max - min) / levels, error half a step plus the F16 roundings of d
// (times the code) and of the minimum, plus the float rounding of code * d + m.
Allowance asymmetric(int levels) {
  return [levels](const float* x, const Decoded& q, int j) {
    const float min = *std::min_element(x, x + 32);
    const float max = *std::max_element(x, x + 32);
    const double d = (max - min) / static_cast<float>(levels);
    EXPECT_EQ(fp32_to_fp16(static_cast<float>(d)), fp32_to_fp16(static_cast<float>(q.d))) << "stored scale";
    EXPECT_EQ(fp32_to_fp16(min), fp32_to_fp16(static_cast<float>(q.m))) << "stored min";
    return d * (0.5 + 1e-5) + levels * std::fabs(d - q.d) + std::fabs(min - q.m) +
           4 * kUnit * (std::fabs(x[j]) + std::fabs(q.m) + levels * q.d) + kTiny;
  };
}

// Q8: d = amax / 127, half a step plus 127 * |d - d16|.
Allowance q8() {
  return [](const float* x, const Decoded& q, int) {
    const double d = absmax(x) / 127.0f;
    EXPECT_EQ(fp32_to_fp16(static_cast<float>(d)), fp32_to_fp16(static_cast<float>(q.d))) << "stored scale";
    return d * (0.5 + 1e-5) + 127 * std::fabs(d - q.d) + kTiny;
  };
}

// Distance from t to the level nearest to it, at worst: half the gap of the interval holding
// t, or the distance to the end level outside the grid.
double iq4_worst_steps(double t) {
  if (t <= kIq4NlValues[0]) return kIq4NlValues[0] - t;
  if (t >= kIq4NlValues[15]) return t - kIq4NlValues[15];
  int k = 0;
  while (!(t >= kIq4NlValues[k] && t <= kIq4NlValues[k + 1])) ++k;
  return (kIq4NlValues[k + 1] - kIq4NlValues[k]) / 2.0;
}

// IQ4_NL: the quantizer puts x at the level nearest to x / d_f, with d_f its F32 scale, which
// is only known to within the F16 rounding e of the stored d16. So x / d_f lies within delta
// of t = x / d16, and the error is at most (|d16| + e) * (worst steps near t) + 127 * e.
Allowance iq4_nl() {
  return [](const float* x, const Decoded& q, int j) {
    const double d = std::fabs(q.d);
    if (d == 0.0) return std::fabs(static_cast<double>(x[j])) < 1e-14 ? kTiny : 0.0;
    const double e = f16_rounding(d);
    const double t = x[j] / q.d;
    const double delta = d > e ? std::fabs(t) * e / (d - e) : std::fabs(t);
    const double steps = std::max({iq4_worst_steps(t - delta), iq4_worst_steps(t), iq4_worst_steps(t + delta)});
    return (d + e) * (steps + delta + 1e-5) + 127 * e + kTiny;
  };
}

TEST(QuantLegacyRoundTrip, Q4_0ErrorWithinHalfStep) {
  check_row(GgmlType::Q4_0, quantize_row_q4_0, test_row(1), symmetric(8), "q4_0");
}
TEST(QuantLegacyRoundTrip, Q5_0ErrorWithinHalfStep) {
  check_row(GgmlType::Q5_0, quantize_row_q5_0, test_row(2), symmetric(16), "q5_0");
}
TEST(QuantLegacyRoundTrip, Q4_1ErrorWithinHalfStep) {
  check_row(GgmlType::Q4_1, quantize_row_q4_1, test_row(3), asymmetric(15), "q4_1");
}
TEST(QuantLegacyRoundTrip, Q5_1ErrorWithinHalfStep) {
  check_row(GgmlType::Q5_1, quantize_row_q5_1, test_row(4), asymmetric(31), "q5_1");
}
TEST(QuantLegacyRoundTrip, Q8_0BothQuantizersWithinHalfStep) {
  check_row(GgmlType::Q8_0, quantize_row_q8_0_reference, test_row(5), q8(), "q8_0 reference");
  check_row(GgmlType::Q8_0, quantize_row_q8_0, test_row(6), q8(), "q8_0 activations");
}
TEST(QuantLegacyRoundTrip, Q8_1BothQuantizersWithinHalfStepAndSumMatches) {
  for (QuantizeRowFn quantize : {quantize_row_q8_1_reference, quantize_row_q8_1}) {
    const std::vector<float> x = test_row(7);
    check_row(GgmlType::Q8_1, quantize, x, q8(), "q8_1");
    std::vector<BlockQ8_1> q(x.size() / 32);
    quantize(x.data(), q.data(), static_cast<int64_t>(x.size()));
    for (const BlockQ8_1& b : q) {
      int sum = 0;
      for (int8_t v : b.qs) sum += v;
      // s = F16(d * sum) with the F32 d, which is not stored: recomputed from the F16 d it is
      // off by at most |sum| * (F16 rounding of d) + (F16 rounding of s).
      const double d16 = fp16_to_fp32(b.d);
      const double s = sum * d16;
      EXPECT_NEAR(fp16_to_fp32(b.s), s, std::abs(sum) * f16_rounding(d16) + f16_rounding(s) + 1e-12);
    }
  }
}
TEST(QuantLegacyRoundTrip, Iq4NlValuesAtNearestLevel) {
  check_row(GgmlType::IQ4_NL, quantize_row_iq4_nl, test_row(8), iq4_nl(), "iq4_nl");
}

TEST(QuantLegacyRoundTrip, FloatFormatsRoundToNearest) {
  const std::vector<float> x = test_row(9);
  std::vector<uint16_t> h(x.size());
  std::vector<float> y(x.size());
  quantize_row_f16(x.data(), h.data(), static_cast<int64_t>(x.size()));
  dequantize_row_f16(h.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    // Half precision: 11 significant bits for normals; absolute 2^-25 below the normal range.
    ASSERT_LE(std::fabs(x[i] - y[i]), std::max(std::fabs(x[i]) * 0x1p-11, 0x1p-25)) << x[i];
  }
  quantize_row_bf16(x.data(), h.data(), static_cast<int64_t>(x.size()));
  dequantize_row_bf16(h.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) ASSERT_LE(std::fabs(x[i] - y[i]), std::fabs(x[i]) * 0x1p-8) << x[i];
}

// ---- exactly representable inputs come back unchanged ----

// Builds 8 blocks of values code * d (+ m) with random codes in [lo, hi], forcing `anchor` codes
// into each block (the values that fix the scale), then checks quantize -> dequantize == x.
void check_exact(GgmlType type, QuantizeRowFn quantize, int lo, int hi, std::vector<int> anchors, float d, float m,
                 const int8_t* levels = nullptr) {
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> code(lo, hi);
  std::vector<float> x(32 * 8);
  for (int b = 0; b < 8; ++b) {
    for (int j = 0; j < 32; ++j) {
      int c = code(rng);
      if (j < static_cast<int>(anchors.size())) c = anchors[static_cast<size_t>(j)];
      const float level = levels ? static_cast<float>(levels[c]) : static_cast<float>(c);
      x[static_cast<size_t>(b * 32 + (j * 7 + b) % 32)] = level * d + m;  // anchors at varied places
    }
  }
  const auto n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> q(row_bytes(type, n));
  quantize(x.data(), q.data(), n);
  std::vector<float> y(x.size());
  scalar_kernels_for(type)->dequantize_row_scalar(q.data(), y.data(), n);
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], y[i]) << type_name(type) << " i=" << i;
}

TEST(QuantLegacyExact, RepresentableValuesRoundTrip) {
  check_exact(GgmlType::Q4_0, quantize_row_q4_0, -8, 7, {-8}, 0.125f, 0.0f);
  check_exact(GgmlType::Q4_0, quantize_row_q4_0, -8, 7, {-8}, 3.0f / 32.0f, 0.0f);  // 1/d inexact
  check_exact(GgmlType::Q5_0, quantize_row_q5_0, -16, 15, {-16}, 0.375f, 0.0f);
  check_exact(GgmlType::Q4_1, quantize_row_q4_1, 0, 15, {0, 15}, 0.125f, -1.25f);
  check_exact(GgmlType::Q5_1, quantize_row_q5_1, 0, 31, {0, 31}, 0.0625f, -2.0f);
  check_exact(GgmlType::Q8_0, quantize_row_q8_0_reference, -127, 127, {127}, 0.0625f, 0.0f);
  check_exact(GgmlType::Q8_0, quantize_row_q8_0, -127, 127, {-127}, 0.0625f, 0.0f);
  check_exact(GgmlType::Q8_1, quantize_row_q8_1, -127, 127, {127}, 0.0078125f, 0.0f);
  check_exact(GgmlType::Q8_1, quantize_row_q8_1_reference, -127, 127, {-127}, 4.0f, 0.0f);
  // IQ4_NL: the scale search finds d exactly when the largest value is level -127.
  check_exact(GgmlType::IQ4_NL, quantize_row_iq4_nl, 0, 15, {0}, 0.03125f, 0.0f, kIq4NlValues);
}

// Q4_0/Q5_0 take the scale from the signed value of largest magnitude; between two values of
// equal magnitude and opposite sign the first one wins (ggml's strict `amax < |x|` scan), which
// decides the sign of d and so every code of the block.
TEST(QuantLegacyExact, FirstValueOfLargestMagnitudeSetsTheScaleSign) {
  std::vector<float> x(32, 0.25f);
  x[3] = 5.0f;
  x[9] = -5.0f;
  BlockQ4_0 q4;
  quantize_row_q4_0(x.data(), &q4, 32);
  EXPECT_EQ(q4.d, fp32_to_fp16(-5.0f / 8.0f));
  BlockQ5_0 q5;
  quantize_row_q5_0(x.data(), &q5, 32);
  EXPECT_EQ(q5.d, fp32_to_fp16(-5.0f / 16.0f));
  std::swap(x[3], x[9]);
  quantize_row_q4_0(x.data(), &q4, 32);
  EXPECT_EQ(q4.d, fp32_to_fp16(5.0f / 8.0f));
  // Now d = 0.625: -5 = -8 * d comes back exactly, 5 = 8 * d is clamped to code 7 (4.375).
  float y[32];
  dequantize_row_q4_0(&q4, y, 32);
  EXPECT_EQ(y[3], -5.0f);
  EXPECT_EQ(y[9], 4.375f);
}

// Files and activations can hold inf/NaN. Quantizers must stay defined (no float -> int
// overflow), and blocks are independent: a bad block does not change its neighbours.
TEST(QuantLegacyRobustness, NonFiniteInputStaysInsideItsBlock) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> row(96);
  std::mt19937 rng(3);
  const std::vector<float> good = varied_floats(rng, 32);
  for (int j = 0; j < 32; ++j) {
    row[j] = j % 3 == 0 ? inf : (j % 3 == 1 ? -1e38f : 0.5f);  // block 0: infinities, huge
    row[32 + j] = good[j];                                        // block 1: ordinary
    row[64 + j] = j == 4 ? nan : 1.0f;                            // block 2: a NaN
  }
  std::vector<std::pair<GgmlType, QuantizeRowFn>> quantizers;
  for (const LegacyFormat& f : legacy_formats()) quantizers.emplace_back(f.type, f.quantize);
  quantizers.emplace_back(GgmlType::Q8_0, quantize_row_q8_0);
  quantizers.emplace_back(GgmlType::Q8_1, quantize_row_q8_1);
  quantizers.emplace_back(GgmlType::Q8_1, quantize_row_q8_1_reference);
  for (const auto& [type, quantize] : quantizers) {
    std::vector<uint8_t> q(row_bytes(type, 96)), alone(row_bytes(type, 32));
    quantize(row.data(), q.data(), 96);
    quantize(good.data(), alone.data(), 32);
    const size_t block = row_bytes(type, 32);
    EXPECT_EQ(std::vector<uint8_t>(q.begin() + static_cast<long>(block), q.begin() + static_cast<long>(2 * block)), alone)
        << type_name(type);
    std::vector<float> y(96);
    scalar_kernels_for(type)->dequantize_row_scalar(q.data(), y.data(), 96);  // must not crash
  }
}

TEST(QuantLegacyExact, ZeroBlocksStayZero) {
  const std::vector<float> zeros(64, 0.0f);
  for (const LegacyFormat& f : legacy_formats()) {
    std::vector<uint8_t> q(row_bytes(f.type, 64), 0xCD);
    f.quantize(zeros.data(), q.data(), 64);
    std::vector<float> y(64, 1.0f);
    f.dequantize(q.data(), y.data(), 64);
    for (float v : y) ASSERT_EQ(v, 0.0f) << f.name;
  }
}

}  // namespace
}  // namespace pw::quant::testing
