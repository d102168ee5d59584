// Random and adversarial input through the text pipeline: nothing may crash, hang, allocate
// wildly or produce invalid UTF-8; chunks keep their invariants.
#include <gtest/gtest.h>

#include <random>

#include "chunk_invariants.h"
#include "ingest/chunker.h"
#include "ingest/html_text.h"
#include "ingest/normalize.h"
#include "ingest/running_headers.h"
#include "ingest/text_extractor.h"
#include "ingest/utf8.h"

namespace {

// Random text biased towards what the parsers look at: digits, dots, '#', '<', '&', newlines.
std::string random_text(std::mt19937& rng, size_t n) {
  static const std::string alphabet =
      "abcXYZ 0123456789..:;,-()[]|#<>&/\"'\n\n\n\t\r\f\x01\x7F\xC2\xA7\xC2\xAD\xEF\xAC\x81\xE2\x80\x9C\xCC\x81\xFF\xC3";
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
  return s;
}

}  // namespace

TEST(Robustness, RandomTextThroughNormaliseAndChunk) {
  std::mt19937 rng(7);
  pw::ingest::ChunkOptions options;
  options.target_tokens = 60;
  for (int round = 0; round < 200; ++round) {
    pw::ingest::ExtractedDocument doc;
    doc.path = "random" + std::to_string(round);
    doc.format = round % 2 ? "md" : "pdf";
    std::vector<std::string> texts;
    for (int p = 0; p < 1 + static_cast<int>(rng() % 4); ++p)
      texts.push_back(pw::ingest::normalize_text(random_text(rng, rng() % 3000)));
    pw::ingest::remove_running_text(texts);
    for (size_t p = 0; p < texts.size(); ++p) {
      ASSERT_TRUE(pw::ingest::utf8::is_valid(texts[p]));
      EXPECT_EQ(pw::ingest::normalize_text(texts[p]), texts[p]);
      doc.pages.push_back({static_cast<int>(p + 1), std::to_string(p + 1), texts[p]});
    }
    const auto chunks = pw::ingest::chunk_document(doc, options);
    pw::ingest::test::check_chunk_invariants(doc, chunks, options, /*allow_cut_words=*/true);
    for (const auto& c : chunks) ASSERT_TRUE(pw::ingest::utf8::is_valid(c.heading_path));
    if (HasFailure()) break;
  }
}

TEST(Robustness, RandomBytesAsTextMarkdownAndHtmlFiles) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string bytes = random_text(rng, rng() % 4000);
    if (round % 3 == 2) bytes = "<html><body><h2>" + bytes + "</h2><p>" + bytes + "</table><li>&#x1F600;&amp";
    const auto kind = static_cast<pw::ingest::FileKind>(1 + round % 3);  // Text, Markdown, Html
    const auto doc = pw::ingest::extract_text_document("f.txt", bytes, kind);
    ASSERT_EQ(doc.pages.size(), 1u);
    ASSERT_TRUE(pw::ingest::utf8::is_valid(doc.pages[0].text));
    ASSERT_TRUE(pw::ingest::utf8::is_valid(doc.title));
    EXPECT_LE(doc.pages[0].text.size(), bytes.size() * 3 + 64);
  }
}

TEST(Robustness, PathologicalShapes) {
  pw::ingest::ChunkOptions options;
  for (const std::string& text : {std::string(200000, '\n'), std::string(100000, '.'), std::string(50000, '#'),
                                  std::string(30000, '|'), std::string(20000, '-') + "\nx",
                                  [] {
                                    std::string s;
                                    for (int i = 0; i < 3000; ++i) s += "1.\n";  // thousands of bare numbers
                                    return s;
                                  }(),
                                  [] {
                                    std::string s;
                                    for (int i = 0; i < 2000; ++i) s += "4.2 Heading Number " + std::to_string(i) + "x\n";
                                    return s;
                                  }()}) {
    pw::ingest::ExtractedDocument doc;
    doc.path = "shape";
    doc.format = "md";
    doc.pages.push_back({1, "1", pw::ingest::normalize_text(text)});
    const auto chunks = pw::ingest::chunk_document(doc, options);
    pw::ingest::test::check_chunk_invariants(doc, chunks, options, /*allow_cut_words=*/true);
  }
}
