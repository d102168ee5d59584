#include "ingest/chunker.h"

#include <gtest/gtest.h>

#include <random>

#include "chunk_invariants.h"
#include "ingest/token_estimate.h"

using pw::ingest::Chunk;
using pw::ingest::ChunkOptions;
using pw::ingest::ExtractedDocument;
using pw::ingest::chunk_document;
using pw::ingest::test::check_chunk_invariants;

namespace {

// Sentences of 8-20 words from a small vocabulary, deterministic.
std::string prose(int sentences, unsigned seed) {
  static const char* words[] = {"employees", "may", "carry", "over", "unused", "leave", "into", "the", "next", "year",
                                "subject", "to", "approval", "by", "their", "manager", "and", "policy", "limits", "apply"};
  std::mt19937 rng(seed);
  std::string out;
  for (int s = 0; s < sentences; ++s) {
    const int n = 8 + static_cast<int>(rng() % 13);
    std::string sentence = "Staff";
    for (int w = 1; w < n; ++w) sentence += std::string(" ") + words[rng() % 20];
    out += (out.empty() ? "" : (s % 5 == 0 ? "\n\n" : (s % 2 ? " " : "\n"))) + sentence + ".";
  }
  return out;
}

ExtractedDocument doc_of(std::vector<std::string> pages, const std::string& format = "pdf") {
  ExtractedDocument d;
  d.path = "synthetic." + format;
  d.format = format;
  for (size_t i = 0; i < pages.size(); ++i) d.pages.push_back({static_cast<int>(i + 1), std::to_string(i + 1), pages[i]});
  return d;
}

}  // namespace

TEST(Chunker, LongProseMakesChunksNearTheTargetWithOverlap) {
  const auto doc = doc_of({prose(120, 1), prose(80, 2)});
  ChunkOptions options;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  ASSERT_GT(chunks.size(), 8u);
  int overlapping = 0;
  for (size_t k = 0; k + 1 < chunks.size(); ++k) {
    EXPECT_GE(chunks[k].token_count, 150) << k;  // cut because the next sentence did not fit
    const Chunk& a = chunks[k];
    const Chunk& b = chunks[k + 1];
    if (b.page_start == a.page_end && b.char_start < a.char_end) {
      ++overlapping;
      const std::string shared = doc.pages[b.page_start - 1].text.substr(b.char_start, a.char_end - b.char_start);
      const int tokens = pw::ingest::estimate_tokens(shared);
      EXPECT_GT(tokens, 0);
      EXPECT_LE(tokens, 2 * 45 + 5);  // about 15% of 300, whole sentences
    }
  }
  EXPECT_GE(overlapping, static_cast<int>(chunks.size()) / 2);  // same section: they overlap
}

TEST(Chunker, NoOverlapWhenTurnedOff) {
  const auto doc = doc_of({prose(60, 3)});
  ChunkOptions options;
  options.overlap = 0;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  for (size_t k = 0; k + 1 < chunks.size(); ++k) EXPECT_GT(chunks[k + 1].char_start, chunks[k].char_end);
}

TEST(Chunker, HeadingsStartChunksAndNameThem) {
  const std::string text = "# Leave policy\n\nThis policy covers leave.\n\n## 4.1 Annual leave\n\n" + prose(10, 4) +
                           "\n\n## 4.2 Carry-over\n\nEmployees may carry over five days.\n\n## 5 Sick leave\n\n" + prose(3, 5);
  const auto doc = doc_of({text}, "md");
  ChunkOptions options;
  options.join_sections_below = 0;  // every heading starts a chunk (small sections: see below)
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  std::vector<std::string> paths;
  for (const auto& c : chunks) paths.push_back(c.heading_path);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(paths[0], "Leave policy");
  EXPECT_EQ(paths[1], "Leave policy > 4.1 Annual leave");
  EXPECT_EQ(paths[2], "Leave policy > 4.2 Carry-over");
  EXPECT_EQ(paths[3], "Leave policy > 5 Sick leave");
  EXPECT_EQ(chunks[2].text, "## 4.2 Carry-over\n\nEmployees may carry over five days.");
  EXPECT_EQ(chunks[2].char_start, text.find("## 4.2"));
}

