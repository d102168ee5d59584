#include "ingest/utf8.h"

#include <gtest/gtest.h>

namespace u = pw::ingest::utf8;

TEST(Utf8, DecodesAndEncodesEveryLength) {
  for (char32_t cp : {U'A', U'é', U'€', U'😀', char32_t{0x10FFFF}}) {
    std::string s;
    u::append(s, cp);
    size_t i = 0;
    char32_t back = 0;
    ASSERT_TRUE(u::next(s, i, back));
    EXPECT_EQ(back, cp);
    EXPECT_EQ(i, s.size());
  }
}

TEST(Utf8, RejectsOverlongSurrogatesTruncatedAndStrayBytes) {
  for (std::string bad : {std::string("\xC0\xAF"), std::string("\xE0\x80\xAF"), std::string("\xED\xA0\x80"),
                          std::string("\xF4\x90\x80\x80"), std::string("\xE2\x82"), std::string("\x80"),
                          std::string("\xFF")}) {
    EXPECT_FALSE(u::is_valid(bad)) << bad.size();
    size_t i = 0;
    char32_t cp;
    EXPECT_FALSE(u::next(bad, i, cp));
    EXPECT_EQ(cp, u::kReplacement);
    EXPECT_EQ(i, 1u);  // advances one byte so decoding always makes progress
  }
}

TEST(Utf8, RepairReplacesOnlyTheBadBytes) {
  const std::string repaired = u::repair(std::string("ok \xFF caf\xC3\xA9 \xE2\x82", 13));
  EXPECT_TRUE(u::is_valid(repaired));
  EXPECT_EQ(repaired, "ok \xEF\xBF\xBD caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD");  // \xE2\x82: two bad bytes
}

TEST(Utf8, Cp1252MapsTheWindowsRangeAndLatin1) {
  EXPECT_EQ(u::from_cp1252("caf\xE9 \x80 \x93 \x96 \x92"),
            "caf\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9C \xE2\x80\x93 \xE2\x80\x99");  // é € “ – ’
  EXPECT_TRUE(u::is_valid(u::from_cp1252(std::string("\x81\x8D\x8F\x90\x9D\xFF", 6))));
}

TEST(Utf8, FloorBoundaryNeverSplitsASequence) {
  const std::string s = "a\xE2\x82\xAC" "b";  // a€b
  EXPECT_EQ(u::floor_boundary(s, 0), 0u);
  EXPECT_EQ(u::floor_boundary(s, 2), 1u);
  EXPECT_EQ(u::floor_boundary(s, 3), 1u);
  EXPECT_EQ(u::floor_boundary(s, 4), 4u);
  EXPECT_EQ(u::floor_boundary(s, 99), s.size());
  EXPECT_EQ(u::length(s), 3u);
}
