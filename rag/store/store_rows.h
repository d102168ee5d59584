// Internal to rag/store: column lists and row readers shared by the library_*.cpp files, so
// a SELECT and the code reading it cannot drift apart. Not for use outside rag/store.
//
//   auto st = db.prepare(std::string("SELECT ") + kChunkColumns + " FROM chunks c WHERE c.id = ?1");
//   ChunkRecord c = read_chunk(*st, 0);
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "rag/store/library_types.h"
#include "rag/store/sqlite_db.h"

namespace pw::rag::detail {

inline int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Document columns with alias d, then the chunk count: 18 columns.
inline constexpr const char* kDocumentColumns =
    "d.id, d.collection_id, d.path, d.size, d.mtime_ns, d.sha256, d.title, d.author, d.format, d.pages, "
    "d.status, d.error, d.needs_ocr_pages, d.running_header, d.running_footer, d.ingested_at, "
    "(SELECT count(*) FROM chunks cc WHERE cc.document_id = d.id)";
DocumentRecord read_document(const sqlite::Statement& st, int first);

// Chunk columns with alias c: 10 columns.
inline constexpr const char* kChunkColumns =
    "c.id, c.document_id, c.ordinal, c.page_start, c.page_end, c.char_start, c.char_end, c.heading_path, c.text, "
    "c.token_count";
ChunkRecord read_chunk(const sqlite::Statement& st, int first);

// "3,5,9" <-> {3, 5, 9}; malformed items are skipped.
std::string join_ints(const std::vector<int>& values);
std::vector<int> split_ints(const std::string& text);

// "?, ?, ?" for an IN list of n values (n >= 1).
std::string placeholders(size_t n);

// Appends " AND <column> IN (?, ...)" for a non-empty list, numbering parameters from
// *next_index on; bind_list() binds them in the same order.
void add_in_clause(std::string& sql, const char* column, const std::vector<int64_t>& values);
void bind_list(sqlite::Statement& st, int& next_index, const std::vector<int64_t>& values);

}  // namespace pw::rag::detail