TEST(Chunker, NumberedHeadingsInPdfTextAndConsecutiveHeadingsShareAChunk) {
  const std::string text = "ARTICLE 4\nLEAVE\n4.1 Annual Leave\nStaff get 25 days.\n4.2 Carry-over\n" + prose(4, 6) +
                           "\n4.2(b) Unused days\nThey lapse on 31 March.";
  const auto doc = doc_of({text});
  ChunkOptions options;
  options.join_sections_below = 0;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].heading_path, "ARTICLE 4 LEAVE > 4.1 Annual Leave");
  EXPECT_EQ(chunks[0].text, "ARTICLE 4\nLEAVE\n4.1 Annual Leave\nStaff get 25 days.");
  EXPECT_EQ(chunks[1].heading_path, "ARTICLE 4 LEAVE > 4.2 Carry-over");
  EXPECT_EQ(chunks[2].heading_path, "ARTICLE 4 LEAVE > 4.2 Carry-over > 4.2(b) Unused days");
}

TEST(Chunker, TablesStayTogetherWhenTheyFit) {
  std::string table;
  for (int r = 0; r < 12; ++r)
    table += "Region " + std::to_string(r) + " " + std::to_string(1000 + 37 * r) + " " + std::to_string(900 + 11 * r) +
             " " + std::to_string(r * 3) + "%\n";
  const std::string text = prose(14, 7) + "\n\n" + table + "\n" + prose(3, 8);
  const auto doc = doc_of({text});
  ChunkOptions options;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  const size_t table_start = text.find("Region 0"), table_end = text.find("33%") + 3;
  int holders = 0;
  for (const auto& c : chunks) {
    const bool has_start = c.char_start <= table_start && c.char_end > table_start;
    if (has_start) {
      ++holders;
      EXPECT_GE(c.char_end, table_end) << "the table was split";
    }
  }
  EXPECT_EQ(holders, 1);
}

TEST(Chunker, BigTablesSplitBetweenRows) {
  std::string table;
  for (int r = 0; r < 120; ++r) table += "Item " + std::to_string(r) + " 1,234 5,678 (90) 12.5%\n";
  const auto doc = doc_of({table});
  ChunkOptions options;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  ASSERT_GT(chunks.size(), 2u);
  for (const auto& c : chunks) {
    EXPECT_EQ(c.text.rfind("Item ", 0), 0u) << c.text.substr(0, 40);  // starts at a row
    EXPECT_EQ(c.text.back(), '%');                                     // ends at a row end
  }
}

TEST(Chunker, LongSentencesAreCutBetweenWordsAndGiantWordsBySize) {
  std::string sentence = "Start";
  for (int i = 0; i < 900; ++i) sentence += " word" + std::to_string(i % 97);
  const auto doc = doc_of({sentence + "."});
  ChunkOptions options;
  auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  EXPECT_GT(chunks.size(), 3u);

  const auto giant = doc_of({"Before. " + std::string(20000, 'x') + " after."});
  chunks = chunk_document(giant, options);
  check_chunk_invariants(giant, chunks, options, /*allow_cut_words=*/true);
  EXPECT_GT(chunks.size(), 3u);
}

TEST(Chunker, ChunksSpanPagesAndSkipEmptyOnes) {
  const auto doc = doc_of({"The policy starts here and", "", "continues on page three. It ends."});
  ChunkOptions options;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].page_start, 1);
  EXPECT_EQ(chunks[0].page_end, 3);
  EXPECT_EQ(chunks[0].text, "The policy starts here and\ncontinues on page three. It ends.");
}

TEST(Chunker, UsesTheGivenTokenCounter) {
  ChunkOptions options;
  options.target_tokens = 40;
  options.count_tokens = [](std::string_view s) {  // one token per word
    int n = 0;
    bool in = false;
    for (char c : s) {
      const bool space = c == ' ' || c == '\n';
      n += !space && !in;
      in = !space;
    }
    return n;
  };
  const auto doc = doc_of({prose(40, 9)});
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  for (const auto& c : chunks) EXPECT_LE(c.token_count, 40);
  EXPECT_GT(chunks.size(), 10u);
}

