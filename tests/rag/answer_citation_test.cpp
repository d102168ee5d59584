// Citation markers parsed from streamed answers, and answers split into sentences. The
// answers are literal strings: the test input a language model would produce.
#include <gtest/gtest.h>

#include "rag/answer/answer_sentences.h"
#include "rag/answer/citation_parser.h"

namespace {

using pw::rag::CitationStreamParser;

struct Parsed {
  std::string text;
  std::vector<std::vector<int>> marks;
  std::vector<int> dropped;
  std::string streamed;  // everything feed()/finish() released
};

Parsed parse(const std::string& answer, int sources, size_t piece = 0) {
  CitationStreamParser p(sources);
  Parsed out;
  if (piece == 0) {
    out.streamed += p.feed(answer);
  } else {
    for (size_t i = 0; i < answer.size(); i += piece) out.streamed += p.feed(std::string_view(answer).substr(i, piece));
  }
  out.streamed += p.finish();
  out.text = p.text();
  for (const auto& m : p.marks()) {
    EXPECT_EQ(p.text().substr(m.begin, 1), "[");
    EXPECT_EQ(p.text().substr(m.end - 1, 1), "]");
    out.marks.push_back(m.numbers);
  }
  out.dropped = p.dropped();
  return out;
}

TEST(AnswerCitations, ValidMarkersAreKeptAndNormalised) {
  auto r = parse("Leave carries over [1]. Up to five days [2,3]. See [Source 4] and [sources: 1; 2].", 4);
  EXPECT_EQ(r.text, "Leave carries over [1]. Up to five days [2, 3]. See [4] and [1, 2].");
  EXPECT_EQ(r.marks, (std::vector<std::vector<int>>{{1}, {2, 3}, {4}, {1, 2}}));
  EXPECT_TRUE(r.dropped.empty());
  EXPECT_EQ(r.streamed, r.text);
}

TEST(AnswerCitations, CitationsOfSourcesNotGivenAreRemoved) {
  auto r = parse("The dose is 5 mg [7]. It is taken daily [1][9] with food [2, 8]. Done [0].", 3);
  EXPECT_EQ(r.text, "The dose is 5 mg. It is taken daily [1] with food [2]. Done.");
  EXPECT_EQ(r.marks, (std::vector<std::vector<int>>{{1}, {2}}));
  EXPECT_EQ(r.dropped, (std::vector<int>{7, 9, 8, 0}));
  auto mid = parse("Alpha [5] beta.", 2);
  EXPECT_EQ(mid.text, "Alpha beta.");
}

TEST(AnswerCitations, RangesAreExpandedAndBounded) {
  EXPECT_EQ(parse("Facts [1-3].", 5).marks, (std::vector<std::vector<int>>{{1, 2, 3}}));
  EXPECT_EQ(parse("Facts [2\xE2\x80\x93" "4].", 5).marks, (std::vector<std::vector<int>>{{2, 3, 4}}));
  EXPECT_EQ(parse("Facts [1 and 2].", 5).marks, (std::vector<std::vector<int>>{{1, 2}}));
  // A huge range is not a citation: the text stays as written.
  EXPECT_EQ(parse("Years [1-2000].", 5).text, "Years [1-2000].");
  EXPECT_EQ(parse("Backwards [3-1].", 5).text, "Backwards [3-1].");
}

TEST(AnswerCitations, BracketsThatAreNotCitationsStayText) {
  for (const std::string s : {"He said [sic] so.", "Array a[i] and [ ] and [1,] and [, 2] and [x1].",
                              "Nested [[1]] ok", "Open [1 never closed", "[", "Trailing [2", "A [b [1] c]"}) {
    auto r = parse(s, 3);
    // Only well-formed groups of numbers become marks; everything else is kept verbatim.
    std::string expected = s;
    if (s == "Nested [[1]] ok") expected = "Nested [[1]] ok";
    if (s == "A [b [1] c]") expected = "A [b [1] c]";
    EXPECT_EQ(r.text, expected) << s;
  }
  EXPECT_EQ(parse("Nested [[1]] ok", 3).marks.size(), 1u);
  // Overlong groups are text (bounded holding).
  std::string longgroup = "See [" + std::string(60, '1') + "]";
  EXPECT_EQ(parse(longgroup, 3).text, longgroup);
  EXPECT_EQ(parse("Line [1\n2] break", 3).text, "Line [1\n2] break");
}

// Whatever the piece size (a marker split anywhere, even inside a UTF-8 character), the
// result is the same as parsing the whole answer at once.
TEST(AnswerCitations, StreamingInAnyPiecesGivesTheSameResult) {
  const std::string answer =
      "Résumé: the limit is 1,000 mg [1]. Ignore [9]. Also « quoted » [2-3][4]; [sic] and [Source 3]!  End [5] .";
  auto whole = parse(answer, 4);
  for (size_t piece = 1; piece <= 7; ++piece) {
    auto r = parse(answer, 4, piece);
    EXPECT_EQ(r.text, whole.text) << "piece " << piece;
    EXPECT_EQ(r.marks, whole.marks) << "piece " << piece;
    EXPECT_EQ(r.dropped, whole.dropped) << "piece " << piece;
    EXPECT_EQ(r.streamed, whole.text) << "piece " << piece;
  }
  // The model's own spacing stays ("!  End"); only a removed marker takes its space along.
  EXPECT_EQ(whole.text, "Résumé: the limit is 1,000 mg [1]. Ignore. Also « quoted » [2, 3][4]; [sic] and [3]!  End.");
}

TEST(AnswerCitations, HoldsBackOnlyAnOpenMarker) {
  CitationStreamParser p(3);
  EXPECT_EQ(p.feed("Leave carries over"), "Leave carries over");
  EXPECT_EQ(p.feed(" [1"), "");
  EXPECT_EQ(p.feed("]"), " [1]");
  EXPECT_EQ(p.feed(" and"), " and");
  EXPECT_EQ(p.finish(), "");
}

TEST(AnswerSentences, MarkersBelongToTheirSentence) {
  CitationStreamParser p(3);
  p.feed("Unused leave carries over. [1] Up to 5 days [2] may be kept. No more than that.\n- Sick leave does not [3]");
  p.finish();
  auto s = pw::rag::split_answer(p.text(), p.marks());
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].text, "Unused leave carries over.");
  EXPECT_EQ(s[0].citations, (std::vector<int>{1}));
  EXPECT_EQ(p.text().substr(s[0].range.begin, s[0].range.end - s[0].range.begin), "Unused leave carries over. [1]");
  EXPECT_EQ(s[1].text, "Up to 5 days may be kept.");
  EXPECT_EQ(s[1].citations, (std::vector<int>{2}));
  EXPECT_EQ(s[2].text, "No more than that.");
  EXPECT_TRUE(s[2].citations.empty());
  EXPECT_EQ(s[3].text, "- Sick leave does not");
  EXPECT_EQ(s[3].citations, (std::vector<int>{3}));
}

