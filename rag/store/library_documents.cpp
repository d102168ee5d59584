// LibraryStore: saving, replacing, listing and removing documents; incremental scan checks.
#include "engine/util/log.h"

#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/util/sha256.h"
#include "rag/store/library_store.h"
#include "rag/store/store_rows.h"

namespace pw::rag {
namespace {

Status validate(const FileFacts& facts, const ingest::ExtractedDocument& document,
                std::span<const ingest::Chunk> chunks) {
  if (facts.path.empty()) return Error(ErrorCode::InvalidArgument, "a document needs a path");
  auto bad = [&](const std::string& message) { return Error(ErrorCode::InvalidArgument, facts.path, message); };
  std::unordered_set<int> page_numbers;
  for (const auto& page : document.pages) {
    if (!page_numbers.insert(page.number).second) return bad("page " + std::to_string(page.number) + " appears twice");
  }
  std::unordered_set<int> ordinals;
  for (const auto& chunk : chunks) {
    if (!ordinals.insert(chunk.ordinal).second) {
      return bad("chunk ordinal " + std::to_string(chunk.ordinal) + " appears twice");
    }
    if (chunk.page_end < chunk.page_start) {
      return bad("chunk " + std::to_string(chunk.ordinal) + " ends on a page before it starts");
    }
  }
  return ok_status();
}

// Embeddings are a function of what the embedder sees: the document title, the heading path
// and the text. Chunks equal in all three keep their vectors across a re-ingest.
std::string carry_key(std::string_view heading_path, std::string_view text) {
  std::string key;
  key.reserve(heading_path.size() + text.size() + 1);
  key.append(heading_path).push_back('\x1f');
  key.append(text);
  return key;
}

}  // namespace

Status LibraryStore::delete_document_rows(int64_t document_id) {
  // Cascades to pages and chunks; the chunk triggers remove index entries, chunks cascade to
  // embeddings, and cited sources keep their copies with the ids set to NULL.
  auto st = db_.prepare("DELETE FROM documents WHERE id = ?1");
  if (!st) return st.error();
  st->bind_int(1, document_id);
  return st->run();
}

Result<int64_t> LibraryStore::replace_document(int64_t collection_id, const FileFacts& facts,
                                               const ingest::ExtractedDocument& document,
                                               std::span<const ingest::Chunk> chunks) {
  PW_TRY(validate(facts, document, chunks));
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  auto context = [&](const Error& e) { return e.with_context("saving " + facts.path); };

  {
    auto exists = db_.prepare("SELECT 1 FROM collections WHERE id = ?1");
    if (!exists) return exists.error();
    exists->bind_int(1, collection_id);
    auto row = exists->step();
    if (!row) return context(row.error());
    if (!*row) return Error(ErrorCode::NotFound, "collection " + std::to_string(collection_id) + " does not exist");
    exists->reset();
  }

  std::optional<int64_t> document_id;
  std::unordered_map<std::string, int64_t> carried;  // carry_key -> old chunk id
  {
    auto st = db_.prepare("SELECT id, title FROM documents WHERE collection_id = ?1 AND path = ?2");
    if (!st) return st.error();
    st->bind_int(1, collection_id).bind_text(2, facts.path);
    auto row = st->step();
    if (!row) return context(row.error());
    std::string old_title;
    if (*row) {
      document_id = st->int64(0);
      old_title = st->text(1);
    }
    st->reset();
    if (document_id) {
      auto has_vectors = db_.prepare(
          "SELECT EXISTS (SELECT 1 FROM embeddings e JOIN chunks c ON c.id = e.chunk_id WHERE c.document_id = ?1)");
      if (!has_vectors) return has_vectors.error();
      has_vectors->bind_int(1, *document_id);
      auto any = has_vectors->step();
      if (!any) return context(any.error());
      bool keep_vectors = has_vectors->int64(0) != 0 && old_title == document.title;
      has_vectors->reset();
      if (keep_vectors) {
        PW_TRY(db_.exec(
            "CREATE TEMP TABLE IF NOT EXISTS carried_embeddings ("
            " old_chunk_id INTEGER NOT NULL, model_id INTEGER NOT NULL, scale REAL NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (old_chunk_id, model_id)) WITHOUT ROWID;"
            "DELETE FROM temp.carried_embeddings;",
            "keeping unchanged embeddings"));
        auto copy = db_.prepare(
            "INSERT INTO temp.carried_embeddings SELECT e.chunk_id, e.model_id, e.scale, e.vector "
            "FROM embeddings e JOIN chunks c ON c.id = e.chunk_id WHERE c.document_id = ?1");
        if (!copy) return copy.error();
        copy->bind_int(1, *document_id);
        PW_TRY(copy->run());
        auto old_chunks = db_.prepare("SELECT id, heading_path, text FROM chunks WHERE document_id = ?1");
        if (!old_chunks) return old_chunks.error();
        old_chunks->bind_int(1, *document_id);
        for (;;) {
          auto r = old_chunks->step();
          if (!r) return context(r.error());
          if (!*r) break;
          carried.emplace(carry_key(old_chunks->text(1), old_chunks->text(2)), old_chunks->int64(0));
        }
      }
      auto drop_chunks = db_.prepare("DELETE FROM chunks WHERE document_id = ?1");
      if (!drop_chunks) return drop_chunks.error();
      drop_chunks->bind_int(1, *document_id);
      if (auto s = drop_chunks->run(); !s.ok()) return context(s.error());
      auto drop_pages = db_.prepare("DELETE FROM pages WHERE document_id = ?1");
      if (!drop_pages) return drop_pages.error();
      drop_pages->bind_int(1, *document_id);
      if (auto s = drop_pages->run(); !s.ok()) return context(s.error());
    }
  }

  {
    const char* upsert_sql =
        document_id
            ? "UPDATE documents SET size = ?3, mtime_ns = ?4, sha256 = ?5, title = ?6, author = ?7, format = ?8, "
              "pages = ?9, status = ?10, error = ?11, needs_ocr_pages = ?12, running_header = ?13, "
              "running_footer = ?14, ingested_at = ?15 WHERE id = ?16 AND collection_id = ?1 AND path = ?2"
            : "INSERT INTO documents(collection_id, path, size, mtime_ns, sha256, title, author, format, pages, "
              "status, error, needs_ocr_pages, running_header, running_footer, ingested_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
    auto st = db_.prepare(upsert_sql);
    if (!st) return st.error();
    st->bind_int(1, collection_id)
        .bind_text(2, facts.path)
        .bind_int(3, facts.size)
        .bind_int(4, facts.mtime_ns)
        .bind_text(5, facts.sha256)
        .bind_text(6, document.title)
        .bind_text(7, document.author)
        .bind_text(8, document.format)
        .bind_int(9, static_cast<int64_t>(document.pages.size()))
        .bind_text(10, ingest::to_string(document.status))
        .bind_text(11, document.error)
        .bind_text(12, detail::join_ints(document.pages_without_text))
        .bind_text(13, document.running_header)
        .bind_text(14, document.running_footer)
        .bind_int(15, detail::unix_now());
    if (document_id) st->bind_int(16, *document_id);
    if (auto s = st->run(); !s.ok()) return context(s.error());
    if (!document_id) document_id = db_.last_insert_rowid();
  }

  {
    auto st = db_.prepare("INSERT INTO pages(document_id, number, label, text) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return st.error();
    for (const auto& page : document.pages) {
      st->bind_int(1, *document_id)
          .bind_int(2, page.number)
          .bind_text(3, page.label.empty() ? std::to_string(page.number) : page.label)
          .bind_text(4, page.text);
      if (auto s = st->run(); !s.ok()) return context(s.error());
    }
  }

  {
    auto st = db_.prepare(
        "INSERT INTO chunks(document_id, ordinal, page_start, page_end, char_start, char_end, token_count, text, "
        "heading_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!st) return st.error();
    std::optional<sqlite::Statement> carry;
    if (!carried.empty()) {
      auto c = db_.prepare(
          "INSERT INTO embeddings(model_id, chunk_id, scale, vector) "
          "SELECT model_id, ?1, scale, vector FROM temp.carried_embeddings WHERE old_chunk_id = ?2");
      if (!c) return c.error();
      carry = std::move(*c);
    }
    int64_t kept = 0;
    for (const auto& chunk : chunks) {
      st->bind_int(1, *document_id)
          .bind_int(2, chunk.ordinal)
          .bind_int(3, chunk.page_start)
          .bind_int(4, chunk.page_end)
          .bind_int(5, chunk.char_start)
          .bind_int(6, chunk.char_end)
          .bind_int(7, chunk.token_count)
          .bind_text(8, chunk.text)
          .bind_text(9, chunk.heading_path);
      if (auto s = st->run(); !s.ok()) return context(s.error());
      if (carry) {
        auto it = carried.find(carry_key(chunk.heading_path, chunk.text));
        if (it != carried.end()) {
          carry->bind_int(1, db_.last_insert_rowid()).bind_int(2, it->second);
          if (auto s = carry->run(); !s.ok()) return context(s.error());
          ++kept;
        }
      }
    }
    if (carry) {
      PW_TRY(db_.exec("DELETE FROM temp.carried_embeddings", "keeping unchanged embeddings"));
      pw::log::debug("re-ingest kept the embeddings of {} of {} chunks", kept, chunks.size());
    }
  }

  if (auto s = tx->commit(); !s.ok()) return context(s.error());
  return *document_id;
}

Status LibraryStore::remove_document(int64_t document_id) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  PW_TRY(delete_document_rows(document_id));
  if (db_.changes() == 0) return Error(ErrorCode::NotFound, "document " + std::to_string(document_id) + " does not exist");
  return tx->commit();
}

Result<std::optional<DocumentRecord>> LibraryStore::document_by_path(int64_t collection_id, std::string_view path) {
  auto st = db_.prepare(std::string("SELECT ") + detail::kDocumentColumns +
                        " FROM documents d WHERE d.collection_id = ?1 AND d.path = ?2");
  if (!st) return st.error();
  st->bind_int(1, collection_id).bind_text(2, path);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<DocumentRecord>();
  auto record = detail::read_document(*st, 0);
  st->reset();
  return std::optional<DocumentRecord>(std::move(record));
}

Result<std::optional<DocumentRecord>> LibraryStore::document(int64_t document_id) {
  auto st = db_.prepare(std::string("SELECT ") + detail::kDocumentColumns + " FROM documents d WHERE d.id = ?1");
  if (!st) return st.error();
  st->bind_int(1, document_id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<DocumentRecord>();
  auto record = detail::read_document(*st, 0);
  st->reset();
  return std::optional<DocumentRecord>(std::move(record));
}

Result<std::vector<DocumentRecord>> LibraryStore::list_documents(std::optional<int64_t> collection_id) {
  std::string sql = std::string("SELECT ") + detail::kDocumentColumns + " FROM documents d";
  if (collection_id) sql += " WHERE d.collection_id = ?1";
  sql += " ORDER BY d.path, d.collection_id";
  auto st = db_.prepare(sql);
  if (!st) return st.error();
  if (collection_id) st->bind_int(1, *collection_id);
  std::vector<DocumentRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(detail::read_document(*st, 0));
  }
  return out;
}

Result<FileState> LibraryStore::needs_update(int64_t collection_id, const std::string& path, int64_t size,
                                             int64_t mtime_ns, const HashFunction& hash) {
  auto st = db_.prepare("SELECT size, mtime_ns, sha256 FROM documents WHERE collection_id = ?1 AND path = ?2");
  if (!st) return st.error();
  st->bind_int(1, collection_id).bind_text(2, path);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return FileState::New;
  const int64_t stored_size = st->int64(0);
  const int64_t stored_mtime = st->int64(1);
  const std::string stored_hash = st->text(2);
  st->reset();
  if (stored_size != size) return FileState::Changed;
  if (stored_mtime == mtime_ns) return FileState::Unchanged;
  // Same size, other time (touched, copied, restored from backup): the content decides.
  auto digest = hash ? hash() : sha256_file(path);
  if (!digest) return digest.error();
  if (stored_hash.empty() || *digest != stored_hash) return FileState::Changed;
  auto touch = db_.prepare("UPDATE documents SET mtime_ns = ?3 WHERE collection_id = ?1 AND path = ?2");
  if (!touch) return touch.error();
  touch->bind_int(1, collection_id).bind_text(2, path).bind_int(3, mtime_ns);
  PW_TRY(touch->run());
  return FileState::Unchanged;
}

Result<std::vector<std::string>> LibraryStore::remove_documents_not_in(int64_t collection_id,
                                                                      const std::vector<std::string>& present_paths) {
  const std::set<std::string_view> present(present_paths.begin(), present_paths.end());
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  auto st = db_.prepare("SELECT id, path FROM documents WHERE collection_id = ?1 ORDER BY path");
  if (!st) return st.error();
  st->bind_int(1, collection_id);
  std::vector<std::pair<int64_t, std::string>> gone;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    std::string path = st->text(1);
    if (!present.count(path)) gone.emplace_back(st->int64(0), std::move(path));
  }
  std::vector<std::string> removed;
  for (auto& [id, path] : gone) {
    PW_TRY(delete_document_rows(id));
    removed.push_back(std::move(path));
  }
  PW_TRY(tx->commit());
  return removed;
}

}  // namespace pw::rag
