// Reciprocal rank fusion: exact scores, agreement between lists wins, ties are deterministic.
#include <gtest/gtest.h>

#include "rag/retrieval/rank_fusion.h"

namespace {

using pw::rag::RankedList;
using pw::rag::reciprocal_rank_fusion;

TEST(RetrievalFusion, ScoresAreSumsOfReciprocalRanks) {
  RankedList lexical{"lexical", 1.0, {{10, 1, 9.0}, {11, 1, 8.0}, {12, 2, 7.0}}};
  RankedList semantic{"semantic", 1.0, {{12, 2, 0.9}, {13, 3, 0.8}, {10, 1, 0.7}}};
  std::vector<RankedList> lists{lexical, semantic};
  auto fused = reciprocal_rank_fusion(lists, 60, 10);
  ASSERT_EQ(fused.size(), 4u);
  // 10: 1/61 + 1/63; 12: 1/63 + 1/61 -> equal; tie broken by best single rank (both 1), then id.
  EXPECT_EQ(fused[0].chunk_id, 10);
  EXPECT_EQ(fused[1].chunk_id, 12);
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61 + 1.0 / 63);
  EXPECT_DOUBLE_EQ(fused[1].score, fused[0].score);
  EXPECT_EQ(fused[0].ranks, (std::vector<int>{1, 3}));
  EXPECT_EQ(fused[1].ranks, (std::vector<int>{3, 1}));
  EXPECT_DOUBLE_EQ(fused[1].list_scores[1], 0.9);
  // 11 (lexical 2) and 13 (semantic 2) follow, equal, by id.
  EXPECT_EQ(fused[2].chunk_id, 11);
  EXPECT_EQ(fused[3].chunk_id, 13);
  EXPECT_EQ(fused[3].ranks, (std::vector<int>{0, 2}));
  EXPECT_EQ(fused[3].list_scores[0], 0.0);
}

TEST(RetrievalFusion, AgreementBeatsOneListsTopRank) {
  // 7 is second in both lists; 1 and 2 top one list each and are absent from the other.
  RankedList a{"a", 1.0, {{1, 1, 0}, {7, 1, 0}}};
  RankedList b{"b", 1.0, {{2, 1, 0}, {7, 1, 0}}};
  std::vector<RankedList> lists{a, b};
  auto fused = reciprocal_rank_fusion(lists);
  ASSERT_EQ(fused.size(), 3u);
  EXPECT_EQ(fused[0].chunk_id, 7);
}

TEST(RetrievalFusion, WeightsDuplicatesAndLimit) {
  RankedList a{"a", 2.0, {{1, 1, 0}, {1, 1, 0}, {2, 1, 0}}};  // 1 listed twice: first rank counts
  RankedList b{"b", 1.0, {{2, 1, 0}}};
  std::vector<RankedList> lists{a, b};
  auto fused = reciprocal_rank_fusion(lists, 0.0, 10);  // constant 0: plain 1/rank
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].chunk_id, 1);
  EXPECT_DOUBLE_EQ(fused[0].score, 2.0);          // 2 * 1/1
  EXPECT_DOUBLE_EQ(fused[1].score, 2.0 / 3 + 1);  // 2 * 1/3 (its rank in a is 3) + 1/1
  EXPECT_EQ(fused[1].ranks[0], 3);
  EXPECT_EQ(reciprocal_rank_fusion(lists, 60, 1).size(), 1u);
  EXPECT_TRUE(reciprocal_rank_fusion({}, 60, 10).empty());
  std::vector<RankedList> negative_constant{a};
  EXPECT_EQ(reciprocal_rank_fusion(negative_constant, -5, 10).front().score, 2.0);  // clamped to 0
}

}  // namespace