TEST(AnswerSentences, AbbreviationsAndDecimalsDoNotSplit) {
  CitationStreamParser p(2);
  p.feed("Dr. Smith gives 2.5 mg, e.g. at noon [1]. Then stop [2].");
  p.finish();
  auto s = pw::rag::split_answer(p.text(), p.marks());
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].text, "Dr. Smith gives 2.5 mg, e.g. at noon.");
  EXPECT_EQ(s[1].citations, (std::vector<int>{2}));
}

TEST(AnswerSentences, QuotedParagraphsGiveEverySentenceTheirSource) {
  // An extractive answer: paragraphs quoted from sources, each closed by its marker.
  CitationStreamParser p(2);
  p.feed("Give 15 mg/kg. Repeat after 6 hours. [1]\n\nNo more than 4 g a day. Ask a pharmacist. [2]\n\nUncited.");
  p.finish();
  auto s = pw::rag::split_answer(p.text(), p.marks());
  ASSERT_EQ(s.size(), 5u);
  EXPECT_TRUE(s[0].citations.empty());  // split_answer alone: only the closing sentence
  pw::rag::inherit_paragraph_citations(p.text(), s);
  EXPECT_EQ(s[0].citations, (std::vector<int>{1}));
  EXPECT_EQ(s[1].citations, (std::vector<int>{1}));
  EXPECT_EQ(s[2].citations, (std::vector<int>{2}));
  EXPECT_EQ(s[3].citations, (std::vector<int>{2}));
  EXPECT_TRUE(s[4].citations.empty());  // a paragraph without a marker takes none from elsewhere
}

}  // namespace
