// The attention kernels (engine/model/attention_kernels.h): the scalar twins against plain
// double-precision references, and the AVX2 twins against the scalar ones bit for bit (the
// decode-vs-batch equality of the model tests rests on one fixed order of operations), for
// head counts around the 4-head blocks, head sizes with and without an 8-wide tail, F16 and
// F32 rows, odd and even position counts.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/model/attention_kernels.h"
#include "engine/model/swiglu_kernels.h"
#include "engine/quant/cpu_features.h"
#include "engine/tensor/fp16.h"
#include "tests/support/random_values.h"

namespace pw::model {
namespace {

// n rows of `width` values, stored F16 or F32 with `pad` extra values per row (a cache row
// holds every KV head); `values` receives what the rows hold, as floats.
struct Rows {
  std::vector<uint8_t> bytes;
  std::vector<float> values;
  KvRows rows;
};

Rows make_rows(int n, int width, bool f16, uint32_t seed, int pad = 3) {
  Rows r;
  const int stride_vals = width + pad;
  const size_t elem = f16 ? 2 : 4;
  r.bytes.resize(static_cast<size_t>(n) * static_cast<size_t>(stride_vals) * elem);
  const auto v = pw::test::random_normal_floats(static_cast<size_t>(n) * static_cast<size_t>(stride_vals), seed);
  for (size_t i = 0; i < v.size(); ++i) {
    if (f16) {
      const uint16_t h = fp32_to_fp16(v[i]);
      std::memcpy(r.bytes.data() + i * 2, &h, 2);
    } else {
      std::memcpy(r.bytes.data() + i * 4, &v[i], 4);
    }
  }
  for (int j = 0; j < n; ++j)
    for (int d = 0; d < width; ++d) {
      const float x = v[static_cast<size_t>(j) * stride_vals + d];
      r.values.push_back(f16 ? fp16_to_fp32(fp32_to_fp16(x)) : x);
    }
  r.rows = KvRows{r.bytes.data(), static_cast<size_t>(stride_vals) * elem, f16};
  return r;
}

bool have_avx2() { return quant::cpu_features().avx2_fma_f16c; }

TEST(ModelAttentionKernels, ScalarScoresAreDotProducts) {
  const AttentionKernels& k = attention_kernels_scalar();
  for (bool f16 : {false, true}) {
    const int nh = 3, dk = 20, n = 5;
    const Rows kr = make_rows(n, dk, f16, 1);
    const auto q = pw::test::random_normal_floats(static_cast<size_t>(nh) * dk, 2);
    std::vector<float> s(static_cast<size_t>(nh) * n);
    k.scores(q.data(), nh, dk, kr.rows, n, s.data(), n);
    for (int h = 0; h < nh; ++h)
      for (int j = 0; j < n; ++j) {
        double want = 0;
        for (int d = 0; d < dk; ++d) want += static_cast<double>(q[h * dk + d]) * kr.values[j * dk + d];
        EXPECT_NEAR(s[h * n + j], want, 1e-5) << h << " " << j;
      }
  }
}

TEST(ModelAttentionKernels, ScalarSoftmaxIsTheScaledCappedSoftmax) {
  const AttentionKernels& k = attention_kernels_scalar();
  for (float cap : {0.0f, 3.0f})
    for (int n : {1, 8, 21}) {
      auto s = pw::test::random_normal_floats(static_cast<size_t>(n), 3, 4.0f);
      std::vector<double> want(s.begin(), s.end());
      double max = -INFINITY, sum = 0;
      for (double& x : want) {
        if (cap > 0) x = cap * std::tanh(x / cap);
        x *= 0.3;
        max = std::max(max, x);
      }
      for (double& x : want) sum += (x = std::exp(x - max));
      k.softmax(s.data(), n, 0.3f, cap, false);
      for (int j = 0; j < n; ++j) EXPECT_NEAR(s[j], want[j] / sum, 1e-6) << "cap " << cap << " n " << n;
    }
}

TEST(ModelAttentionKernels, ScalarWeightedSumIsTheWeightedSum) {
  const AttentionKernels& k = attention_kernels_scalar();
  const int nh = 2, dv = 13, n = 6;
  const Rows vr = make_rows(n, dv, true, 4);
  const auto p = pw::test::random_normal_floats(static_cast<size_t>(nh) * n, 5);
  std::vector<float> out(static_cast<size_t>(nh) * dv, -1.0f);
  k.weighted_sum(p.data(), n, nh, vr.rows, n, dv, out.data(), dv);
  for (int h = 0; h < nh; ++h)
    for (int d = 0; d < dv; ++d) {
      double want = 0;
      for (int j = 0; j < n; ++j) want += static_cast<double>(p[h * n + j]) * vr.values[j * dv + d];
      EXPECT_NEAR(out[h * dv + d], want, 1e-5);
    }
}

TEST(ModelAttentionKernels, Avx2ScoresAreBitIdenticalToScalar) {
  if (!have_avx2()) GTEST_SKIP() << "CPU without AVX2/FMA/F16C: only the scalar attention kernels run";
  for (bool f16 : {false, true})
    for (int dk : {5, 8, 20, 64, 128})
      for (int nh : {1, 2, 3, 4, 5, 7, 8})
        for (int n : {1, 2, 7, 34}) {
          const Rows kr = make_rows(n, dk, f16, static_cast<uint32_t>(10 + dk + n));
          const auto q = pw::test::random_normal_floats(static_cast<size_t>(nh) * dk, static_cast<uint32_t>(nh));
          const size_t stride = static_cast<size_t>(n) + 2;
          std::vector<float> a(nh * stride, -7.0f), b(nh * stride, -7.0f);
          attention_kernels_scalar().scores(q.data(), nh, dk, kr.rows, n, a.data(), stride);
          attention_kernels_avx2().scores(q.data(), nh, dk, kr.rows, n, b.data(), stride);
          ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0)
              << "f16 " << f16 << " dk " << dk << " nh " << nh << " n " << n;
        }
}

TEST(ModelAttentionKernels, Avx2SoftmaxIsBitIdenticalToScalar) {
  if (!have_avx2()) GTEST_SKIP() << "CPU without AVX2/FMA/F16C: only the scalar attention kernels run";
  for (bool round_f16 : {false, true})
    for (float cap : {0.0f, 5.0f})
      for (int n : {1, 7, 8, 9, 64, 100, 1500}) {
        // Wide scores, so some weights underflow to 0 and some round to F16 subnormals.
        const auto s = pw::test::random_normal_floats(static_cast<size_t>(n), static_cast<uint32_t>(n), 12.0f);
        std::vector<float> a = s, b = s;
        attention_kernels_scalar().softmax(a.data(), n, 0.7f, cap, round_f16);
        attention_kernels_avx2().softmax(b.data(), n, 0.7f, cap, round_f16);
        ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0)
            << "round_f16 " << round_f16 << " cap " << cap << " n " << n;
      }
}

