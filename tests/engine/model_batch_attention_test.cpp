// Batched attention of prompt processing (engine/model/batch_attention.h) against attend_head,
// the one-query path decoding uses: same cache, every token of a tile and every head of the
// group, F32 and F16 caches, plain causal, sliding window and soft-capped. Only the order of
// float additions inside the two products may differ; the weighted sum of V is bit-identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/model/batch_attention.h"
#include "engine/model/blocks.h"
#include "engine/model/kv_cache.h"
#include "engine/quant/cpu_features.h"
#include "engine/tensor/fp16.h"
#include "tests/support/random_values.h"

namespace pw::model {
namespace {

TEST(ModelBatchAttention, TilesMatchOneQueryAttentionForEveryTokenAndHead) {
  const int hd = 32, n_kv_heads = 2, group = 3, n_head = n_kv_heads * group, n_ctx = 160;
  const int pos0 = 37, n = 90;  // a batch after 37 cached positions: two tiles, the second partial
  for (KvType type : {KvType::F32, KvType::F16}) {
    auto kv = KvCache::create({.n_layer = 2, .n_ctx = n_ctx, .k_width = hd * n_kv_heads, .v_width = hd * n_kv_heads,
                               .type = type});
    ASSERT_TRUE(kv.ok());
    for (int p = 0; p < pos0 + n; ++p) {
      const auto k = pw::test::random_normal_floats(hd * n_kv_heads, 100 + p), v = pw::test::random_normal_floats(hd * n_kv_heads, 900 + p);
      kv->store(1, p, k.data(), v.data());
    }
    const auto q = pw::test::random_normal_floats(static_cast<size_t>(n) * n_head * hd, 5);
    std::vector<float> scratch_mem(batch_attention_scratch_floats(n_ctx, hd, hd, group));
    const BatchAttentionScratch scratch = batch_attention_scratch(scratch_mem.data(), n_ctx, hd, hd, group);
    std::vector<float> scores(n_ctx), q_tmp(hd);
    const AttentionScratch one{scores.data(), q_tmp.data()};
    for (auto [window, cap] : {std::pair{0, 0.0f}, std::pair{20, 0.0f}, std::pair{0, 3.0f}}) {
      const AttentionParams p{.head_dim_k = hd, .head_dim_v = hd, .kq_scale = 0.2f, .softcap = cap, .window = window};
      std::vector<float> att(static_cast<size_t>(n) * n_head * hd, -99.0f);
      for (int t0 = 0; t0 < n; t0 += kAttentionTileTokens)
        for (int kv_head = 0; kv_head < n_kv_heads; ++kv_head)
          attend_tile(q.data(), static_cast<size_t>(n_head) * hd, t0, std::min(n, t0 + kAttentionTileTokens), pos0, *kv,
                      1, kv_head, group, p, scratch, att.data(), static_cast<size_t>(n_head) * hd);
      std::vector<float> want(hd);
      for (int t = 0; t < n; ++t)
        for (int head = 0; head < n_head; ++head) {
          attend_head(q.data() + (static_cast<size_t>(t) * n_head + head) * hd, *kv, 1, head / group, pos0 + t, p, one,
                      want.data());
          const float* got = att.data() + (static_cast<size_t>(t) * n_head + head) * hd;
          for (int d = 0; d < hd; ++d)
            ASSERT_NEAR(got[d], want[d], 2e-5f) << kv_type_name(type) << " window " << window << " cap " << cap
                                                << " token " << t << " head " << head << " dim " << d;
        }
    }
  }
}

// Regression: a context shorter than a head (n_ctx 16, head_dim 64, F16 cache) once overran the
// F16 row of the scratch, which was sized for n_ctx halves while q's rounding writes head_dim
// (heap corruption in `pagewise-bench engine -p 16 -n 32`: an 8-token prompt in a 48-position
// context). The scratch is followed by a guard band that must stay untouched.
TEST(ModelBatchAttention, ContextShorterThanAHeadStaysInsideItsScratch) {
  const int hd = 64, n_ctx = 16, n = 12;
  auto kv = KvCache::create({.n_layer = 1, .n_ctx = n_ctx, .k_width = hd, .v_width = hd, .type = KvType::F16});
  ASSERT_TRUE(kv.ok());
  for (int p = 0; p < n; ++p) {
    const auto k = pw::test::random_normal_floats(hd, 300 + p), v = pw::test::random_normal_floats(hd, 700 + p);
    kv->store(0, p, k.data(), v.data());
  }
  const auto q = pw::test::random_normal_floats(static_cast<size_t>(n) * hd, 11);
  const size_t floats = batch_attention_scratch_floats(n_ctx, hd, hd, 1), guard = 256;
  std::vector<float> scratch_mem(floats + guard, 12345.0f);
  const BatchAttentionScratch scratch = batch_attention_scratch(scratch_mem.data(), n_ctx, hd, hd, 1);
  const AttentionParams p{.head_dim_k = hd, .head_dim_v = hd, .kq_scale = 0.125f, .softcap = 0.0f, .window = 0};
  std::vector<float> att(static_cast<size_t>(n) * hd, -99.0f);
  attend_tile(q.data(), hd, 0, n, 0, *kv, 0, 0, 1, p, scratch, att.data(), hd);
  for (size_t i = floats; i < floats + guard; ++i) ASSERT_EQ(scratch_mem[i], 12345.0f) << "scratch overrun at " << i;
  std::vector<float> scores(n_ctx), q_tmp(hd), want(hd);
  const AttentionScratch one{scores.data(), q_tmp.data()};
  for (int t = 0; t < n; ++t) {
    attend_head(q.data() + static_cast<size_t>(t) * hd, *kv, 0, 0, t, p, one, want.data());
    for (int d = 0; d < hd; ++d) ASSERT_NEAR(att[static_cast<size_t>(t) * hd + d], want[d], 2e-5f) << t << " " << d;
  }
}

// A wrong mask (here: a window cutting off the older half) moves outputs by far more than the
// tolerance above.
TEST(ModelBatchAttention, ToleranceIsFarBelowTheEffectOfAWrongMask) {
  const int hd = 32, n_ctx = 64;
  auto kv = KvCache::create({.n_layer = 1, .n_ctx = n_ctx, .k_width = hd, .v_width = hd, .type = KvType::F32});
  ASSERT_TRUE(kv.ok());
  for (int p = 0; p < n_ctx; ++p) {
    const auto k = pw::test::random_normal_floats(hd, 300 + p), v = pw::test::random_normal_floats(hd, 700 + p);
    kv->store(0, p, k.data(), v.data());
  }
  const auto q = pw::test::random_normal_floats(hd, 9);
  std::vector<float> scores(n_ctx), q_tmp(hd), a(hd), b(hd);
  const AttentionScratch one{scores.data(), q_tmp.data()};
  const AttentionParams p{.head_dim_k = hd, .head_dim_v = hd, .kq_scale = 0.2f};
  AttentionParams windowed = p;
  windowed.window = 20;
  attend_head(q.data(), *kv, 0, 0, 40, p, one, a.data());
  attend_head(q.data(), *kv, 0, 0, 40, windowed, one, b.data());
  float diff = 0;
  for (int d = 0; d < hd; ++d) diff = std::max(diff, std::abs(a[d] - b[d]));
  EXPECT_GT(diff, 50 * 2e-5f);
}

}  // namespace
}  // namespace pw::model

