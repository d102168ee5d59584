// A retrieved passage: one chunk of a document (the hit), the text around it when the chunk
// was cut mid-thought, where it sits (document, pages, byte range, heading path) and why it
// was retrieved. Plain data; filled by rag/retrieval/passage_assembly.h.
//
//   for (const pw::rag::Passage& p : result.passages)
//     show(p.document_title, p.page_start, p.heading_path, p.full_text());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pw::rag {

struct Passage {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  int64_t collection_id = 0;
  std::string document_path;
  std::string document_title;
  int ordinal = 0;
  // The hit chunk's place: char_start is a byte offset in page page_start's stored text,
  // char_end (exclusive) one in page page_end's (ingest/document.h).
  int page_start = 0;
  int page_end = 0;
  uint32_t char_start = 0;
  uint32_t char_end = 0;
  std::string heading_path;
  std::string text;  // the hit chunk's text

  // Text of the neighbouring chunks that completes the hit (without the overlap the chunker
  // repeats), or adjacent hits folded into this passage. Empty when not needed.
  std::string context_before;
  std::string context_after;
  std::vector<int64_t> folded_chunk_ids;  // hits of adjacent chunks merged into this passage

  double score = 0;              // the ranking score (fused, or lexical when alone)
  int lexical_rank = 0;          // 1-based rank in the lexical list, 0 = absent
  double lexical_score = 0;
  int semantic_rank = 0;         // 1-based rank in the semantic list, 0 = absent
  double semantic_similarity = 0;
  double term_coverage = 0;      // IDF-weighted share of the query's terms found in the passage

  // context_before + text + context_after, separated by line breaks.
  std::string full_text() const;
};

}  // namespace pw::rag