TEST(Chunker, EmptyDocumentsGiveNoChunks) {
  EXPECT_TRUE(chunk_document(doc_of({}), {}).empty());
  EXPECT_TRUE(chunk_document(doc_of({"", ""}), {}).empty());
}

TEST(Chunker, ChunkTextFromPagesClampsBadOffsets) {
  const auto doc = doc_of({"abc", "def"});
  EXPECT_EQ(pw::ingest::chunk_text_from_pages(doc.pages, 1, 1, 2, 2), "bc\nde");
  EXPECT_EQ(pw::ingest::chunk_text_from_pages(doc.pages, 1, 99, 1, 100), "");
  EXPECT_EQ(pw::ingest::chunk_text_from_pages(doc.pages, 3, 0, 4, 1), "");
  EXPECT_EQ(pw::ingest::chunk_text_from_pages(doc.pages, 2, 0, 1, 1), "");
}

// Q&A documents (one question and its answer per section, often one per page): each question
// starts a chunk named by it, so no chunk mixes two answers or spans two of their pages.
TEST(Chunker, QuestionSectionsOfFaqTextStartChunks) {
  const auto doc = doc_of({"Noonan syndrome\n\nWhat is (are) Noonan syndrome?\nNoonan syndrome is a condition that "
                           "affects many areas of the body.",
                           "How many people are affected by Noonan\nsyndrome?\nIt occurs in about 1 in 1,000 people.",
                           "What are the treatments for Noonan syndrome?\nTreatment depends on the symptoms."});
  ChunkOptions options;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  std::vector<std::string> paths;
  for (const auto& c : chunks) {
    if (c.heading_path.empty()) continue;  // the title before the first question
    EXPECT_EQ(c.page_start, c.page_end) << c.text;
    EXPECT_EQ(c.page_start, static_cast<int>(paths.size()) + 1) << c.text;
    paths.push_back(c.heading_path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"What is (are) Noonan syndrome?",
                                             "How many people are affected by Noonan syndrome?",
                                             "What are the treatments for Noonan syndrome?"}));
}

// Small sections are kept together up to the target (a contract's one-line clauses, a
// worksheet's items): fewer, fuller chunks, each named by its first section. A section that
// does not fit starts its own chunk, and a question heading always does.
TEST(Chunker, SmallSectionsShareAChunkButQuestionsStartOne) {
  const std::string text = "4.1 Annual Leave\nStaff get 25 days.\n4.2 Carry-over\nFive days carry over.\n"
                           "4.3 Sick Leave\n" + prose(30, 7) + "\nCan I carry over more days?\nOnly with approval.";
  const auto doc = doc_of({text});
  ChunkOptions options;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  ASSERT_GE(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].heading_path, "4.1 Annual Leave");
  EXPECT_EQ(chunks[0].text, "4.1 Annual Leave\nStaff get 25 days.\n4.2 Carry-over\nFive days carry over.");
  EXPECT_EQ(chunks[1].heading_path, "4.3 Sick Leave");  // 30 sentences: too big to join
  EXPECT_EQ(chunks.back().heading_path, "4.3 Sick Leave > Can I carry over more days?");
  EXPECT_EQ(chunks.back().text, "Can I carry over more days?\nOnly with approval.");
  options.join_sections_below = 0;
  EXPECT_GT(chunk_document(doc, options).size(), chunks.size());
}

// "1. How many servings do you eat each\nday?" and "3. I will eat this many servings at" are
// list items wrapped over lines, not section headings.
TEST(Chunker, WrappedNumberedListItemsAreNotHeadings) {
  const auto doc = doc_of({"Starches\n1. How many servings of grains, cereals, pasta, and\nstarchy vegetables do you eat "
                           "each\nday?\nI eat _____ servings each day.\n3. I will eat this many servings of starches at\n"
                           "Breakfast _____"});
  ChunkOptions options;
  const auto chunks = chunk_document(doc, options);
  check_chunk_invariants(doc, chunks, options);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].heading_path, "");
}
