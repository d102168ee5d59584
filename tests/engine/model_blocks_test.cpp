// The shared decoder blocks against plain double-precision formulas (what the paper says) and
// against the ggml details they must reproduce (blocks.h).
#include "engine/model/blocks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/tensor/fp16.h"

namespace pw::model {
namespace {

std::vector<float> random_vector(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = nd(rng);
  return v;
}

TEST(ModelBlocks, RmsNormMatchesTheFormula) {
  const auto x = random_vector(300, 1, 3.0f);
  const auto w = random_vector(300, 2);
  std::vector<float> y(300);
  rms_norm(x.data(), w.data(), 300, 1e-5f, y.data());
  double ss = 0;
  for (float v : x) ss += double(v) * v;
  const double inv = 1.0 / std::sqrt(ss / 300 + 1e-5);
  for (int i = 0; i < 300; ++i) EXPECT_NEAR(y[i], x[i] * inv * w[i], 1e-5) << i;
  // In place, and without a weight.
  std::vector<float> z = x;
  rms_norm(z.data(), nullptr, 300, 1e-5f, z.data());
  for (int i = 0; i < 300; ++i) EXPECT_NEAR(z[i], x[i] * inv, 1e-5) << i;
}

TEST(ModelBlocks, RopePairsAnglesAndPartialRotation) {
  const int head_dim = 16, n_rot = 8, pos = 7;
  RopeParams p;
  p.n_rot = n_rot;
  p.freq_base = 10000.0f;
  for (RopeType type : {RopeType::Normal, RopeType::Neox}) {
    p.type = type;
    std::vector<float> cs(n_rot);
    rope_cos_sin(pos, p, cs.data());
    const auto x = random_vector(2 * head_dim, 3);
    std::vector<float> y = x;
    rope_apply(y.data(), 2, head_dim, p, cs.data());
    for (int h = 0; h < 2; ++h) {
      for (int i = 0; i < n_rot / 2; ++i) {
        const double angle = pos * std::pow(10000.0, -2.0 * i / n_rot);
        const int a = h * head_dim + (type == RopeType::Normal ? 2 * i : i);
        const int b = h * head_dim + (type == RopeType::Normal ? 2 * i + 1 : i + n_rot / 2);
        EXPECT_NEAR(y[a], x[a] * std::cos(angle) - x[b] * std::sin(angle), 1e-5);
        EXPECT_NEAR(y[b], x[a] * std::sin(angle) + x[b] * std::cos(angle), 1e-5);
      }
      for (int d = n_rot; d < head_dim; ++d) EXPECT_EQ(y[h * head_dim + d], x[h * head_dim + d]) << "not rotated";
    }
  }
  // Frequency factors divide the angle, freq_scale multiplies it, attn_factor scales cos/sin.
  std::vector<float> factors = {1.0f, 2.0f, 4.0f, 8.0f};
  p.freq_factors = factors.data();
  p.freq_scale = 0.5f;
  p.attn_factor = 1.5f;
  std::vector<float> cs(n_rot);
  rope_cos_sin(pos, p, cs.data());
  for (int i = 0; i < n_rot / 2; ++i) {
    const double angle = 0.5 * pos * std::pow(10000.0, -2.0 * i / n_rot) / factors[i];
    EXPECT_NEAR(cs[2 * i], 1.5 * std::cos(angle), 1e-5);
    EXPECT_NEAR(cs[2 * i + 1], 1.5 * std::sin(angle), 1e-5);
  }
}

TEST(ModelBlocks, GeluGoesThroughAnF16Table) {
  for (float x : {-12.0f, -10.0f, -3.3f, -0.7f, 0.0f, 0.001f, 0.5f, 1.2345f, 4.0f, 9.99f, 10.0f, 25.0f}) {
    const float t = gelu_f16_table(x);
    if (x <= -10.0f) {
      EXPECT_EQ(t, 0.0f);
    } else if (x >= 10.0f) {
      EXPECT_EQ(t, x);
    } else {
      // Input rounded to F16, GELU, output rounded to F16: exactly representable in F16 ...
      EXPECT_EQ(fp16_to_fp32(fp32_to_fp16(t)), t) << x;
      EXPECT_EQ(t, fp16_to_fp32(fp32_to_fp16(gelu_tanh(fp16_to_fp32(fp32_to_fp16(x)))))) << x;
      // ... and close to the tanh formula (double precision here).
      const double xd = x;
      const double exact = 0.5 * xd * (1 + std::tanh(std::sqrt(2 / M_PI) * xd * (1 + 0.044715 * xd * xd)));
      EXPECT_NEAR(t, exact, 2e-3 * std::max(1.0, std::fabs(exact))) << x;
    }
  }
  const std::vector<float> gate = {-11.0f, 0.5f, 2.0f, 11.0f}, up = {2.0f, 3.0f, -1.0f, 0.5f};
  std::vector<float> out(4);
  geglu(gate.data(), up.data(), 4, out.data());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], gelu_f16_table(gate[i]) * up[i]);
  swiglu(gate.data(), up.data(), 4, out.data());
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(out[i], gate[i] / (1 + std::exp(-double(gate[i]))) * up[i], 1e-5);
}

