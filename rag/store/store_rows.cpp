#include "rag/store/store_rows.h"

#include <charconv>

#include "rag/store/library_store.h"

namespace pw::rag::detail {

DocumentRecord read_document(const sqlite::Statement& st, int first) {
  DocumentRecord d;
  int i = first;
  d.id = st.int64(i++);
  d.collection_id = st.int64(i++);
  d.path = st.text(i++);
  d.size = st.int64(i++);
  d.mtime_ns = st.int64(i++);
  d.sha256 = st.text(i++);
  d.title = st.text(i++);
  d.author = st.text(i++);
  d.format = st.text(i++);
  d.pages = static_cast<int>(st.int64(i++));
  d.status = document_status_from_string(st.text(i++));
  d.error = st.text(i++);
  d.needs_ocr_pages = split_ints(st.text(i++));
  d.running_header = st.text(i++);
  d.running_footer = st.text(i++);
  d.ingested_at = st.int64(i++);
  d.chunk_count = st.int64(i++);
  return d;
}

ChunkRecord read_chunk(const sqlite::Statement& st, int first) {
  ChunkRecord c;
  int i = first;
  c.id = st.int64(i++);
  c.document_id = st.int64(i++);
  c.ordinal = static_cast<int>(st.int64(i++));
  c.page_start = static_cast<int>(st.int64(i++));
  c.page_end = static_cast<int>(st.int64(i++));
  c.char_start = static_cast<uint32_t>(st.int64(i++));
  c.char_end = static_cast<uint32_t>(st.int64(i++));
  c.heading_path = st.text(i++);
  c.text = st.text(i++);
  c.token_count = static_cast<int>(st.int64(i++));
  return c;
}

std::string join_ints(const std::vector<int>& values) {
  std::string out;
  for (int v : values) {
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}

std::vector<int> split_ints(const std::string& text) {
  std::vector<int> out;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    int v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec == std::errc()) out.push_back(v);
    p = next;
    while (p < end && *p != ',') ++p;
    if (p < end) ++p;
  }
  return out;
}

std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

void add_in_clause(std::string& sql, const char* column, const std::vector<int64_t>& values) {
  if (values.empty()) return;
  sql += " AND ";
  sql += column;
  sql += " IN (" + placeholders(values.size()) + ")";
}

void bind_list(sqlite::Statement& st, int& next_index, const std::vector<int64_t>& values) {
  for (int64_t v : values) st.bind_int(next_index++, v);
}

}  // namespace pw::rag::detail
