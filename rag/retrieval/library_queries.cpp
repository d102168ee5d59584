#include "rag/retrieval/library_queries.h"

#include <algorithm>
#include <cstdio>

#include "rag/store/store_rows.h"

namespace pw::rag {

Status check_search_filter(const SearchFilter& filter) {
  if (filter.collection_ids.size() > kMaxFilterIds || filter.document_ids.size() > kMaxFilterIds)
    return Error(ErrorCode::InvalidArgument, "a search filter lists too many collections or documents");
  return ok_status();
}

Result<std::vector<FtsCandidate>> fts_candidates(LibraryStore& store, const std::string& expression, int limit,
                                                 const SearchFilter& filter, const FtsColumnWeights& weights) {
  PW_TRY(check_search_filter(filter));
  std::vector<FtsCandidate> out;
  if (expression.empty() || limit <= 0) return out;
  // The weights are numbers we format ourselves (bm25() needs literals, not parameters).
  char rank[96];
  std::snprintf(rank, sizeof rank, "bm25(chunks_fts, %.3f, %.3f)", std::clamp(weights.text, 0.0, 100.0),
                std::clamp(weights.heading, 0.0, 100.0));
  std::string sql = std::string("SELECT c.id, c.document_id, ") + rank +
                    " AS r FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid";
  if (!filter.collection_ids.empty()) sql += " JOIN documents d ON d.id = c.document_id";
  sql += " WHERE chunks_fts MATCH ?";
  if (!filter.collection_ids.empty()) sql += " AND d.collection_id IN (" + detail::placeholders(filter.collection_ids.size()) + ")";
  if (!filter.document_ids.empty()) sql += " AND c.document_id IN (" + detail::placeholders(filter.document_ids.size()) + ")";
  sql += " ORDER BY r LIMIT ?";
  auto st = store.database().prepare(sql);
  if (!st) return st.error();
  int index = 1;
  st->bind_text(index++, expression);
  for (int64_t id : filter.collection_ids) st->bind_int(index++, id);
  for (int64_t id : filter.document_ids) st->bind_int(index++, id);
  st->bind_int(index++, std::min(limit, kMaxFtsCandidates));
  for (;;) {
    auto row = st->step();
    if (!row) return row.error().with_context("searching the library");
    if (!*row) break;
    out.push_back(FtsCandidate{st->int64(0), st->int64(1), -st->real(2)});
  }
  return out;
}

Result<int64_t> fts_document_frequency(LibraryStore& store, const std::string& expression, int64_t cap) {
  if (expression.empty()) return int64_t{0};
  auto st = store.database().prepare(
      "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ?1 LIMIT ?2)");
  if (!st) return st.error();
  st->bind_text(1, expression).bind_int(2, std::max<int64_t>(cap, 1));
  auto row = st->step();
  if (!row) return row.error().with_context("counting matches");
  int64_t n = *row ? st->int64(0) : 0;
  st->reset();
  return n;
}

Result<int64_t> library_chunk_count(LibraryStore& store) {
  return store.database().scalar_int("SELECT count(*) FROM chunks");
}

Result<std::vector<ChunkPlacement>> chunk_placements(LibraryStore& store) {
  auto st = store.database().prepare(
      "SELECT c.id, c.document_id, d.collection_id FROM chunks c JOIN documents d ON d.id = c.document_id "
      "ORDER BY c.id");
  if (!st) return st.error();
  std::vector<ChunkPlacement> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error().with_context("reading chunk placements");
    if (!*row) break;
    out.push_back(ChunkPlacement{st->int64(0), st->int64(1), st->int64(2)});
  }
  return out;
}

Result<std::vector<int64_t>> collection_ids_by_name(LibraryStore& store, const std::vector<std::string>& names) {
  std::vector<int64_t> ids;
  for (const auto& name : names) {
    auto c = store.collection_by_name(name);
    if (!c) return c.error();
    if (!*c) return Error(ErrorCode::NotFound, name, "no collection with this name in the library");
    ids.push_back((*c)->id);
  }
  return ids;
}

}  // namespace pw::rag