TEST(ModelBlocks, SoftcapBoundsAndKeepsSmallValues) {
  std::vector<float> x = {-1000.0f, -30.0f, -0.01f, 0.0f, 0.01f, 29.0f, 1e6f};
  const auto before = x;
  softcap(x.data(), static_cast<int>(x.size()), 30.0f);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_LE(std::fabs(x[i]), 30.0f);
    EXPECT_NEAR(x[i], 30.0 * std::tanh(before[i] / 30.0), 1e-4);
  }
  EXPECT_NEAR(x[2], -0.01f, 1e-6);
}

// Naive attention in double over positions [first, pos].
std::vector<double> reference_attention(const std::vector<float>& q, const std::vector<std::vector<float>>& K,
                                        const std::vector<std::vector<float>>& V, int first, int pos, double scale,
                                        double cap) {
  std::vector<double> s;
  double max = -1e300;
  for (int j = first; j <= pos; ++j) {
    double d = 0;
    for (size_t i = 0; i < q.size(); ++i) d += double(q[i]) * K[j][i];
    if (cap > 0) d = cap * std::tanh(d / cap);
    d *= scale;
    s.push_back(d);
    max = std::max(max, d);
  }
  double sum = 0;
  for (double& v : s) sum += (v = std::exp(v - max));
  std::vector<double> out(V[0].size(), 0.0);
  for (int j = first; j <= pos; ++j)
    for (size_t d = 0; d < out.size(); ++d) out[d] += s[j - first] / sum * V[j][d];
  return out;
}

TEST(ModelBlocks, AttentionIsCausalWindowedAndGrouped) {
  const int hd = 16, n_kv_heads = 2, n_pos = 24;
  for (KvType type : {KvType::F32, KvType::F16}) {
    auto kv = KvCache::create({.n_layer = 2, .n_ctx = 32, .k_width = hd * n_kv_heads, .v_width = hd * n_kv_heads, .type = type});
    ASSERT_TRUE(kv.ok());
    std::vector<std::vector<float>> K(n_pos), V(n_pos);
    for (int p = 0; p < n_pos; ++p) {
      K[p] = random_vector(hd * n_kv_heads, 100 + p);
      V[p] = random_vector(hd * n_kv_heads, 200 + p);
      kv->store(1, p, K[p].data(), V[p].data());
      if (type == KvType::F16)  // the reference sees what the cache holds
        for (auto* row : {&K[p], &V[p]})
          for (float& x : *row) x = fp16_to_fp32(fp32_to_fp16(x));
    }
    std::vector<float> scores(32), q_tmp(hd);
    const AttentionScratch scratch{scores.data(), q_tmp.data()};
    auto q = random_vector(hd, 7);
    for (int kv_head : {0, 1}) {
      std::vector<std::vector<float>> Kh(n_pos), Vh(n_pos);
      for (int p = 0; p < n_pos; ++p) {
        Kh[p].assign(K[p].begin() + kv_head * hd, K[p].begin() + (kv_head + 1) * hd);
        Vh[p].assign(V[p].begin() + kv_head * hd, V[p].begin() + (kv_head + 1) * hd);
      }
      std::vector<float> q_ref = q;
      if (type == KvType::F16)
        for (float& x : q_ref) x = fp16_to_fp32(fp32_to_fp16(x));
      for (auto [window, cap] : {std::pair{0, 0.0f}, std::pair{5, 0.0f}, std::pair{0, 2.0f}}) {
        const int pos = 20;
        AttentionParams p{.head_dim_k = hd, .head_dim_v = hd, .kq_scale = 0.25f, .softcap = cap, .window = window};
        std::vector<float> out(hd);
        attend_head(q.data(), *kv, 1, kv_head, pos, p, scratch, out.data());
        const int first = window > 0 ? pos - window + 1 : 0;
        const auto ref = reference_attention(q_ref, Kh, Vh, first, pos, 0.25, cap);
        // F16 also rounds the softmax weights: ~1e-3 relative.
        const double tol = type == KvType::F32 ? 1e-5 : 2e-3;
        for (int d = 0; d < hd; ++d) EXPECT_NEAR(out[d], ref[d], tol) << "window " << window << " cap " << cap;
      }
    }
  }
}

}  // namespace
}  // namespace pw::model
