// K-quant kernels: AVX2 twins against the scalar references, and the scalar dot products
// against a float64 dot of the dequantized rows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "engine/quant/cpu_features.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_internal.h"
#include "k_quants_test_support.h"
#include "tests/support/random_values.h"

namespace pw::quant::test {
namespace {


#define REQUIRE_AVX2()                                                              \
  if (!pw::test::cpu_has_avx2_fma_f16c()) GTEST_SKIP() << "this CPU has no AVX2/FMA/F16C: fast kernels cannot run here"

// Weight rows of two kinds: what our quantizer produces, and random bytes (every bit pattern of
// quants and sub-block scales, e.g. Q6_K scale -128, Q3_K scale -32, all qh bits set).
std::vector<std::vector<uint8_t>> weight_rows(const KFormat& f, int64_t n, uint64_t seed) {
  return {quantize(f, gaussian_values(n, seed)), quantize(f, heavy_tailed_values(n, seed + 1)),
          random_blocks(f, n, seed + 2)};
}

TEST(KQuantsDot, Avx2MatchesScalarWithinRoundingOfTheFinalSum) {
  REQUIRE_AVX2();
  // Both kernels reduce each super-block to the same exact int32 sums; they differ only in the
  // order in which the per-block float terms are added (8 lanes + horizontal sum vs one running
  // sum) and in FMA use; dot_tolerance allows a few float ulps of sum|w*a| (plus the mins'
  // part). A wrong scale, nibble or bit in any sub-block moves the result by more than that
  // (SubBlockChangeIsDetectedByTheTolerance checks this).
  for (const KFormat& f : k_formats()) {
    for (int64_t n : {256, 512, 2048, 4096, 11008}) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        const std::vector<uint8_t> act = quantize_q8_K(gaussian_values(n, 100 + seed));
        for (const auto& w : weight_rows(f, n, seed * 10)) {
          const float scalar = f.dot_scalar(n, w.data(), act.data());
          const float fast = f.dot_avx2(n, w.data(), act.data());
          const double tol = dot_tolerance(f, w, act, n);
          EXPECT_NEAR(fast, scalar, tol) << f.name << " n=" << n << " seed=" << seed;
          EXPECT_TRUE(std::isfinite(fast)) << f.name;
        }
      }
    }
  }
}

TEST(KQuantsDot, ScalarMatchesFloat64DotOfDequantizedRows) {
  // Independent of the AVX2 code: the integer formulation of the dot product (block sums for
  // the mins, offsets folded into scales) must equal sum(dequant(w) * dequant(a)).
  for (const KFormat& f : k_formats()) {
    for (int64_t n : {256, 1024, 4096}) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        const std::vector<float> a = heavy_tailed_values(n, 200 + seed);
        const std::vector<uint8_t> act = quantize_q8_K(a);
        std::vector<float> af(static_cast<size_t>(n));
        dequantize_row_q8_K(act.data(), af.data(), n);
        for (const auto& w : weight_rows(f, n, seed * 20)) {
          const std::vector<float> wf = dequantize(f, w, n);
          double exact = 0;
          for (int64_t i = 0; i < n; ++i) exact += static_cast<double>(wf[i]) * af[i];
          const float scalar = f.dot_scalar(n, w.data(), act.data());
          // Dequantized values carry up to two roundings each: allow 4 more ulps of magnitude.
          const double tol = dot_tolerance(f, w, act, n) + 4 * 1.2e-7 * dot_magnitude(f, w, act, n);
          EXPECT_NEAR(scalar, exact, tol) << f.name << " n=" << n << " seed=" << seed;
        }
      }
    }
  }
}

TEST(KQuantsDot, SubBlockChangeIsDetectedByTheTolerance) {
  // Guards the tolerance itself: flipping one quant bit of 16 values of one sub-block must
  // move the dot product by well over dot_tolerance, or the two tests above prove nothing.
  for (const KFormat& f : k_formats()) {
    const int64_t n = 4096;
    const std::vector<uint8_t> act = quantize_q8_K(gaussian_values(n, 7));
    std::vector<uint8_t> w = quantize(f, gaussian_values(n, 8));
    const float before = f.dot_scalar(n, w.data(), act.data());
    const double tol = dot_tolerance(f, w, act, n);
    // Bytes from 3/4 of a block on hold quants in every one of these layouts.
    const size_t first = 5 * f.block_bytes + f.block_bytes * 3 / 4;
    for (size_t i = first; i < first + 8; ++i) w[i] ^= 0x11;
    const float after = f.dot_scalar(n, w.data(), act.data());
    EXPECT_GT(std::fabs(after - before), 20 * tol) << f.name;
  }
}

