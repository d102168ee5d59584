#include "ingest/text_segments.h"

#include <gtest/gtest.h>

using pw::ingest::Block;
using pw::ingest::BlockKind;
using pw::ingest::looks_like_table_row;
using pw::ingest::segment_page;
using pw::ingest::sentence_spans;

namespace {

std::string_view slice(std::string_view text, const Block& b) { return text.substr(b.start, b.end - b.start); }

std::vector<std::string> sentences(std::string_view text) {
  std::vector<std::string> out;
  for (auto [s, e] : sentence_spans(text, 0, static_cast<uint32_t>(text.size()))) out.emplace_back(text.substr(s, e - s));
  return out;
}

}  // namespace

TEST(TableRows, FiguresAndSeparatorsLookLikeRows) {
  EXPECT_TRUE(looks_like_table_row("Net sales 3,909 3,673 14,544 14,694"));
  EXPECT_TRUE(looks_like_table_row("Cost of sales (3,115) (2,951) (11,724) (11,969)"));
  EXPECT_TRUE(looks_like_table_row("Russia and Ukraine impairment 138 \xE2\x80\x94"));
  EXPECT_TRUE(looks_like_table_row("| Name | Days | Notes |"));
  EXPECT_TRUE(looks_like_table_row("a\tb"));
  EXPECT_TRUE(looks_like_table_row("Net gain on disposal of businesses and investments \xE2\x80\x94 (220)"));
  EXPECT_FALSE(looks_like_table_row("See pages 12, 14 and 16 of the handbook."));
  EXPECT_TRUE(looks_like_table_row("Gross margin 39.6% 39.0%"));
  EXPECT_FALSE(looks_like_table_row("Employees may carry over up to 5 days into 2024."));
  EXPECT_FALSE(looks_like_table_row("Net sales"));
  EXPECT_FALSE(looks_like_table_row(""));
}

TEST(Segments, ParagraphsHeadingsAndTables) {
  const std::string text =
      "Leave policy\n\n"
      "4.2 Carry-over\n"
      "Employees may carry over five days.\nThe rest lapses.\n\n"
      "Year 2022 2023\nDays 20 25\nCarried 3 5\n"
      "Source: HR records.";
  const auto blocks = segment_page(text);
  ASSERT_EQ(blocks.size(), 5u);
  EXPECT_EQ(blocks[0].kind, BlockKind::Text);
  EXPECT_EQ(slice(text, blocks[0]), "Leave policy");
  EXPECT_EQ(blocks[1].kind, BlockKind::Heading);
  EXPECT_EQ(blocks[1].heading->path_text, "4.2 Carry-over");
  EXPECT_EQ(blocks[2].kind, BlockKind::Text);
  EXPECT_EQ(slice(text, blocks[2]), "Employees may carry over five days.\nThe rest lapses.");
  EXPECT_EQ(blocks[3].kind, BlockKind::Table);
  EXPECT_EQ(slice(text, blocks[3]), "Year 2022 2023\nDays 20 25\nCarried 3 5");
  EXPECT_EQ(slice(text, blocks[4]), "Source: HR records.");
}

TEST(Segments, BlocksCoverEveryLineInOrder) {
  const std::string text = "a\n\n  b c  \nd\n\n\n1. Scope\ne\n|x|y|\n|1|2|\nf";
  const auto blocks = segment_page(text);
  std::string joined;
  uint32_t last_end = 0;
  for (const auto& b : blocks) {
    EXPECT_GE(b.start, last_end);
    EXPECT_LT(b.start, b.end);
    last_end = b.end;
    joined += std::string(slice(text, b)) + "|";
  }
  EXPECT_EQ(joined, "a|b c  \nd|1. Scope|e||x|y|\n|1|2||f|");
}

TEST(Segments, TitleLineJoinsABareLabel) {
  const std::string text = "ARTICLE 7\nTERMINATION\nEither party may end this.\n\n4.2\n\nCarry-over\nText.";
  const auto blocks = segment_page(text);
  ASSERT_GE(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].kind, BlockKind::Heading);
  EXPECT_EQ(blocks[0].heading->path_text, "ARTICLE 7 TERMINATION");
  EXPECT_EQ(slice(text, blocks[0]), "ARTICLE 7\nTERMINATION");
  EXPECT_EQ(blocks[2].heading->path_text, "4.2 Carry-over");
  // A lone number with no title after it is only text.
  const auto plain = segment_page("Total\n\n4.2\n\nand more");
  for (const auto& b : plain) EXPECT_NE(b.kind, BlockKind::Heading);
}

