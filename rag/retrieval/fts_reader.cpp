#include "rag/retrieval/fts_reader.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

namespace pw::rag {
namespace {

std::string quoted(const std::vector<std::string>& words) {
  std::string out = "\"";
  for (size_t i = 0; i < words.size(); ++i) out += (i ? " " : "") + words[i];
  return out + "\"";
}

// "?3, ?4, ..." from `first` on: filter ids come after ?1 (expression) and ?2 (limit), and
// SQLite would number a bare "?" after the largest number seen so far in the text.
std::string numbered(size_t n, int& next) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? ", ?" : "?") + std::to_string(next++);
  return out;
}

// The WHERE clause restricting chunk `c` (joined to document `d` when collections are named).
// Its parameters are numbered from 3 on, in the order bind_filter binds them.
std::string filter_sql(const SearchFilter& filter) {
  std::string sql;
  int next = 3;
  if (!filter.collection_ids.empty()) sql += " AND d.collection_id IN (" + numbered(filter.collection_ids.size(), next) + ")";
  if (!filter.document_ids.empty()) sql += " AND c.document_id IN (" + numbered(filter.document_ids.size(), next) + ")";
  return sql;
}

void bind_filter(sqlite::Statement& st, int& index, const SearchFilter& filter) {
  for (int64_t id : filter.collection_ids) st.bind_int(index++, id);
  for (int64_t id : filter.document_ids) st.bind_int(index++, id);
}

}  // namespace

std::string fts_expression(const QueryTerm& term) { return "\"" + term.raw + "\""; }
std::string fts_expression(const QueryPhrase& phrase) { return quoted(phrase.raw); }

FtsReader::FtsReader(LibraryStore& store) : store_(store) {}
FtsReader::~FtsReader() = default;

Result<sqlite::Statement*> FtsReader::statement(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->reset();
    return it->second.get();
  }
  // Filters make SQL of many shapes; keep the cache from growing without bound.
  if (statements_.size() > 64) statements_.clear();
  auto st = store_.database().prepare(sql);
  if (!st) return st.error();
  auto owned = std::make_unique<sqlite::Statement>(std::move(*st));
  sqlite::Statement* raw = owned.get();
  statements_.emplace(sql, std::move(owned));
  return raw;
}

Status FtsReader::ensure_vocabulary() {
  if (vocabulary_ready_) return ok_status();
  // In the connection's temp schema: works on a read-only library and is never stored.
  PW_TRY(store_.database().exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.pw_chunks_vocab USING fts5vocab(main, chunks_fts, row)",
      "opening the full-text vocabulary"));
  vocabulary_ready_ = true;
  return ok_status();
}

Result<int64_t> FtsReader::chunk_count() {
  // data_version changes when another connection commits; total_changes when this one writes.
  auto version_st = statement("PRAGMA data_version");
  if (!version_st) return version_st.error();
  auto row = (*version_st)->step();
  if (!row) return row.error();
  const int64_t version = *row ? (*version_st)->int64(0) : -1;
  (*version_st)->reset();
  const int64_t changes = sqlite3_total_changes64(store_.database().handle());
  if (cached_count_ >= 0 && version == count_data_version_ && changes == count_total_changes_) return cached_count_;
  auto st = statement("SELECT count(*) FROM chunks");
  if (!st) return st.error();
  auto r = (*st)->step();
  if (!r) return r.error().with_context("counting chunks");
  cached_count_ = *r ? (*st)->int64(0) : 0;
  (*st)->reset();
  count_data_version_ = version;
  count_total_changes_ = changes;
  return cached_count_;
}

Result<int64_t> FtsReader::count(const std::string& expression, int64_t cap) {
  if (expression.empty()) return int64_t{0};
  auto st = statement("SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ?1 LIMIT ?2)");
  if (!st) return st.error();
  (*st)->bind_text(1, expression).bind_int(2, std::max<int64_t>(cap, 1));
  auto row = (*st)->step();
  if (!row) return row.error().with_context("counting matches");
  const int64_t n = *row ? (*st)->int64(0) : 0;
  (*st)->reset();
  return n;
}