TEST(KQuantsDequantize, Avx2IsBitIdenticalToScalar) {
  REQUIRE_AVX2();
  for (const KFormat& f : k_formats()) {
    for (int64_t n : {256, 768, 4096}) {
      for (const auto& w : weight_rows(f, n, 31)) {
        std::vector<float> scalar(static_cast<size_t>(n)), fast(static_cast<size_t>(n), -1.0f);
        f.dequantize(w.data(), scalar.data(), n);
        f.dequantize_avx2(w.data(), fast.data(), n);
        ASSERT_EQ(0, std::memcmp(scalar.data(), fast.data(), scalar.size() * sizeof(float)))
            << f.name << " n=" << n;
      }
    }
  }
}

TEST(KQuantsDequantize, MatchesTheFormulaOfEachFormatOnHandBuiltBlocks) {
  // One block per format with known fields, decoded by hand from the layout description.
  {
    BlockQ4K b{};
    b.d = fp32_to_fp16(0.5f);
    b.dmin = fp32_to_fp16(0.25f);
    const uint8_t scales[8] = {1, 2, 3, 63, 10, 20, 40, 63}, mins[8] = {0, 5, 7, 63, 1, 33, 62, 2};
    uint8_t packed[12];
    // pack via the documented bit positions
    for (int j = 0; j < 4; ++j) {
      packed[j] = static_cast<uint8_t>(scales[j] | ((scales[j + 4] >> 4) << 6));
      packed[j + 4] = static_cast<uint8_t>(mins[j] | ((mins[j + 4] >> 4) << 6));
      packed[j + 8] = static_cast<uint8_t>((scales[j + 4] & 15) | ((mins[j + 4] & 15) << 4));
    }
    std::memcpy(b.scales, packed, 12);
    for (int i = 0; i < 128; ++i) b.qs[i] = static_cast<uint8_t>((i * 7) & 0xFF);
    float y[256];
    dequantize_row_q4_K(&b, y, 256);
    for (int e = 0; e < 256; ++e) {
      const int sub = e / 32;
      const int byte = 32 * (e / 64) + e % 32;
      const int q = (sub % 2 == 0) ? (b.qs[byte] & 15) : (b.qs[byte] >> 4);
      EXPECT_EQ(y[e], 0.5f * scales[sub] * q - 0.25f * mins[sub]) << e;
    }
  }
  {
    BlockQ6K b{};
    b.d = fp32_to_fp16(0.125f);
    for (int j = 0; j < 16; ++j) b.scales[j] = static_cast<int8_t>(j * 17 - 128);
    for (int i = 0; i < 128; ++i) b.ql[i] = static_cast<uint8_t>(i * 13);
    for (int i = 0; i < 64; ++i) b.qh[i] = static_cast<uint8_t>(i * 29 + 3);
    float y[256];
    dequantize_row_q6_K(&b, y, 256);
    for (int e = 0; e < 256; ++e) {
      const int h = e / 128, g = (e % 128) / 32, l = e % 32;
      const uint8_t lowbyte = b.ql[64 * h + 32 * (g % 2) + l];
      const int low = g < 2 ? (lowbyte & 15) : (lowbyte >> 4);
      const int high = (b.qh[32 * h + l] >> (2 * g)) & 3;
      EXPECT_EQ(y[e], 0.125f * b.scales[e / 16] * ((low | (high << 4)) - 32)) << e;
    }
  }
}

TEST(KQuantsScales, PackAndUnpackAreInverse) {
  Rng rng(5);
  for (int trial = 0; trial < 500; ++trial) {
    uint8_t sc[8], mn[8], sc2[8], mn2[8], packed[12];
    for (int j = 0; j < 8; ++j) {
      sc[j] = static_cast<uint8_t>(rng.next() % 64);
      mn[j] = static_cast<uint8_t>(rng.next() % 64);
    }
    detail::pack_scales_mins_k4(sc, mn, packed);
    unpack_scales_mins_k4(packed, sc2, mn2);
    for (int j = 0; j < 8; ++j) {
      EXPECT_EQ(sc[j], sc2[j]);
      EXPECT_EQ(mn[j], mn2[j]);
    }
    int8_t s3[16], s3b[16];
    uint8_t p3[12];
    for (int j = 0; j < 16; ++j) s3[j] = static_cast<int8_t>(static_cast<int>(rng.next() % 64) - 32);
    detail::pack_scales_q3_K(s3, p3);
    unpack_scales_q3_K(p3, s3b);
    for (int j = 0; j < 16; ++j) EXPECT_EQ(s3[j], s3b[j]);
  }
}

}  // namespace
}  // namespace pw::quant::test
