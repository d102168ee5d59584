// Hybrid retrieval for a question: lexical (FTS5 BM25 + document-local rescoring), semantic
// (query embedding against the in-memory vector index) when an embedding model is set,
// reciprocal rank fusion, then passages (neighbour expansion, de-duplication) and a relevance
// verdict.
//
//   pw::rag::Retriever retriever(store);                      // lexical only
//   auto on = retriever.use_library_vectors(query_embedder);   // + semantic, when the library
//   if (!on) return on.error();                                 //   holds vectors of that model
//   auto r = retriever.search({.query = "carry-over of annual leave", .k = 8,
//                              .filter = pw::rag::SearchFilter::in_collections({hr})});
//   if (!r) return r.error();
//   if (!r->relevant) say("I could not find this in your documents");
//   for (const pw::rag::Passage& p : r->passages) ...
//
// Works with lexical only when no embedding model is installed: the ranking is then the
// lexical one. With both, the two lists are fused by rank (rank_fusion.h); the semantic part
// (query embedding + vector scan) then runs on a second thread while the lexical part runs on
// the caller's, so a fused search takes about as long as the slower of the two.
// Threading: like LibraryStore, one Retriever per thread; the VectorIndex may be shared. The
// QueryEmbedder is called from the helper thread, one search at a time.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "rag/retrieval/fts_reader.h"
#include "rag/retrieval/lexical_retriever.h"
#include "rag/retrieval/passage.h"
#include "rag/retrieval/passage_assembly.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/retrieval/query_embedder.h"
#include "rag/retrieval/rank_fusion.h"
#include "rag/retrieval/vector_index.h"
#include "rag/store/library_store.h"

namespace pw::rag {

// Calibrated with `pagewise-bench retrieval-eval` (see its "not_found" section): answerable
// questions of the evaluation sets against questions asked of the wrong collection.
inline constexpr double kDefaultMinTermCoverage = 0.35;

struct RetrieverOptions {
  LexicalOptions lexical;
  PassageOptions passages;
  double rank_constant = 60;     // reciprocal rank fusion
  int fused_candidates = 100;    // hits of each list entering fusion
  double lexical_weight = 1.0;
  double semantic_weight = 1.0;
  // The best passages must cover this share of the question (relevance.h) ...
  double min_term_coverage = kDefaultMinTermCoverage;
  // ... or, with semantic search, reach this cosine similarity. Model-specific: above 1
  // (never) until calibrated for the embedding model in use.
  double min_semantic_similarity = 2.0;
  int verdict_passages = 3;      // how many top passages the verdict looks at
};

enum class RetrievalMode {
  Auto,      // fused when semantic search is set up, else lexical
  Lexical,   // lexical only
  Semantic,  // semantic only (evaluation); no hits without an embedder
};

struct RetrievalRequest {
  std::string_view query;
  size_t k = 8;
  SearchFilter filter;
  RetrievalMode mode = RetrievalMode::Auto;
};

struct RetrievalTimings {
  double lexical_ms = 0;
  double semantic_ms = 0;  // query embedding + scan
  double fusion_ms = 0;
  double passages_ms = 0;
  double total_ms = 0;
};

struct RetrievalResult {
  AnalyzedQuery query;
  std::vector<double> term_weights;  // per query term then phrase (relevance.h)
  std::vector<Passage> passages;     // best first, at most k
  double best_term_coverage = 0;     // over the first verdict_passages passages
  double best_similarity = 0;        // semantic, 0 without
  bool relevant = false;             // the passages likely answer the question
  bool lexical_used = false;
  bool semantic_used = false;
  RetrievalTimings timings;
};

class Retriever {
 public:
  explicit Retriever(LibraryStore& store, RetrieverOptions options = {});

  // THE way to turn semantic search on: `embedder` for the queries, the library's stored
  // vectors of the same model (embedder.model_name()) loaded into an in-memory index.
  // Returns false (and stays lexical) when the library holds no vectors of that model yet,
  // so a missing or still-embedding model never stops search. Errors: the library cannot be
  // read, or its vectors of that model have another dimension than the model makes.
  Result<bool> use_library_vectors(QueryEmbedder& embedder);

  // The same with an index built elsewhere (shared between retrievers on several threads, or
  // a benchmark's synthetic vectors); both null turns semantic search off. The index must
  // hold vectors of embedder->model_name() with embedder->dimension() values.
  Status set_semantic(QueryEmbedder* embedder, std::shared_ptr<const VectorIndex> index);
  bool has_semantic() const { return embedder_ != nullptr; }

  Result<RetrievalResult> search(const RetrievalRequest& request);

  const RetrieverOptions& options() const { return options_; }
  RetrieverOptions& options() { return options_; }

 private:
  LibraryStore& store_;
  RetrieverOptions options_;
  std::unique_ptr<FtsReader> fts_;  // statements prepared once on store_'s connection
  QueryEmbedder* embedder_ = nullptr;
  std::shared_ptr<const VectorIndex> index_;
};

}  // namespace pw::rag
