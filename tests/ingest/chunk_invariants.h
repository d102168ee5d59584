// Checks every promise chunk_document() makes (chunker.h) on a document and its chunks, for the
// chunker unit tests and the corpus tests. Adds GoogleTest failures naming the document.
//
//   check_chunk_invariants(doc, chunks, options);
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/chunker.h"
#include "ingest/document.h"
#include "ingest/text_segments.h"
#include "ingest/token_estimate.h"

namespace pw::ingest::test {

inline bool is_space_byte(char c) { return c == ' ' || c == '\n' || c == '\t'; }

// Where a chunk may exceed the target when counted again as a whole: per-piece counts are
// rounded, so a chunk of many pieces can be off by a few tokens.
inline int chunk_size_bound(int target) { return target + std::max(5, target / 10); }

inline void check_chunk_invariants(const ExtractedDocument& doc, const std::vector<Chunk>& chunks,
                                   const ChunkOptions& options, bool allow_cut_words = false) {
  const std::string& name = doc.path;
  auto page_index = [&](int number) -> int {
    for (size_t i = 0; i < doc.pages.size(); ++i)
      if (doc.pages[i].number == number) return static_cast<int>(i);
    return -1;
  };
  const auto count = options.count_tokens ? options.count_tokens : std::function<int(std::string_view)>(estimate_tokens);
  // Which bytes of which page some chunk covers.
  std::vector<std::vector<bool>> covered(doc.pages.size());
  for (size_t i = 0; i < doc.pages.size(); ++i) covered[i].assign(doc.pages[i].text.size(), false);

  for (size_t k = 0; k < chunks.size(); ++k) {
    const Chunk& c = chunks[k];
    SCOPED_TRACE(name + " chunk " + std::to_string(k) + " \"" + c.text.substr(0, 60) + "\"");
    ASSERT_EQ(c.ordinal, static_cast<int>(k));
    ASSERT_LE(c.page_start, c.page_end);
    const int a = page_index(c.page_start), b = page_index(c.page_end);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    const std::string& first = doc.pages[a].text;
    const std::string& last = doc.pages[b].text;
    ASSERT_LE(c.char_start, first.size());
    ASSERT_LE(c.char_end, last.size());
    if (a == b) {
      ASSERT_LT(c.char_start, c.char_end);
    }
    // The text is exactly what the offsets point at.
    EXPECT_EQ(c.text, chunk_text_from_pages(doc.pages, c.page_start, c.char_start, c.page_end, c.char_end));
    EXPECT_FALSE(c.text.empty());
    EXPECT_FALSE(is_space_byte(c.text.front()));
    EXPECT_FALSE(is_space_byte(c.text.back()));
    // Never starts or ends inside a word.
    if (!allow_cut_words) {
      if (c.char_start > 0) {
        EXPECT_TRUE(is_space_byte(first[c.char_start - 1])) << "starts inside a word";
      }
      if (c.char_end < last.size()) {
        EXPECT_TRUE(is_space_byte(last[c.char_end])) << "ends inside a word";
      }
    }
    // Size.
    EXPECT_EQ(c.token_count, count(c.text));
    EXPECT_LE(c.token_count, chunk_size_bound(options.target_tokens));
    // Progress: each chunk ends after the previous one and does not start before it.
    if (k > 0) {
      const Chunk& p = chunks[k - 1];
      EXPECT_TRUE(c.page_end > p.page_end || (c.page_end == p.page_end && c.char_end > p.char_end));
      EXPECT_TRUE(c.page_start > p.page_start || (c.page_start == p.page_start && c.char_start >= p.char_start));
    }
    for (int p = a; p <= b; ++p) {
      const size_t from = p == a ? c.char_start : 0;
      const size_t to = p == b ? c.char_end : doc.pages[p].text.size();
      for (size_t i = from; i < to; ++i) covered[p][i] = true;
    }
  }
  // No text is lost: every non-blank byte is in some chunk.
  for (size_t p = 0; p < doc.pages.size(); ++p)
    for (size_t i = 0; i < covered[p].size(); ++i)
      if (!covered[p][i] && !is_space_byte(doc.pages[p].text[i])) {
        ADD_FAILURE() << name << ": page " << doc.pages[p].number << " byte " << i << " is in no chunk";
        break;
      }
  // Headings start chunks: inside a chunk, nothing but headings comes before a heading
  // (except a small section's heading joined to the chunk, see ChunkOptions).
  const bool markdown = doc.format == "md" || doc.format == "html";
  for (const Chunk& c : chunks) {
    bool body_seen = false;
    const int a = page_index(c.page_start), b = page_index(c.page_end);
    for (int p = a; p <= b; ++p) {
      for (const Block& block : segment_page(doc.pages[p].text, markdown)) {
        if (p == a && block.end <= c.char_start) continue;
        if (p == b && block.start >= c.char_end) break;
        const bool inside_from_start = !(p == a && block.start < c.char_start);
        // A small section joined to the open chunk (ChunkOptions::join_sections_below) is the
        // exception; a question heading never joins.
        const bool may_join = options.join_sections_below != 0 && block.heading && !block.heading->question;
        if (block.heading && inside_from_start && body_seen && !may_join)
          ADD_FAILURE() << name << ": heading \"" << block.heading->path_text << "\" on page " << doc.pages[p].number
                        << " is inside chunk " << c.ordinal << " after body text";
        if (block.kind != BlockKind::Heading) body_seen = true;
      }
    }
  }
}

}  // namespace pw::ingest::test