TEST(ModelAttentionKernels, Avx2WeightedSumIsBitIdenticalToScalar) {
  if (!have_avx2()) GTEST_SKIP() << "CPU without AVX2/FMA/F16C: only the scalar attention kernels run";
  for (bool f16 : {false, true})
    for (int dv : {5, 8, 13, 16, 24, 64, 72, 128})
      for (int nh : {1, 3, 4, 7})
        for (int n : {1, 5, 130}) {
          const Rows vr = make_rows(n, dv, f16, static_cast<uint32_t>(20 + dv + n));
          const size_t p_stride = static_cast<size_t>(n) + 1, out_stride = static_cast<size_t>(dv) + 3;
          const auto p = pw::test::random_normal_floats(nh * p_stride, static_cast<uint32_t>(nh + n));
          std::vector<float> a(nh * out_stride, -1.0f), b(nh * out_stride, -1.0f);
          attention_kernels_scalar().weighted_sum(p.data(), p_stride, nh, vr.rows, n, dv, a.data(), out_stride);
          attention_kernels_avx2().weighted_sum(p.data(), p_stride, nh, vr.rows, n, dv, b.data(), out_stride);
          ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0)
              << "f16 " << f16 << " dv " << dv << " nh " << nh << " n " << n;
        }
}

// SwiGLU (swiglu_kernels.h) shares the vectorised exp: scalar twin against the formula in
// double, AVX2 twin against the scalar one bit for bit, including gates far past exp's range.
TEST(ModelAttentionKernels, SwigluTwinsAgreeBitForBitAndWithTheFormula) {
  const int n = 1003;  // not a multiple of 8
  auto gate = pw::test::random_normal_floats(n, 31, 6.0f);
  gate[0] = -200.0f, gate[1] = 200.0f, gate[2] = -88.0f, gate[3] = 90.0f, gate[4] = 0.0f;
  const auto up = pw::test::random_normal_floats(n, 32);
  std::vector<float> a(n), b(n);
  swiglu_scalar(gate.data(), up.data(), n, a.data());
  for (int i = 0; i < n; ++i) {
    const double g = gate[i], want = g / (1.0 + std::exp(-g)) * up[i];
    ASSERT_NEAR(a[i], want, 1e-6 * std::max(1.0, std::fabs(want))) << "gate " << g;
  }
  if (!have_avx2()) GTEST_SKIP() << "CPU without AVX2/FMA: only the scalar SwiGLU runs";
  swiglu_avx2(gate.data(), up.data(), n, b.data());
  ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace pw::model
