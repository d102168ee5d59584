// K-quant quantizers: reconstruction error bounds, and behaviour on extreme inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/quant/k_quants.h"
#include "k_quants_test_support.h"

namespace pw::quant::test {
namespace {

struct ErrorBound {
  const char* format;
  double gaussian;      // max RMSE / RMS on N(0,1) data
  double heavy_tailed;  // max RMSE / RMS on Student-t(3) data
};

// Measured values (this code, 65536 values) plus 4% headroom, so a regression of the search
// shows up here. For comparison, ggml's reference quantizers have 1-13% more error than ours
// on the same data (compared outside the repo against ggml d99724f2; Q2_K gains most).
constexpr ErrorBound kBounds[] = {
    {"q2_K", 0.2832, 0.3181},    // measured 0.2723, 0.3059
    {"q3_K", 0.1528, 0.1902},    // measured 0.1469, 0.1829
    {"q4_K", 0.0731, 0.0945},    // measured 0.0702, 0.0909
    {"q5_K", 0.0363, 0.0473},    // measured 0.0349, 0.0455
    {"q6_K", 0.0182, 0.0260},    // measured 0.0175, 0.0250
    {"iq4_xs", 0.0786, 0.1045},  // measured 0.0756, 0.1004
};

const ErrorBound& bound_for(const std::string& name) {
  for (const ErrorBound& b : kBounds) {
    if (name == b.format) return b;
  }
  ADD_FAILURE() << "no error bound for " << name;
  return kBounds[0];
}

double relative_rmse(const KFormat& f, const std::vector<float>& x) {
  const std::vector<float> y = dequantize(f, quantize(f, x), static_cast<int64_t>(x.size()));
  return rmse(x, y) / rms(x);
}

TEST(KQuantsQuantize, ReconstructionErrorWithinBoundOnGaussianData) {
  for (const KFormat& f : k_formats()) {
    const double err = relative_rmse(f, gaussian_values(65536, 11));
    EXPECT_LE(err, bound_for(f.name).gaussian) << f.name;
    EXPECT_GT(err, 0.5 * bound_for(f.name).gaussian) << f.name << ": suspiciously exact, is the test data real?";
  }
}

TEST(KQuantsQuantize, ReconstructionErrorWithinBoundOnHeavyTailedData) {
  for (const KFormat& f : k_formats()) {
    EXPECT_LE(relative_rmse(f, heavy_tailed_values(65536, 12)), bound_for(f.name).heavy_tailed) << f.name;
  }
}

TEST(KQuantsQuantize, ErrorIsScaleInvariantOverTheUsefulRange) {
  // The search itself must not depend on magnitude (it weighs by x^2; terms of order x^6 would
  // overflow at 1e6 without normalisation). F16 super-scales limit the usable range: below a
  // standard deviation of ~1e-2 the sub-normal F16 scales of Q6_K lose precision (+7% error at
  // 1e-3; ggml +15%). From 1e-2 to 1e4 every format stays within 2% of its unit-scale error
  // (measured: within 0.2%).
  for (const KFormat& f : k_formats()) {
    const double unit = relative_rmse(f, gaussian_values(16384, 21));
    for (float scale : {1e-2f, 0.02f, 1e2f, 1e3f, 1e4f}) {
      EXPECT_LE(relative_rmse(f, gaussian_values(16384, 21, scale)), 1.02 * unit) << f.name << " scale " << scale;
    }
  }
}

TEST(KQuantsQuantize, AllZerosDecodeToExactZeros) {
  for (const KFormat& f : k_formats()) {
    const std::vector<float> x(512, 0.0f);
    for (float v : dequantize(f, quantize(f, x), 512)) ASSERT_EQ(v, 0.0f) << f.name;
  }
}

TEST(KQuantsQuantize, ConstantRowsAreReproduced) {
  for (const KFormat& f : k_formats()) {
    for (float c : {1.0f, -1.0f, 0.37f, -0.0123f, 250.0f, -3000.0f}) {
      const std::vector<float> x(512, c);
      for (float v : dequantize(f, quantize(f, x), 512)) {
        // F16 super-scale times a small integer: ~0.1% rounding; allow 1%.
        ASSERT_NEAR(v, c, 0.01 * std::fabs(c)) << f.name << " c=" << c;
      }
    }
  }
}

TEST(KQuantsQuantize, ZeroAndConstantSubBlocksInsideNormalData) {
  // Sub-blocks that are all zero, constant, all positive or all negative, next to ordinary
  // ones: the zero sub-block must stay (nearly) zero and nothing may be NaN.
  for (const KFormat& f : k_formats()) {
    std::vector<float> x = gaussian_values(256, 31);
    for (int i = 0; i < 32; ++i) x[i] = 0.0f;
    for (int i = 32; i < 64; ++i) x[i] = 0.5f;
    for (int i = 64; i < 96; ++i) x[i] = std::fabs(x[i]) + 0.1f;
    for (int i = 96; i < 128; ++i) x[i] = -std::fabs(x[i]) - 0.1f;
    const std::vector<float> y = dequantize(f, quantize(f, x), 256);
    for (int i = 0; i < 256; ++i) ASSERT_TRUE(std::isfinite(y[i])) << f.name << " i=" << i;
    // Formats with mins subtract a per-sub-block min, so a zero sub-block may come back as a
    // small offset; it must still be small against the block's spread.
    for (int i = 0; i < 32; ++i) EXPECT_LE(std::fabs(y[i]), 0.25) << f.name << " i=" << i;
    for (int i = 32; i < 64; ++i) EXPECT_NEAR(y[i], 0.5f, 0.1) << f.name << " i=" << i;
    EXPECT_LE(rmse(x, y) / rms(x), 1.5 * bound_for(f.name).gaussian) << f.name;
  }
}

TEST(KQuantsQuantize, OneOutlierPerBlockIsKeptAndTheRestStaysUsable) {
  for (const KFormat& f : k_formats()) {
    std::vector<float> x = gaussian_values(1024, 41);
    for (int b = 0; b < 4; ++b) x[static_cast<size_t>(b * 256 + 77)] = 60.0f * (b % 2 ? -1.0f : 1.0f);
    const std::vector<float> y = dequantize(f, quantize(f, x), 1024);
    for (int b = 0; b < 4; ++b) {
      const size_t i = static_cast<size_t>(b * 256 + 77);
      EXPECT_NEAR(y[i], x[i], 0.05 * std::fabs(x[i])) << f.name << " outlier of block " << b;
    }
    for (float v : y) ASSERT_TRUE(std::isfinite(v)) << f.name;
  }
}

TEST(KQuantsQuantize, FiniteInputNeverGivesNanOrInf) {
  // Magnitudes outside F16's range make the scales saturate (values clip) instead of
  // becoming Inf/NaN; values below it flush to zero.
  const float big = std::numeric_limits<float>::max();
  for (const KFormat& f : k_formats()) {
    for (float scale : {1e-30f, 1e-9f, 1e-6f, 1e6f, 1e9f, 1e20f, 1e37f}) {
      const std::vector<float> x = gaussian_values(512, 51, scale);
      for (float v : dequantize(f, quantize(f, x), 512)) ASSERT_TRUE(std::isfinite(v)) << f.name << " scale " << scale;
    }
    std::vector<float> extremes(512);
    for (size_t i = 0; i < extremes.size(); ++i) {
      extremes[i] = (i % 3 == 0) ? big : (i % 3 == 1 ? -big : std::numeric_limits<float>::denorm_min());
    }
    for (float v : dequantize(f, quantize(f, extremes), 512)) ASSERT_TRUE(std::isfinite(v)) << f.name << " +-FLT_MAX";
  }
}

TEST(KQuantsQuantize, NonFiniteInputDoesNotCrash) {
  // NaN/Inf weights are bad input: the output is unspecified but the quantizer must not crash
  // or read/write out of bounds (run under sanitizers in CI).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (const KFormat& f : k_formats()) {
    std::vector<float> x = gaussian_values(512, 61);
    x[3] = nan;
    x[300] = inf;
    x[301] = -inf;
    std::vector<float> all_nan(256, nan);
    const std::vector<uint8_t> q = quantize(f, x);
    const std::vector<uint8_t> qn = quantize(f, all_nan);
    EXPECT_EQ(q.size(), 2 * f.block_bytes);
    EXPECT_EQ(qn.size(), f.block_bytes);
    (void)dequantize(f, q, 512);
    (void)dequantize(f, qn, 256);
  }
}

TEST(KQuantsQuantize, QuantizedRowsAreIndependentPerBlock) {
  // Quantizing a row in one call or block by block gives the same bytes (the quantizer is
  // applied to tensor rows of any length and in parallel chunks).
  for (const KFormat& f : k_formats()) {
    const std::vector<float> x = heavy_tailed_values(1024, 71);
    const std::vector<uint8_t> whole = quantize(f, x);
    std::vector<uint8_t> pieces(whole.size());
    for (int b = 0; b < 4; ++b) f.quantize(x.data() + 256 * b, pieces.data() + b * f.block_bytes, 256);
    EXPECT_EQ(whole, pieces) << f.name;
  }
}

}  // namespace
}  // namespace pw::quant::test
