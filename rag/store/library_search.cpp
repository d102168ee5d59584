// LibraryStore: full-text search and reading chunks and pages back.
#include <unordered_map>

#include "rag/store/fts_query.h"
#include "rag/store/library_store.h"
#include "rag/store/store_rows.h"

namespace pw::rag {
namespace {

// Bound IN lists: a filter is a handful of collections or documents, never the whole library.
constexpr size_t kMaxFilterIds = 10000;
constexpr int kMaxHits = 10000;

Status check_filter(const SearchFilter& filter) {
  if (filter.collection_ids.size() > kMaxFilterIds || filter.document_ids.size() > kMaxFilterIds) {
    return Error(ErrorCode::InvalidArgument, "a search filter lists too many collections or documents");
  }
  return ok_status();
}

}  // namespace

Result<std::vector<FtsHit>> LibraryStore::search_fts(std::string_view query, int k, const SearchFilter& filter) {
  PW_TRY(check_filter(filter));
  std::vector<FtsHit> hits;
  if (k <= 0) return hits;
  const std::string match = fts_match_expression(query, FtsMatch::AnyTerm);
  if (match.empty()) return hits;
  // bm25() is smaller for better matches; columns weighted text 1.0, heading path 1.0.
  std::string sql =
      "SELECT c.id, c.document_id, bm25(chunks_fts, 1.0, 1.0) AS rank "
      "FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid";
  if (!filter.collection_ids.empty()) sql += " JOIN documents d ON d.id = c.document_id";
  sql += " WHERE chunks_fts MATCH ?";
  detail::add_in_clause(sql, "d.collection_id", filter.collection_ids);
  detail::add_in_clause(sql, "c.document_id", filter.document_ids);
  sql += " ORDER BY rank LIMIT ?";
  auto st = db_.prepare(sql);
  if (!st) return st.error();
  int index = 1;
  st->bind_text(index++, match);
  detail::bind_list(*st, index, filter.collection_ids);
  detail::bind_list(*st, index, filter.document_ids);
  st->bind_int(index++, std::min(k, kMaxHits));
  for (;;) {
    auto row = st->step();
    if (!row) return row.error().with_context("searching the library");
    if (!*row) break;
    hits.push_back(FtsHit{st->int64(0), st->int64(1), -st->real(2)});
  }
  return hits;
}

Result<ChunkRecord> LibraryStore::chunk(int64_t chunk_id) {
  auto st = db_.prepare(std::string("SELECT ") + detail::kChunkColumns + " FROM chunks c WHERE c.id = ?1");
  if (!st) return st.error();
  st->bind_int(1, chunk_id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error(ErrorCode::NotFound, "chunk " + std::to_string(chunk_id) + " is not in the library");
  auto record = detail::read_chunk(*st, 0);
  st->reset();
  return record;
}

Result<std::vector<ChunkRecord>> LibraryStore::chunks(std::span<const int64_t> chunk_ids) {
  std::vector<ChunkRecord> out;
  if (chunk_ids.empty()) return out;
  std::unordered_map<int64_t, ChunkRecord> found;
  // In slices, so a long id list never exceeds SQLite's parameter limit.
  constexpr size_t kSlice = 500;
  for (size_t begin = 0; begin < chunk_ids.size(); begin += kSlice) {
    size_t n = std::min(kSlice, chunk_ids.size() - begin);
    auto st = db_.prepare(std::string("SELECT ") + detail::kChunkColumns + " FROM chunks c WHERE c.id IN (" +
                          detail::placeholders(n) + ")");
    if (!st) return st.error();
    for (size_t i = 0; i < n; ++i) st->bind_int(static_cast<int>(i + 1), chunk_ids[begin + i]);
    for (;;) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      auto record = detail::read_chunk(*st, 0);
      found.emplace(record.id, std::move(record));
    }
  }
  for (int64_t id : chunk_ids) {
    auto it = found.find(id);
    if (it != found.end()) out.push_back(it->second);
  }
  return out;
}

Result<std::vector<ChunkRecord>> LibraryStore::document_chunks(int64_t document_id) {
  auto st = db_.prepare(std::string("SELECT ") + detail::kChunkColumns +
                        " FROM chunks c WHERE c.document_id = ?1 ORDER BY c.ordinal");
  if (!st) return st.error();
  st->bind_int(1, document_id);
  std::vector<ChunkRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(detail::read_chunk(*st, 0));
  }
  return out;
}

Result<std::vector<ChunkRecord>> LibraryStore::neighbours(int64_t chunk_id, int radius) {
  if (radius < 0) return Error(ErrorCode::InvalidArgument, "the neighbour radius must not be negative");
  auto st = db_.prepare(std::string("SELECT ") + detail::kChunkColumns +
                        " FROM chunks c JOIN chunks self ON self.id = ?1 AND c.document_id = self.document_id"
                        " WHERE c.ordinal BETWEEN self.ordinal - ?2 AND self.ordinal + ?2 AND c.id <> self.id"
                        " ORDER BY c.ordinal");
  if (!st) return st.error();
  st->bind_int(1, chunk_id).bind_int(2, radius);
  std::vector<ChunkRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(detail::read_chunk(*st, 0));
  }
  return out;
}

Result<PageRecord> LibraryStore::page_text(int64_t document_id, int page_number) {
  auto st = db_.prepare("SELECT label, text FROM pages WHERE document_id = ?1 AND number = ?2");
  if (!st) return st.error();
  st->bind_int(1, document_id).bind_int(2, page_number);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) {
    return Error(ErrorCode::NotFound, "page " + std::to_string(page_number) + " of document " +
                                          std::to_string(document_id) + " is not in the library");
  }
  PageRecord page{document_id, page_number, st->text(0), st->text(1)};
  st->reset();
  return page;
}

}  // namespace pw::rag