TEST(Segments, WrappedReferencesAreNotHeadings) {
  const std::string text = "the matter shall be addressed under\nSection 9.6. Nothing in this Section limits it.";
  const auto blocks = segment_page(text);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].kind, BlockKind::Text);
  EXPECT_FALSE(blocks[0].heading);
}

TEST(Segments, ContentsPagesHaveNoHeadings) {
  // "4. Termination" and "5. General" would be headings anywhere else.
  const std::string text =
      "TABLE OF CONTENTS\n1. Definitions 1\n2. Engagement 4\n2.1 Scope 4\n2.2 Term 5\n3. Fees 7\n"
      "4. Termination\n5. General";
  for (const auto& b : segment_page(text)) EXPECT_FALSE(b.heading) << slice(text, b);
  bool heading = false;
  for (const auto& b : segment_page("Intro text here.\n\n4. Termination\nEither party may end it.\n"))
    heading = heading || b.kind == BlockKind::Heading;
  EXPECT_TRUE(heading);
}

TEST(Segments, RunInHeadingStartsAParagraph) {
  const std::string text = "2.1 Term. This Agreement starts today.\nIt runs for a year.";
  const auto blocks = segment_page(text);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].kind, BlockKind::Text);
  ASSERT_TRUE(blocks[0].heading);
  EXPECT_EQ(blocks[0].heading->path_text, "2.1 Term");
}

TEST(Sentences, CutsAfterSentenceEndsButNotAbbreviations) {
  EXPECT_EQ(sentences("It works. It really does! Does it? Yes."),
            (std::vector<std::string>{"It works.", "It really does!", "Does it?", "Yes."}));
  EXPECT_EQ(sentences("See e.g. Section 4. Dr. Smith agreed with Mr. Jones. J. R. R. Tolkien wrote."),
            (std::vector<std::string>{"See e.g. Section 4.", "Dr. Smith agreed with Mr. Jones.", "J. R. R. Tolkien wrote."}));
  EXPECT_EQ(sentences("Pay \xE2\x80\x9C" "fees.\xE2\x80\x9D Then \"go.\" 3.5 percent. 2024 was good."),
            (std::vector<std::string>{"Pay \xE2\x80\x9C" "fees.\xE2\x80\x9D", "Then \"go.\"", "3.5 percent.",
                                      "2024 was good."}));
  EXPECT_EQ(sentences("lower case. after a period stays"), (std::vector<std::string>{"lower case. after a period stays"}));
  EXPECT_EQ(sentences("  spaced  \n"), (std::vector<std::string>{"spaced"}));
  EXPECT_TRUE(sentences("   ").empty());
}

// FAQ-style text (health leaflets, HR FAQs): a question alone at the start of a paragraph,
// even wrapped over two lines, is a section heading; questions inside running text are not.
TEST(Segments, QuestionsStartingParagraphsAreHeadings) {
  const std::string text =
      "What is (are) polycystic kidney disease?\n"
      "Polycystic kidney disease is a disorder that affects the kidneys.\n\n"
      "What are the genetic changes related to polycystic kidney\n"
      "disease?\n"
      "Mutations in the PKD1 and PKD2 genes cause it. Why does this matter? Because it is inherited.\n"
      "Doctors often ask\n"
      "how old the patient is?\n"
      "That line continued a sentence.";
  auto blocks = segment_page(text);
  std::vector<std::string> headings;
  for (const auto& b : blocks)
    if (b.kind == BlockKind::Heading && b.heading) headings.push_back(b.heading->path_text);
  ASSERT_EQ(headings.size(), 2u);
  EXPECT_EQ(headings[0], "What is (are) polycystic kidney disease?");
  EXPECT_EQ(headings[1], "What are the genetic changes related to polycystic kidney disease?");
  // The wrapped question is one block over both lines.
  for (const auto& b : blocks)
    if (b.heading && b.heading->path_text == headings[1]) {
      EXPECT_EQ(slice(text, b), "What are the genetic changes related to polycystic kidney\ndisease?");
    }
}

TEST(Segments, AQuestionWithoutAnAnswerOrInAListIsNoHeading) {
  // A question followed by a table row is fine; one followed by a numbered heading is not an
  // FAQ entry; a lower-case start or two sentences on the line are running text.
  for (const char* text : {"Is it safe? Yes, mostly.\nMore text.", "why is the sky blue?\nBecause of scattering.",
                           "Intro.\nWhat next?\n4.2 Carry-over\nText."}) {
    for (const auto& b : segment_page(text))
      if (b.heading && !b.heading->title.empty()) {
        EXPECT_NE(b.heading->title.back(), '?') << text;
      }
  }
}
