#include "ingest/token_estimate.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>

#include "support/test_support.h"

using pw::ingest::estimate_tokens;

TEST(TokenEstimate, TracksLlama3Counts) {
  const auto golden = nlohmann::json::parse(
      pw::test::read_text(pw::test::source_dir() / "tests/ingest/data/token_counts.llama3.json"));
  ASSERT_GE(golden.size(), 20u);
  double total_error = 0;
  for (const auto& row : golden) {
    const std::string text = row["text"];
    const int truth = row["llama3_tokens"];
    const int estimate = estimate_tokens(text);
    const double error = std::abs(estimate - truth) / static_cast<double>(truth);
    total_error += error;
    EXPECT_TRUE(error <= 0.35 || std::abs(estimate - truth) <= 2) << text << ": estimate " << estimate << ", Llama 3 " << truth;
  }
  const double mean = total_error / static_cast<double>(golden.size());
  EXPECT_LT(mean, 0.15) << "mean relative error " << mean;
}

TEST(TokenEstimate, BasicProperties) {
  EXPECT_EQ(estimate_tokens(""), 0);
  EXPECT_EQ(estimate_tokens(" \n\t "), 0);
  EXPECT_EQ(estimate_tokens("a"), 1);
  // Digits cost about a token each; long words more than short ones.
  EXPECT_GT(estimate_tokens("1234567890"), estimate_tokens("abcdefghij"));
  EXPECT_GT(estimate_tokens("internationalization"), estimate_tokens("cat"));
  // Additive over words: counting the parts gives about the whole.
  const std::string a = "Employees may carry over five days.", b = "The rest lapses in March.";
  EXPECT_NEAR(estimate_tokens(a + " " + b), estimate_tokens(a) + estimate_tokens(b), 1);
  // Scripts without spaces between words still count per character.
  EXPECT_GE(estimate_tokens("\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4\xEB\xA1\x9C \xEC\x93\xB4 \xEB\xAC\xB8\xEC\x84\x9C"), 5);
}
