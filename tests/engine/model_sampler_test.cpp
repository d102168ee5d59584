// Sampling: greedy, seeded draws, each filter's effect on which tokens can come out, and the
// repetition penalty.
#include "engine/generate/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

namespace pw::generate {
namespace {

SamplingParams plain(float temperature, uint64_t seed = 1) {
  return SamplingParams{.temperature = temperature, .top_k = 0, .top_p = 1.0f, .min_p = 0.0f, .repeat_penalty = 1.0f,
                        .repeat_last_n = 64, .seed = seed};
}

TEST(ModelSampler, GreedyIsArgmaxWithTiesToTheLowestId) {
  Sampler s(plain(0.0f));
  EXPECT_EQ(s.sample(std::vector<float>{0.1f, 3.0f, -2.0f, 3.0f}), 1);
  EXPECT_EQ(s.sample(std::vector<float>{NAN, -1.0f, NAN}), 1);  // NaN is never picked
  EXPECT_FALSE(s.last_row_was_degenerate());
  EXPECT_EQ(s.sample(std::vector<float>{NAN, -INFINITY}), 0);
  EXPECT_TRUE(s.last_row_was_degenerate());
  EXPECT_EQ(s.sample(std::vector<float>{}), 0);
  EXPECT_TRUE(s.last_row_was_degenerate());
}

TEST(ModelSampler, SeededDrawsRepeatAndFollowTheDistribution) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  Sampler a(plain(1.0f, 7)), b(plain(1.0f, 7)), c(plain(1.0f, 8));
  std::vector<int> seq_a, seq_b, seq_c;
  std::vector<int> count(3, 0);
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    seq_a.push_back(a.sample(logits));
    seq_b.push_back(b.sample(logits));
    seq_c.push_back(c.sample(logits));
    ++count[seq_a.back()];
  }
  EXPECT_EQ(seq_a, seq_b);
  EXPECT_NE(seq_a, seq_c);
  EXPECT_NEAR(count[0] / double(n), 0.5, 0.02);
  EXPECT_NEAR(count[1] / double(n), 0.3, 0.02);
  EXPECT_NEAR(count[2] / double(n), 0.2, 0.02);

  // Temperature sharpens (0.5 squares the odds: 25:9:4) and flattens (large T: near uniform).
  Sampler cold(plain(0.5f, 3));
  std::vector<int> cold_count(3, 0);
  for (int i = 0; i < n; ++i) ++cold_count[cold.sample(logits)];
  EXPECT_NEAR(cold_count[0] / double(n), 25.0 / 38.0, 0.02);
}

std::set<int> outcomes(const SamplingParams& p, const std::vector<float>& logits, int draws = 3000) {
  Sampler s(p);
  std::set<int> seen;
  for (int i = 0; i < draws; ++i) seen.insert(s.sample(logits));
  return seen;
}

TEST(ModelSampler, FiltersLimitTheCandidates) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  EXPECT_EQ(outcomes(plain(1.0f), logits), (std::set<int>{0, 1, 2, 3}));
  SamplingParams k = plain(1.5f);
  k.top_k = 1;
  EXPECT_EQ(outcomes(k, logits), (std::set<int>{0}));
  k.top_k = 2;
  EXPECT_EQ(outcomes(k, logits), (std::set<int>{0, 1}));
  SamplingParams p = plain(1.0f);
  p.top_p = 0.6f;  // 0.5 < 0.6 <= 0.8
  EXPECT_EQ(outcomes(p, logits), (std::set<int>{0, 1}));
  p.top_p = 0.85f;
  EXPECT_EQ(outcomes(p, logits), (std::set<int>{0, 1, 2}));
  SamplingParams m = plain(1.0f);
  m.min_p = 0.5f;  // keeps p >= 0.25
  EXPECT_EQ(outcomes(m, logits), (std::set<int>{0, 1}));
  m.min_p = 0.2f;  // keeps p >= 0.1
  EXPECT_EQ(outcomes(m, logits), (std::set<int>{0, 1, 2}));
}

TEST(ModelSampler, RepetitionPenaltyDiscouragesRecentTokens) {
  SamplingParams p = plain(0.0f);
  p.repeat_penalty = 1.2f;
  p.repeat_last_n = 2;
  Sampler s(p);
  const std::vector<float> logits = {2.0f, 1.9f, -1.0f, -1.1f};
  s.accept(0);
  EXPECT_EQ(s.sample(logits), 1);  // 2.0 / 1.2 < 1.9; and 1 joins the history
  // History is now {0, 1}: both penalised, 2.0/1.2 = 1.667 > 1.9/1.2 = 1.583.
  EXPECT_EQ(s.sample(logits), 0);
  // Negative logits are multiplied: -1.0 * 1.2 = -1.2 < -1.1.
  const std::vector<float> negative = {-1.0f, -1.1f};
  Sampler t(p);
  t.accept(0);
  EXPECT_EQ(t.sample(negative), 1);
  // Only the last repeat_last_n tokens count.
  Sampler u(p);
  u.accept(0);
  u.accept(2);
  u.accept(3);
  EXPECT_EQ(u.sample(logits), 0);
}

}  // namespace
}  // namespace pw::generate
