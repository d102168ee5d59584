// AVX2 kernels against their scalar twins, for every float and 32-value block format:
// dequantize bit for bit, activation quantizers byte for byte, dot products within the float
// rounding bound derived in legacy_vec_dot_avx2.cpp / float_formats_avx2.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "quant_legacy_test_helpers.h"

namespace pw::quant::testing {
namespace {

constexpr double kUnit = 1.0 / 16777216.0;  // 2^-24, float's unit roundoff

std::vector<int64_t> lengths_for(const LegacyFormat& f) {
  if (f.block == 1) return {1, 7, 8, 9, 31, 32, 33, 100, 4099};
  return {32, 64, 96, 256, 4096 + 96};
}

// A row of random bytes in the format's layout whose F16 scales are finite (random codes, any
// qh bits); F16/BF16 rows are random bit patterns of every kind.
std::vector<uint8_t> random_row(std::mt19937& rng, const LegacyFormat& f, int64_t n) {
  std::vector<uint8_t> row(row_bytes(f.type, n));
  std::uniform_int_distribution<int> byte(0, 255);
  for (auto& b : row) b = static_cast<uint8_t>(byte(rng));
  if (f.block == 1) return row;
  const size_t block_bytes = type_info(f.type).type_size;
  std::uniform_real_distribution<float> scale(-2.0f, 2.0f);
  for (size_t off = 0; off < row.size(); off += block_bytes) {
    const uint16_t d = fp32_to_fp16(scale(rng));
    std::memcpy(&row[off], &d, 2);
    if (f.type == GgmlType::Q4_1 || f.type == GgmlType::Q5_1) {
      const uint16_t m = fp32_to_fp16(scale(rng) * 8.0f);
      std::memcpy(&row[off + 2], &m, 2);
    }
  }
  return row;
}

class FastVsScalar : public ::testing::TestWithParam<LegacyFormat> {
 protected:
  void SetUp() override { ASSERT_TRUE(has_avx2_fma_f16c()) << "AVX2/FMA/F16C needed to compare the fast kernels"; }
};

TEST_P(FastVsScalar, DequantizeIsBitIdentical) {
  const LegacyFormat& f = GetParam();
  std::mt19937 rng(11);
  for (int64_t n : lengths_for(f)) {
    for (int source = 0; source < 2; ++source) {
      std::vector<uint8_t> row;
      if (source == 0) {
        const std::vector<float> x = varied_floats(rng, n);
        row.resize(row_bytes(f.type, n));
        f.quantize(x.data(), row.data(), n);
      } else {
        row = random_row(rng, f, n);
      }
      std::vector<float> a(static_cast<size_t>(n), -1.0f), b(static_cast<size_t>(n), -2.0f);
      f.dequantize(row.data(), a.data(), n);
      f.dequantize_avx2(row.data(), b.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        // NaN only from random F16 patterns: F16C quiets signalling NaNs, fp16.h keeps them.
        ASSERT_TRUE(same_float_bits(a[i], b[i])) << f.name << " n=" << n << " source=" << source << " i=" << i
                                                 << ": " << a[i] << " vs " << b[i];
      }
    }
  }
}

TEST_P(FastVsScalar, VecDotAgreesWithinRoundingBound) {
  const LegacyFormat& f = GetParam();
  std::mt19937 rng(12);
  for (int64_t n : lengths_for(f)) {
    for (int source = 0; source < 2; ++source) {
      std::vector<uint8_t> w;
      if (source == 0) {
        const std::vector<float> x = varied_floats(rng, n);
        w.resize(row_bytes(f.type, n));
        f.quantize(x.data(), w.data(), n);
      } else {
        if (f.block == 1) continue;  // random F16/BF16 bits include inf/NaN: no bound to check
        w = random_row(rng, f, n);
      }
      const std::vector<uint8_t> a = quantize_activations(f.act_type, varied_floats(rng, n));
      const double magnitude = dot_magnitude(f.type, f.act_type, w.data(), a.data(), n);
      const double exact = exact_dot(f.type, f.act_type, w.data(), a.data(), n);
      const double scalar = f.dot(n, w.data(), a.data());
      const double fast = f.dot_avx2(n, w.data(), a.data());
      // Block formats: each kernel adds nb = n/32 block terms in float: error <= (nb + 8) u B.
      // Float formats: the fast kernel's lanes add n/32 exact-product FMAs, then 8 more
      // operations: also (n/32 + 8) u B. The float scalar twin sums in double (error
      // n * 2^-53 * B) and rounds once at the end (u * |result|).
      const double bound_each = (static_cast<double>(n / 32) + 8.0) * kUnit * magnitude + 1e-30;
      const double scalar_bound =
          f.block == 1 ? kUnit * std::fabs(exact) + static_cast<double>(n) * kUnit * kUnit * magnitude + 1e-30
                       : bound_each;
      EXPECT_NEAR(scalar, exact, scalar_bound) << f.name << " n=" << n << " source=" << source;
      EXPECT_NEAR(fast, exact, bound_each) << f.name << " n=" << n << " source=" << source;
      EXPECT_NEAR(fast, scalar, 2.0 * bound_each + kUnit * std::fabs(exact)) << f.name << " n=" << n;
    }
  }
}

TEST_P(FastVsScalar, VecDotOfZeroActivationsIsZero) {
  const LegacyFormat& f = GetParam();
  std::mt19937 rng(13);
  const int64_t n = 256;
  std::vector<uint8_t> w(row_bytes(f.type, n));
  const std::vector<float> x = varied_floats(rng, n);
  f.quantize(x.data(), w.data(), n);
  const std::vector<uint8_t> a = quantize_activations(f.act_type, std::vector<float>(n, 0.0f));
  EXPECT_EQ(f.dot(n, w.data(), a.data()), 0.0f);
  EXPECT_EQ(f.dot_avx2(n, w.data(), a.data()), 0.0f);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, FastVsScalar, ::testing::ValuesIn(legacy_formats()), format_name);

// ---- activation quantizers: the fast path must give the scalar twin's bytes exactly ----

struct ActivationQuantizer {
  const char* name;
  GgmlType type;
  QuantizeRowFn scalar;
  QuantizeRowFn fast;
  int block;
};

void PrintTo(const ActivationQuantizer& q, std::ostream* os) { *os << q.name; }

class ActivationFastVsScalar : public ::testing::TestWithParam<ActivationQuantizer> {};

std::vector<float> special_values(std::mt19937& rng, int64_t n) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float pool[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.5f, -3.5f, 127.0f, 65504.0f, 65520.0f, 1e30f, -1e30f,
                        1e-30f, 5.96e-8f, 2.98e-8f, 1e-45f, inf, -inf, nan, -nan, 3.0f / 7.0f};
  std::uniform_int_distribution<size_t> pick(0, std::size(pool) - 1);
  std::vector<float> x(static_cast<size_t>(n));
  for (auto& v : x) v = pool[pick(rng)];
  return x;
}

TEST_P(ActivationFastVsScalar, BytesAreIdentical) {
  ASSERT_TRUE(has_avx2_fma_f16c());
  const ActivationQuantizer& q = GetParam();
  std::mt19937 rng(21);
  const std::vector<int64_t> lengths = q.block == 1 ? std::vector<int64_t>{1, 5, 8, 15, 16, 17, 64, 1001}
                                                    : std::vector<int64_t>{32, 64, 96, 1024};
  for (int64_t n : lengths) {
    for (int kind = 0; kind < 4; ++kind) {
      std::vector<float> x = kind == 0 ? varied_floats(rng, n) : special_values(rng, n);
      if (kind == 2) {  // finite specials only: extremes, subnormals
        for (auto& v : x) if (!std::isfinite(v)) v = 1.5f;
      }
      if (kind == 3) {  // exact rounding ties: |x| <= 127 with 127 present, so the scale is 1
        std::uniform_int_distribution<int> k(-127, 126);
        for (size_t i = 0; i < x.size(); ++i) x[i] = i % 32 == 7 ? 127.0f : static_cast<float>(k(rng)) + 0.5f;
      }
      const size_t bytes = row_bytes(q.type, n);
      std::vector<uint8_t> a(bytes, 0xAA), b(bytes, 0x55);
      q.scalar(x.data(), a.data(), n);
      q.fast(x.data(), b.data(), n);
      ASSERT_EQ(a, b) << q.name << " n=" << n << " kind=" << kind;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Quantizers, ActivationFastVsScalar,
    ::testing::Values(ActivationQuantizer{"Q8_0", GgmlType::Q8_0, quantize_row_q8_0, quantize_row_q8_0_avx2, 32},
                      ActivationQuantizer{"Q8_1", GgmlType::Q8_1, quantize_row_q8_1, quantize_row_q8_1_avx2, 32},
                      ActivationQuantizer{"F16", GgmlType::F16, quantize_row_f16, quantize_row_f16_avx2, 1},
                      ActivationQuantizer{"BF16", GgmlType::BF16, quantize_row_bf16, quantize_row_bf16_avx2, 1}),
    [](const ::testing::TestParamInfo<ActivationQuantizer>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pw::quant::testing
