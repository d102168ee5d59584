#include "ingest/headings.h"

#include <gtest/gtest.h>

using pw::ingest::detect_heading;

namespace {

std::string path_of(std::string_view line, bool markdown = false) {
  auto h = detect_heading(line, markdown);
  return h ? h->path_text : "<none>";
}

}  // namespace

TEST(Headings, NumberedStandalone) {
  EXPECT_EQ(path_of("1. Definitions"), "1. Definitions");
  EXPECT_EQ(path_of("4.2 Carry-over"), "4.2 Carry-over");
  EXPECT_EQ(path_of("4.2. Carry-over"), "4.2 Carry-over");
  EXPECT_EQ(path_of("4.2(b) Unused days"), "4.2(b) Unused days");
  EXPECT_EQ(path_of("7(a)(iii) Notices"), "7(a)(iii) Notices");
  EXPECT_EQ(path_of("1 Introduction"), "1 Introduction");
  EXPECT_EQ(path_of("3.1 Term."), "3.1 Term");  // trailing period dropped from the path
  EXPECT_EQ(path_of("  2.3   Owner Cooperation  "), "2.3 Owner Cooperation");
}

TEST(Headings, LevelsFollowDepth) {
  EXPECT_LT(detect_heading("Part II")->level, detect_heading("Chapter 3")->level);
  EXPECT_LT(detect_heading("Chapter 3")->level, detect_heading("Article 7")->level);
  EXPECT_LT(detect_heading("Article 7")->level, detect_heading("4. Leave")->level);
  EXPECT_LT(detect_heading("4. Leave")->level, detect_heading("4.2 Carry-over")->level);
  EXPECT_LT(detect_heading("4.2 Carry-over")->level, detect_heading("4.2(b) Unused days")->level);
  EXPECT_EQ(detect_heading("## Leave", true)->level, 2);
  EXPECT_EQ(detect_heading("4.2(b) Unused days")->number, (std::vector<int>{4, 2}));
}

TEST(Headings, KeywordsAndSectionSign) {
  EXPECT_EQ(path_of("Article 7"), "Article 7");
  EXPECT_EQ(path_of("ARTICLE VII - TERMINATION"), "ARTICLE VII TERMINATION");
  EXPECT_EQ(path_of("Section 4.2: Fees"), "Section 4.2 Fees");
  EXPECT_EQ(path_of("Appendix A"), "Appendix A");
  EXPECT_EQ(path_of("Schedule 2 \xE2\x80\x93 Prices"), "Schedule 2 Prices");
  EXPECT_EQ(path_of("\xC2\xA7" "3 Fees"), "\xC2\xA7" "3 Fees");
  EXPECT_EQ(path_of("\xC2\xA7 4.2 Notice periods"), "\xC2\xA7" "4.2 Notice periods");
  EXPECT_EQ(path_of("IV. Remedies"), "IV. Remedies");
}

TEST(Headings, RunInHeadings) {
  auto h = detect_heading("2.1 Term. This Agreement shall commence on the Effective Date.");
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->standalone);
  EXPECT_EQ(h->path_text, "2.1 Term");
  h = detect_heading("Section 2. The Company shall pay the fees within thirty days.");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->path_text, "Section 2");
  EXPECT_EQ(path_of("3. Payment Terms: Customer shall pay all invoices."), "3. Payment Terms");
}

TEST(Headings, MarkdownOnlyWhenAsked) {
  EXPECT_EQ(path_of("## 4.2 Carry-over", true), "4.2 Carry-over");
  EXPECT_EQ(path_of("# Leave policy #", true), "Leave policy");
  EXPECT_EQ(path_of("# echo hello", false), "<none>");  // a shell comment in a PDF
  EXPECT_EQ(path_of("#hashtag", true), "<none>");
  EXPECT_EQ(path_of("####### seven", true), "<none>");
}

TEST(Headings, RejectsLookAlikes) {
  for (const char* line : {
           "12",                                                         // page number
           "4.5 million people were affected",                           // quantity, lower case
           "2023 Annual Report",                                         // year
           "1.1 Introduction . . . . . . . . . . 3",                     // table of contents
           "9.10 List of ps command styles ........ 144",                //
           "2.1 Engagement 6",                                           // contents entry
           "ARTICLE II ENGAGEMENT OF OPERATOR 6",                        //
           "Section 3 of this Agreement applies to all staff",           // reference in prose
           "1. Take two tablets daily with food and plenty of water.",   // list item sentence
           "1. the Company shall pay",                                   // lower case
           "C. Smith",                                                   // an initial
           "Particular care is needed",                                  // starts like "Part"
           "3.14159 is pi",                                              //
           "12.05.2020 Meeting",                                         // date
       }) {
    EXPECT_EQ(path_of(line), "<none>") << line;
  }
}

TEST(Headings, BareSectionNumbers) {
  EXPECT_TRUE(pw::ingest::detect_bare_section_number("4.2"));
  EXPECT_TRUE(pw::ingest::detect_bare_section_number("1."));
  EXPECT_EQ(pw::ingest::detect_bare_section_number("1.1.3")->level, detect_heading("1.1.3 X")->level);
  EXPECT_FALSE(pw::ingest::detect_bare_section_number("3"));  // page number
  EXPECT_FALSE(pw::ingest::detect_bare_section_number("3.5%"));
}

TEST(Headings, ContainmentUsesLevelsAndNumbers) {
  using pw::ingest::heading_contains;
  const auto chapter = *detect_heading("Chapter 1");
  const auto s15 = *detect_heading("1.5 Shell");
  const auto s154 = *detect_heading("1.5.4 Variables");
  const auto list_item = *detect_heading("4. Redirections");
  EXPECT_TRUE(heading_contains(chapter, s15));
  EXPECT_TRUE(heading_contains(s15, s154));
  EXPECT_FALSE(heading_contains(list_item, s154));  // 1.5.4 is not part of "4."
  EXPECT_FALSE(heading_contains(s154, s15));
}

TEST(Headings, LongTitlesAreCutInThePath) {
  const std::string long_title = "4.2 " + std::string(30, 'A') + " " + std::string(30, 'B') + " " + std::string(60, 'C');
  auto h = detect_heading(long_title);
  ASSERT_TRUE(h);
  EXPECT_LE(h->path_text.size(), 100u);
}
