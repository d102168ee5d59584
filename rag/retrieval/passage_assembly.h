// Turns a ranked list of chunks into the passages shown to people and to the model: merges
// hits that are neighbours in one document, drops repeated text, completes chunks that were
// cut mid-thought with the chunk before or after, and fills in document facts.
//
//   std::vector<pw::rag::Passage> ps;
//   PW_TRY(pw::rag::assemble_passages(store, fused_hits, query, idf, {.max_passages = 8}, ps));
//
// Rules (tests rely on them):
// - Hits are taken in rank order. A hit whose chunk is already inside an accepted passage of
//   the same document, or next to it (ordinal +-1), is folded into it: its text becomes that
//   passage's context_before/context_after (whole, without the chunker's overlap). Except
//   across FAQ answers: a neighbour in another section where either section is a question
//   (heading path ending in '?') stays a result of its own.
// - A hit whose text repeats an accepted passage's (same words, case and spacing ignored),
//   e.g. the same file in two collections, is dropped; so is one that mostly repeats it
//   (half of the smaller one's word trigrams in common: the same text as .md and as PDF,
//   chunked at other places). The better-ranked one stays.
// - A passage whose chunk ends without sentence punctuation gets the start of the next chunk
//   up to the end of its first sentence; one that starts mid-sentence gets the end of the
//   previous chunk from the start of the sentence it continues. Each at most
//   max_context_bytes, cut at a character boundary.
#pragma once

#include <span>
#include <vector>

#include "engine/util/status.h"
#include "rag/retrieval/passage.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/retrieval/rank_fusion.h"
#include "rag/store/library_store.h"

namespace pw::rag {

struct PassageOptions {
  size_t max_passages = 8;
  bool expand_neighbours = true;
  size_t max_context_bytes = 600;
  // A hit sharing at least this share of its word trigrams with an accepted passage (of the
  // smaller of the two) repeats it and is dropped.
  double duplicate_containment = 0.5;
};

// `hits` best first; ranks/list_scores as from reciprocal_rank_fusion (list 0 lexical, list 1
// semantic when present — `lexical_list`/`semantic_list` name their positions, -1 = none).
// `term_weights` holds one weight per query term then per phrase (relevance.h).
Status assemble_passages(LibraryStore& store, std::span<const FusedHit> hits, const AnalyzedQuery& query,
                         std::span<const double> term_weights, int lexical_list, int semantic_list,
                         const PassageOptions& options, std::vector<Passage>& out);

// The part of `next` that does not repeat the end of `prev` (consecutive chunks of one
// document; the chunker repeats a few sentences). Uses the byte offsets when both are on one
// page and checks them against the texts; else the longest suffix of prev that starts next.
std::string_view text_after_overlap(const ChunkRecord& prev, const ChunkRecord& next);
// The part of `prev` that `next` does not repeat at its start.
std::string_view text_before_overlap(const ChunkRecord& prev, const ChunkRecord& next);

}  // namespace pw::rag
