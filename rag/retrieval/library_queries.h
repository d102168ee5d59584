// The few read-only queries retrieval runs on the library's SQLite file directly: full-text
// candidates with an explicit FTS5 expression and column weights, term document frequencies,
// and the chunk -> document -> collection map the vector index filters with.
//
//   auto hits = pw::rag::fts_candidates(store, "\"annual leave\" OR \"carry\"", 200, filter, {1.0, 2.0});
//   auto df = pw::rag::fts_document_frequency(store, "\"carry\"", 10000);
//
// Why not LibraryStore::search_fts: it builds its own OR expression with fixed weights, while
// retrieval needs phrase and AND queries and a boosted heading column. These belong in
// LibraryStore eventually (search_fts_expression); until then they live here, read-only, on
// LibraryStore::database(). Must not change: expressions come only from query_analysis.h
// (always valid FTS5), and every list is bounded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/util/status.h"
#include "rag/store/library_store.h"

namespace pw::rag {

// Bounds every retrieval query keeps, whatever a caller (or a hostile request) asks for.
inline constexpr size_t kMaxFilterIds = 10000;
inline constexpr int kMaxFtsCandidates = 10000;
// InvalidArgument when a filter lists more than kMaxFilterIds collections or documents.
Status check_search_filter(const SearchFilter& filter);

struct FtsColumnWeights {
  double text = 1.0;
  double heading = 2.0;  // a query word in the section heading says more than one in the text
};

// One chunk found by FTS5; score = -bm25 (higher is better; comparable within one query).
struct FtsCandidate {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  double score = 0;
};

// At most `limit` chunks matching `expression`, best first. Empty expression: no hits.
Result<std::vector<FtsCandidate>> fts_candidates(LibraryStore& store, const std::string& expression, int limit,
                                                 const SearchFilter& filter, const FtsColumnWeights& weights);

// How many chunks match `expression`, counting at most `cap` (a common word in a million
// chunks must not cost a full scan).
Result<int64_t> fts_document_frequency(LibraryStore& store, const std::string& expression, int64_t cap);

// Number of chunks in the whole library.
Result<int64_t> library_chunk_count(LibraryStore& store);

struct ChunkPlacement {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  int64_t collection_id = 0;
};
// Where each chunk lives, for every chunk in the library, by chunk id.
Result<std::vector<ChunkPlacement>> chunk_placements(LibraryStore& store);

// Ids of the collections named (NotFound naming the first unknown one).
Result<std::vector<int64_t>> collection_ids_by_name(LibraryStore& store, const std::vector<std::string>& names);

}  // namespace pw::rag
