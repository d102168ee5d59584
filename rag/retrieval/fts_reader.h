// Bounded, prepared-once reads of the library's full-text index for one retriever: term
// document frequencies from fts5vocab, ranked and unranked candidate lists, and matches
// inside one document's chunk-id range.
//
//   pw::rag::FtsReader fts(store);                       // one per Retriever (one per thread)
//   auto n = fts.chunk_count();                          // cached until the library changes
//   auto df = fts.term_frequency(query.terms[0], 5000);  // chunks holding the term (exact to 20k, then estimated)
//   auto top = fts.ranked("\"carry\" OR \"leave\"", 200, filter, {1.0, 2.0});   // best first
//   auto span = fts.document_span(doc_id);               // first/last chunk id, chunk count
//   auto ids = fts.matches_in_document("\"carry\"", *span, 200);
//
// Why: FTS5 computes bm25() for EVERY row a MATCH finds before ORDER BY ... LIMIT can cut, and
// a query word found in half of a million chunks makes that half a million bm25 calls. So the
// caller looks at document frequencies first (fts5vocab's per-term row counts: a B-tree seek,
// not a scan) and only ranks with terms whose matches are few (lexical_retriever.h). Must not
// change: every list is bounded by its limit; expressions come only from query_analysis.h
// (always valid FTS5); statements are prepared once per reader and reset after each use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "engine/util/status.h"
#include "rag/retrieval/library_queries.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/store/library_store.h"
#include "rag/store/sqlite_db.h"

namespace pw::rag {

// The chunk ids of one document: [first_id, last_id] holds exactly `chunks` ids when
// `contiguous` (a document is written in one transaction, so this is the normal case).
struct DocumentSpan {
  int64_t document_id = 0;
  int64_t first_id = 0;
  int64_t last_id = 0;
  int64_t chunks = 0;
  bool contiguous = false;
  double average_tokens = 0;  // mean stored token count of its chunks
};

class FtsReader {
 public:
  explicit FtsReader(LibraryStore& store);
  ~FtsReader();
  FtsReader(const FtsReader&) = delete;
  FtsReader& operator=(const FtsReader&) = delete;

  // Chunks in the library; counted again only after the library changed.
  Result<int64_t> chunk_count();

  // Chunks holding the term. Bounded work: a word's row list is as long as its count (130 ms
  // for a word in every chunk of a 1M library), so its first `exact_up_to` matches are read:
  // fewer than that is the exact count (the MATCH tokenises the word as the index did; no
  // second walk of the same list through fts5vocab); a term with that many gets an estimate:
  // those matches' share of the chunk-id range, scaled to the library (chunk ids are dense,
  // rows in id order). Its weight is small either way; only its order of magnitude matters.
  // exact_up_to <= 0: fts5vocab's count for the term's index form (its Porter stem), or, when
  // the vocabulary has no such entry, a MATCH count up to `fallback_cap`.
  Result<int64_t> term_frequency(const QueryTerm& term, int64_t fallback_cap, int64_t exact_up_to = 20000);
  // Chunks matching `expression`, counting at most `cap` of them.
  Result<int64_t> count(const std::string& expression, int64_t cap);

  // At most `limit` chunks matching `expression`, best bm25 first (score = -bm25).
  Result<std::vector<FtsCandidate>> ranked(const std::string& expression, int limit, const SearchFilter& filter,
                                           const FtsColumnWeights& weights);
  // At most `limit` chunks matching `expression` in index order, unscored (score 0): for
  // expressions whose matches are too many to rank.
  Result<std::vector<FtsCandidate>> unranked(const std::string& expression, int limit, const SearchFilter& filter);

  Result<DocumentSpan> document_span(int64_t document_id);
  // Chunk ids of the document matching `expression`, at most `limit`, in document order.
  Result<std::vector<int64_t>> matches_in_document(const std::string& expression, const DocumentSpan& span,
                                                   int limit);
  // Chunks of the document matching `expression` (at most span.chunks).
  Result<int64_t> count_in_document(const std::string& expression, const DocumentSpan& span);

 private:
  Result<sqlite::Statement*> statement(const std::string& sql);
  static std::string filtered_match_sql(const std::string& columns, const SearchFilter& filter);
  Result<std::vector<FtsCandidate>> candidates(const std::string& sql, const std::string& expression, int limit,
                                               const SearchFilter& filter, bool scored);
  Status ensure_vocabulary();

  LibraryStore& store_;
  std::unordered_map<std::string, std::unique_ptr<sqlite::Statement>> statements_;
  bool vocabulary_ready_ = false;
  int64_t cached_count_ = -1;
  int64_t count_data_version_ = -1;
  int64_t count_total_changes_ = -1;
};

// The FTS5 expression for one query term / phrase ("\"carry\"", "\"annual leave\"").
std::string fts_expression(const QueryTerm& term);
std::string fts_expression(const QueryPhrase& phrase);

}  // namespace pw::rag
