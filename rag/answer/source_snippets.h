// Short excerpts of a passage and where they are on the page: the sentences that best match
// the question (or an answer sentence), the question's words in them, and the page byte range
// a viewer highlights.
//
//   pw::rag::ChunkPageMap map(passage, pages);            // pages: the stored pages it spans
//   pw::rag::Snippet s = pw::rag::best_snippet(passage.text, query, weights);
//   pw::rag::PageHighlight h = map.locate(s.range);       // page + [char_start, char_end)
//
// Chunk text is the slices of its pages joined with '\n' (ingest/chunker.h), so a range in
// it maps to exactly one place per page; a range crossing a page break is located on the page
// holding most of it (cut at the break).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rag/answer/answer_types.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/store/library_types.h"

namespace pw::rag {

class ChunkPageMap {
 public:
  // `pages` must include the pages page_start..page_end of the chunk (others are ignored).
  // When the stored pages do not reproduce the chunk text (changed meanwhile), valid() is
  // false and locate() falls back to the chunk's own start.
  ChunkPageMap(int page_start, uint32_t char_start, int page_end, uint32_t char_end, std::string_view text,
               std::span<const PageRecord> pages);
  bool valid() const { return valid_; }
  PageHighlight locate(TextRange range) const;

 private:
  struct Segment {
    int page = 0;
    size_t chunk_begin = 0;  // where the slice starts in the chunk text
    size_t page_begin = 0;   // where it starts in the page text
    size_t length = 0;
  };
  std::vector<Segment> segments_;
  bool valid_ = false;
  int page_start_ = 0;
  uint32_t char_start_ = 0;
};

struct Snippet {
  TextRange range;  // in the text it was taken from
  std::string text; // that range with whitespace runs made single spaces, leading bullets dropped
  std::vector<TextRange> highlights;  // question words, relative to `text`
};

// The one to three consecutive sentences (at most max_bytes, cut at word boundaries when a
// sentence is longer) with the most question weight; the first sentences when no question
// word occurs. `weights`: per term then phrase, as from query_term_weights.
Snippet best_snippet(std::string_view text, const AnalyzedQuery& query, std::span<const double> weights,
                     size_t max_bytes = 320);

// The sentence of `text` sharing the most meaningful words with `sentence` (empty range when
// none shares any).
TextRange best_matching_sentence(std::string_view text, std::string_view sentence);

// Ranges of the question's words (by stem) in `text`.
std::vector<TextRange> query_word_ranges(std::string_view text, const AnalyzedQuery& query);

}  // namespace pw::rag