Result<int64_t> FtsReader::term_frequency(const QueryTerm& term, int64_t fallback_cap, int64_t exact_up_to) {
  if (exact_up_to > 0) {
    auto st = statement("SELECT count(*), max(r) FROM (SELECT rowid AS r FROM chunks_fts WHERE chunks_fts MATCH ?1 "
                        "ORDER BY rowid LIMIT ?2)");
    if (!st) return st.error();
    (*st)->bind_text(1, fts_expression(term)).bind_int(2, exact_up_to);
    auto row = (*st)->step();
    if (!row) return row.error().with_context("counting a word's matches");
    const int64_t seen = *row ? (*st)->int64(0) : 0;
    const int64_t reached = seen > 0 ? (*st)->int64(1) : 0;
    (*st)->reset();
    // Fewer than the cap: that is the exact count (the MATCH tokenises the word as the index
    // did), and reading the vocabulary as well would walk the same row list a second time.
    if (seen < exact_up_to) return seen;
    auto chunks = chunk_count();
    if (!chunks) return chunks.error();
    auto range = statement("SELECT (SELECT min(id) FROM chunks), (SELECT max(id) FROM chunks)");
    if (!range) return range.error();
    auto r = (*range)->step();
    if (!r) return r.error().with_context("reading the chunk-id range");
    const int64_t first = *r ? (*range)->int64(0) : 0, last = *r ? (*range)->int64(1) : 0;
    (*range)->reset();
    const double covered = static_cast<double>(std::max<int64_t>(1, reached - first + 1));
    const double span = static_cast<double>(std::max<int64_t>(1, last - first + 1));
    const double estimate = static_cast<double>(seen) * span / covered;
    return std::clamp(static_cast<int64_t>(estimate), seen, std::max(seen, *chunks));
  }
  PW_TRY(ensure_vocabulary());
  auto st = statement("SELECT doc FROM temp.pw_chunks_vocab WHERE term = ?1");
  if (!st) return st.error();
  (*st)->bind_text(1, term.stem);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("reading the full-text vocabulary");
  if (*row) {
    const int64_t df = (*st)->int64(0);
    (*st)->reset();
    return df;
  }
  return count(fts_expression(term), fallback_cap);
}

Result<std::vector<FtsCandidate>> FtsReader::ranked(const std::string& expression, int limit,
                                                    const SearchFilter& filter, const FtsColumnWeights& weights) {
  PW_TRY(check_search_filter(filter));
  if (expression.empty() || limit <= 0) return std::vector<FtsCandidate>{};
  // bm25() needs literal weights; we format the numbers ourselves.
  char rank[96];
  std::snprintf(rank, sizeof rank, "bm25(chunks_fts, %.3f, %.3f)", std::clamp(weights.text, 0.0, 100.0),
                std::clamp(weights.heading, 0.0, 100.0));
  std::string sql;
  if (filter.collection_ids.empty() && filter.document_ids.empty()) {
    // Rank inside the FTS table first, join only the rows kept.
    sql = std::string("SELECT f.rowid, c.document_id, f.r FROM (SELECT rowid, ") + rank +
          " AS r FROM chunks_fts WHERE chunks_fts MATCH ?1 ORDER BY r LIMIT ?2) f JOIN chunks c ON c.id = f.rowid "
          "ORDER BY f.r";
  } else {
    sql = filtered_match_sql(std::string("c.id, c.document_id, ") + rank + " AS r", filter) + " ORDER BY r LIMIT ?2";
  }
  return candidates(sql, expression, limit, filter, /*scored=*/true);
}

