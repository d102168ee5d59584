#include "engine/util/status.h"

#include <gtest/gtest.h>

namespace {

pw::Result<int> parse_positive(int v) {
  if (v <= 0) return pw::Error(pw::ErrorCode::InvalidArgument, "input.txt", "value must be positive");
  return v;
}

pw::Status chain(int v) {
  PW_TRY(parse_positive(v));
  return pw::ok_status();
}

TEST(Status, ResultCarriesValueOrError) {
  auto good = parse_positive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), pw::ErrorCode::InvalidArgument);
  EXPECT_EQ(bad.error().describe(), "input.txt: value must be positive");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(Status, TryPropagatesTheError) {
  EXPECT_TRUE(chain(1).ok());
  auto s = chain(0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().subject(), "input.txt");
}

TEST(Status, ContextAndSubjectAreAdded) {
  pw::Error e(pw::ErrorCode::Corrupt, "bad header");
  EXPECT_EQ(e.describe(), "bad header");
  EXPECT_EQ(e.with_subject("a.gguf").with_context("reading metadata").describe(), "a.gguf: reading metadata: bad header");
  EXPECT_EQ(pw::Error(pw::ErrorCode::Encrypted, "").describe(), "encrypted");
}

}  // namespace
