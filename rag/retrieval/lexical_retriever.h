// Lexical retrieval: full-text candidates from FTS5 (phrases, then all terms, then any term,
// BM25 with the heading path boosted), then a second look inside the best documents.
//
//   pw::rag::AnalyzedQuery q = pw::rag::analyze_query(question);
//   auto hits = pw::rag::lexical_search(store, q, filter, {});   // best first
//   hits->front().chunk_id;
//
// Scoring (higher is better), each part in [0, 1]:
//   score(chunk) = document_weight * D(document) + G(chunk) + L(chunk)
//   G  the chunk's FTS5 BM25 over the whole library (or filter), divided by the best one;
//   D  the best G among the document's chunks: how well the document as a whole answers;
//   L  BM25 of the chunk among the chunks of its own document, divided by that document's best
//      (only for the `documents_rescored` best documents): words the question shares with
//      every chunk of the document (a contract's party names) stop counting there, and the
//      words that pick out one clause decide.
// Phrase and all-terms queries add candidates the any-term query may rank too low to keep
// ("phrase match first, then the meaningful terms"); they are scored like the others.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/util/status.h"
#include "rag/retrieval/library_queries.h"
#include "rag/retrieval/passage_scorer.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/store/library_store.h"

namespace pw::rag {

struct LexicalOptions {
  int any_term_candidates = 200;
  int all_terms_candidates = 100;
  int phrase_candidates = 50;
  int documents_rescored = 5;
  int max_document_chunks = 3000;  // longer documents: only their candidate chunks are rescored
  double document_weight = 1.0;
  FtsColumnWeights columns;
  PassageScorerOptions passage;
};

struct LexicalHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  double score = 0;           // the combined score above
  double fts_score = 0;       // G
  double document_score = 0;  // D
  double local_score = 0;     // L (0 when the document was not rescored)
};

Result<std::vector<LexicalHit>> lexical_search(LibraryStore& store, const AnalyzedQuery& query,
                                               const SearchFilter& filter, const LexicalOptions& options = {});

}  // namespace pw::rag