Result<std::vector<FtsCandidate>> FtsReader::unranked(const std::string& expression, int limit,
                                                      const SearchFilter& filter) {
  PW_TRY(check_search_filter(filter));
  if (expression.empty() || limit <= 0) return std::vector<FtsCandidate>{};
  return candidates(filtered_match_sql("c.id, c.document_id", filter) + " LIMIT ?2", expression, limit, filter,
                    /*scored=*/false);
}

// SELECT `columns` of the chunks matching ?1 that pass `filter` (bound from ?3 on).
std::string FtsReader::filtered_match_sql(const std::string& columns, const SearchFilter& filter) {
  std::string sql = "SELECT " + columns + " FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid";
  if (!filter.collection_ids.empty()) sql += " JOIN documents d ON d.id = c.document_id";
  return sql + " WHERE chunks_fts MATCH ?1" + filter_sql(filter);
}

// Runs a candidate query (?1 the expression, ?2 the limit, the filter from ?3): rows of chunk id,
// document id and, when `scored`, bm25 (smaller is better; negated into the score).
Result<std::vector<FtsCandidate>> FtsReader::candidates(const std::string& sql, const std::string& expression,
                                                        int limit, const SearchFilter& filter, bool scored) {
  auto st = statement(sql);
  if (!st) return st.error();
  int index = 3;
  (*st)->bind_text(1, expression).bind_int(2, std::min(limit, kMaxFtsCandidates));
  bind_filter(**st, index, filter);
  std::vector<FtsCandidate> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("searching the library");
    if (!*row) break;
    out.push_back(FtsCandidate{(*st)->int64(0), (*st)->int64(1), scored ? -(*st)->real(2) : 0.0});
  }
  return out;
}

Result<DocumentSpan> FtsReader::document_span(int64_t document_id) {
  auto st = statement("SELECT min(id), max(id), count(*), avg(token_count) FROM chunks WHERE document_id = ?1");
  if (!st) return st.error();
  (*st)->bind_int(1, document_id);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("reading a document's chunks");
  DocumentSpan span;
  span.document_id = document_id;
  if (*row && !(*st)->is_null(0)) {
    span.first_id = (*st)->int64(0);
    span.last_id = (*st)->int64(1);
    span.chunks = (*st)->int64(2);
    span.contiguous = span.last_id - span.first_id + 1 == span.chunks;
    span.average_tokens = (*st)->real(3);
  }
  (*st)->reset();
  return span;
}

Result<std::vector<int64_t>> FtsReader::matches_in_document(const std::string& expression, const DocumentSpan& span,
                                                            int limit) {
  std::vector<int64_t> out;
  if (expression.empty() || limit <= 0 || span.chunks == 0) return out;
  // A rowid range FTS5 seeks to directly; an id list only when the document's ids interleave
  // with another's.
  auto st = span.contiguous
                ? statement("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 "
                            "ORDER BY rowid LIMIT ?4")
                : statement("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 "
                            "AND rowid IN (SELECT id FROM chunks WHERE document_id = ?5) ORDER BY rowid LIMIT ?4");
  if (!st) return st.error();
  (*st)->bind_text(1, expression).bind_int(2, span.first_id).bind_int(3, span.last_id).bind_int(4, limit);
  if (!span.contiguous) (*st)->bind_int(5, span.document_id);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("searching a document");
    if (!*row) break;
    out.push_back((*st)->int64(0));
  }
  return out;
}

Result<int64_t> FtsReader::count_in_document(const std::string& expression, const DocumentSpan& span) {
  if (expression.empty() || span.chunks == 0) return int64_t{0};
  auto st = span.contiguous
                ? statement("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3")
                : statement("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 "
                            "AND rowid IN (SELECT id FROM chunks WHERE document_id = ?4)");
  if (!st) return st.error();
  (*st)->bind_text(1, expression).bind_int(2, span.first_id).bind_int(3, span.last_id);
  if (!span.contiguous) (*st)->bind_int(4, span.document_id);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("counting matches in a document");
  const int64_t n = *row ? (*st)->int64(0) : 0;
  (*st)->reset();
  return n;
}

}  // namespace pw::rag
