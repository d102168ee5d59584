// Cuts a document's pages into overlapping chunks for retrieval, each with its page span,
// byte offsets and heading path.
//
//   pw::ingest::ChunkOptions options;                     // ~300 tokens, 15% overlap
//   options.count_tokens = [&](std::string_view s) { return tokenizer.count(s); };  // optional
//   std::vector<pw::ingest::Chunk> chunks = pw::ingest::chunk_document(doc, options);
//
// Rules (tests rely on them):
// - A chunk holds at most target_tokens (as counted while packing; the final count of the
//   joined text may differ by a few tokens with a real tokenizer). It is cut at paragraph and
//   sentence boundaries; a sentence longer than the target is cut at line ends, then between
//   words, never inside a word (only a single "word" longer than the whole target, such as a
//   run of base64, is cut inside).
// - Numbered headings, and Markdown ones in md/html documents (see headings.h), and FAQ
//   question lines (text_segments.h) start a new chunk, without overlap, and set the heading
//   path ("Leave policy > 4.2 Carry-over"). Consecutive headings with no text between them
//   ("4. Leave" then "4.1 Annual") share one chunk. Small sections are kept together: a
//   heading joins the open chunk when that chunk is under join_sections_below tokens and the
//   heading's whole section fits in target_tokens (the chunk keeps its first heading path);
//   a question heading never joins, so an FAQ's answers are never mixed, and neither does
//   a heading at the top of a page (the page break says the section stands alone).
// - A table (consecutive table-like lines) stays in one chunk when it fits in target_tokens;
//   a chunk starts early rather than split it.
// - A chunk that continues a section starts with the last sentences of the previous chunk,
//   about overlap * target_tokens of them: whole sentences when they fit, else the tail of the
//   last sentence starting at a word boundary.
// - page_start/char_start and page_end/char_end locate the chunk in Page::text, and
//   Chunk::text is exactly the text between them: the slice of each page it covers, joined
//   with '\n' (pages with no text are skipped). So text can always be found again in the pages.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "ingest/document.h"

namespace pw::ingest {

struct ChunkOptions {
  int target_tokens = 300;
  double overlap = 0.15;  // fraction of target_tokens repeated from the previous chunk
  // A heading joins the open chunk instead of starting one when the chunk holds fewer tokens
  // than this and the heading's whole section still fits (never a question heading).
  // -1: target_tokens (whenever the section fits); 0: every heading starts a chunk.
  int join_sections_below = -1;
  // Token counter of the configured model; empty: estimate_tokens() (token_estimate.h).
  std::function<int(std::string_view)> count_tokens;
};

std::vector<Chunk> chunk_document(const ExtractedDocument& doc, const ChunkOptions& options);

// Chunk::text for a span of pages, as chunk_document builds it (exposed for tests and for
// re-building a passage from stored pages).
std::string chunk_text_from_pages(const std::vector<Page>& pages, int page_start, uint32_t char_start, int page_end,
                                  uint32_t char_end);

}  // namespace pw::ingest