namespace pw::model {
namespace {

// Decoding (attend_group: one token, every query head of a KV head) and prompt batches
// (attend_tile) run the same kernels in the same order, so they agree bit for bit — the model
// tests' 1e-4 decode-vs-batch logits rest on this. Group of 4 (Llama-3.2-1B), F32 and F16
// caches, plain, sliding window and soft-capped, head sizes with and without an 8-wide tail,
// and K heads narrower than V heads (head_dim_k != head_dim_v); the last token of each case
// is also checked against attention computed in double from what the cache holds.
TEST(ModelBatchAttention, DecodeGroupIsBitIdenticalToTheTiles) {
  const int n_kv_heads = 2, group = 4, n_head = n_kv_heads * group, n_ctx = 100;
  const int pos0 = 20, n = 70;
  for (auto [dk, dv] : {std::pair{64, 64}, std::pair{20, 20}, std::pair{24, 40}})
    for (KvType type : {KvType::F32, KvType::F16}) {
      auto kv = KvCache::create({.n_layer = 1, .n_ctx = n_ctx, .k_width = dk * n_kv_heads,
                                 .v_width = dv * n_kv_heads, .type = type});
      ASSERT_TRUE(kv.ok());
      std::vector<std::vector<float>> K, V;  // what the cache holds, as floats
      for (int p = 0; p < pos0 + n; ++p) {
        auto k = pw::test::random_normal_floats(static_cast<size_t>(dk) * n_kv_heads, 40 + p);
        auto v = pw::test::random_normal_floats(static_cast<size_t>(dv) * n_kv_heads, 600 + p);
        kv->store(0, p, k.data(), v.data());
        if (type == KvType::F16)
          for (auto* row : {&k, &v})
            for (float& x : *row) x = fp16_to_fp32(fp32_to_fp16(x));
        K.push_back(k);
        V.push_back(v);
      }
      const size_t q_row = static_cast<size_t>(n_head) * dk, att_row = static_cast<size_t>(n_head) * dv;
      const auto q = pw::test::random_normal_floats(static_cast<size_t>(n) * q_row, 17);
      std::vector<float> scratch_mem(batch_attention_scratch_floats(n_ctx, dk, dv, group));
      const BatchAttentionScratch scratch = batch_attention_scratch(scratch_mem.data(), n_ctx, dk, dv, group);
      std::vector<float> scores(static_cast<size_t>(group) * n_ctx), q_tmp(static_cast<size_t>(group) * dk);
      const AttentionScratch one{scores.data(), q_tmp.data()};
      for (auto [window, cap] : {std::pair{0, 0.0f}, std::pair{9, 0.0f}, std::pair{0, 4.0f}}) {
        const AttentionParams p{.head_dim_k = dk, .head_dim_v = dv, .kq_scale = 0.125f, .softcap = cap,
                                .window = window};
        std::vector<float> tiles(static_cast<size_t>(n) * att_row, -99.0f), decode(att_row);
        for (int t0 = 0; t0 < n; t0 += kAttentionTileTokens)
          for (int kv_head = 0; kv_head < n_kv_heads; ++kv_head)
            attend_tile(q.data(), q_row, t0, std::min(n, t0 + kAttentionTileTokens), pos0, *kv, 0, kv_head, group, p,
                        scratch, tiles.data(), att_row);
        for (int t = 0; t < n; ++t) {
          for (int kv_head = 0; kv_head < n_kv_heads; ++kv_head)
            attend_group(q.data() + static_cast<size_t>(t) * q_row + static_cast<size_t>(kv_head) * group * dk, *kv, 0,
                         kv_head, group, pos0 + t, p, one, decode.data() + static_cast<size_t>(kv_head) * group * dv);
          ASSERT_EQ(std::memcmp(decode.data(), tiles.data() + static_cast<size_t>(t) * att_row, att_row * sizeof(float)),
                    0)
              << kv_type_name(type) << " dk " << dk << " dv " << dv << " window " << window << " cap " << cap
              << " token " << t;
        }
        // The last token against double precision (F16 cache: q and the weights rounded too,
        // ~1e-3 relative).
        const int pos = pos0 + n - 1, first = window > 0 ? pos - window + 1 : 0;
        for (int head = 0; head < n_head; ++head) {
          const int kv_head = head / group;
          std::vector<double> s;
          double max = -1e300, sum = 0;
          for (int j = first; j <= pos; ++j) {
            double dot = 0;
            for (int d = 0; d < dk; ++d) {
              float qd = q[static_cast<size_t>(n - 1) * q_row + static_cast<size_t>(head) * dk + d];
              if (type == KvType::F16) qd = fp16_to_fp32(fp32_to_fp16(qd));
              dot += static_cast<double>(qd) * K[j][static_cast<size_t>(kv_head) * dk + d];
            }
            if (cap > 0) dot = cap * std::tanh(dot / cap);
            s.push_back(dot * 0.125);
            max = std::max(max, s.back());
          }
          for (double& x : s) sum += (x = std::exp(x - max));
          for (int d = 0; d < dv; ++d) {
            double want = 0;
            for (int j = first; j <= pos; ++j) want += s[j - first] / sum * V[j][static_cast<size_t>(kv_head) * dv + d];
            ASSERT_NEAR(decode[static_cast<size_t>(head) * dv + d], want, type == KvType::F32 ? 1e-5 : 2e-3)
                << kv_type_name(type) << " dk " << dk << " dv " << dv << " head " << head << " dim " << d;
          }
        }
      }
    }
}

}  // namespace
}  // namespace pw::model
