// The library: one SQLite file per user holding collections, documents with their pages and
// chunks, a full-text index, embeddings per model, and chats.
//
//   auto store = pw::rag::LibraryStore::open(pw::rag::LibraryStore::default_path());
//   if (!store) return store.error();          // "library.sqlite3: the database file is damaged"
//   int64_t hr = *store->ensure_collection("HR policies");
//   auto state = store->needs_update(hr, path, size, mtime_ns);   // hashes only when needed
//   if (*state != pw::rag::FileState::Unchanged)
//     PW_TRY(store->replace_document(hr, facts, extracted, chunks));   // ONE transaction
//   auto hits = store->search_fts("carry-over of annual leave", 20, SearchFilter::in_collections({hr}));
//   auto chunk = store->chunk(hits->front().chunk_id);
//
// Threading: a LibraryStore is one connection; use it from one thread at a time. Other threads
// (ingestion, background re-embedding) open their own LibraryStore on the same file: WAL mode
// lets readers run while one writer writes, and writers wait up to the busy timeout.
// Crash safety (must not change): every method that writes does so in a single transaction,
// so after a crash or kill a document is either completely present (pages, chunks, index) or
// absent / still the previous version.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "ingest/document.h"
#include "rag/store/library_types.h"
#include "rag/store/sqlite_db.h"

namespace pw::rag {

struct LibraryOptions {
  bool read_only = false;      // never writes; the file must exist at the current version
  int busy_timeout_ms = 5000;  // wait this long for another writer before failing
};

class LibraryStore {
 public:
  LibraryStore(LibraryStore&&) noexcept = default;
  LibraryStore& operator=(LibraryStore&&) noexcept = default;

  // $XDG_DATA_HOME/pagewise/library.sqlite3, else ~/.local/share/pagewise/library.sqlite3.
  static std::filesystem::path default_path();

  // Opens or creates the library: creates missing parent folders (0700), the file as 0600
  // (tightens a wider mode on an existing file it owns), WAL journal, foreign keys,
  // synchronous=NORMAL, then applies pending schema migrations. Clear errors for a read-only
  // file or folder, a damaged or non-database file, a foreign SQLite file, or a library
  // written by a newer Pagewise.
  static Result<LibraryStore> open(const std::filesystem::path& path, const LibraryOptions& options = {});

  const std::string& path() const { return db_.path(); }
  // The underlying connection, for tests and maintenance (PRAGMAs); not for everyday use.
  sqlite::Database& database() { return db_; }

  // ---- collections ----
  Result<int64_t> create_collection(std::string_view name);  // InvalidArgument if it exists
  Result<int64_t> ensure_collection(std::string_view name);  // existing id or a new one
  Result<std::optional<CollectionRecord>> collection_by_name(std::string_view name);
  Result<std::vector<CollectionRecord>> list_collections();   // by name, with document counts
  Status rename_collection(int64_t collection_id, std::string_view new_name);
  Status delete_collection(int64_t collection_id);            // and all its documents

  // ---- documents ----
  // Saves a document in ONE transaction, replacing any previous version at the same path in
  // the collection (its pages, chunks, index entries and embeddings). The document keeps its
  // id when replaced. Embeddings of chunks whose (title, heading path, text) did not change
  // are carried over, so an edited file only re-embeds the chunks that changed. Chunks must
  // have distinct ordinals and page numbers within the document; a failure leaves the
  // previous version intact.
  Result<int64_t> replace_document(int64_t collection_id, const FileFacts& facts,
                                   const ingest::ExtractedDocument& document,
                                   std::span<const ingest::Chunk> chunks);
  Status remove_document(int64_t document_id);
  Result<std::optional<DocumentRecord>> document_by_path(int64_t collection_id, std::string_view path);
  Result<std::optional<DocumentRecord>> document(int64_t document_id);
  // All documents (or one collection's), ordered by path, with chunk counts.
  Result<std::vector<DocumentRecord>> list_documents(std::optional<int64_t> collection_id = std::nullopt);

  // Incremental scans. Size and mtime equal -> Unchanged. Size differs -> Changed. Same size,
  // other mtime -> asks `hash` (sha256_file(path) when empty) and compares with the stored
  // hash: equal -> Unchanged and the stored mtime is refreshed so the next scan is cheap.
  using HashFunction = std::function<Result<std::string>()>;
  Result<FileState> needs_update(int64_t collection_id, const std::string& path, int64_t size, int64_t mtime_ns,
                                 const HashFunction& hash = {});
  // Removes the collection's documents whose path is not in `present_paths` (files deleted
  // since the last scan), in one transaction. Returns the removed paths.
  Result<std::vector<std::string>> remove_documents_not_in(int64_t collection_id,
                                                           const std::vector<std::string>& present_paths);

  // ---- reading chunks and pages ----
  // BM25 full-text search over chunk text and heading paths. Any user text is accepted: it is
  // turned into quoted terms (rag/store/fts_query.h), so it can never be an FTS5 syntax
  // error; text without searchable terms gives no hits. At most k hits, best first.
  Result<std::vector<FtsHit>> search_fts(std::string_view query, int k, const SearchFilter& filter = {});
  Result<ChunkRecord> chunk(int64_t chunk_id);                        // NotFound if absent
  Result<std::vector<ChunkRecord>> chunks(std::span<const int64_t> chunk_ids);  // found ones, in the given order
  Result<std::vector<ChunkRecord>> document_chunks(int64_t document_id);      // by ordinal
  // Chunks of the same document with ordinal within +-radius (the chunk itself excluded),
  // by ordinal.
  Result<std::vector<ChunkRecord>> neighbours(int64_t chunk_id, int radius = 1);
  Result<PageRecord> page_text(int64_t document_id, int page_number);  // NotFound if absent

  // ---- embeddings ----
  // The model's record, created on first use. A model name already stored with another dim
  // or encoding is InvalidArgument (use a new name or remove the old model first).
  Result<EmbeddingModelRecord> ensure_embedding_model(std::string_view name, int dim, VectorEncoding encoding);
  Result<std::optional<EmbeddingModelRecord>> embedding_model(std::string_view name);
  Result<std::vector<EmbeddingModelRecord>> embedding_models();
  Status remove_embedding_model(int64_t model_id);  // and all its vectors
  // Writes vectors in one transaction (replacing existing ones). Chunks deleted meanwhile are
  // skipped silently (a background embedder may race with re-ingestion). Returns how many
  // were written. Wrong dimension or non-finite values: InvalidArgument, nothing written.
  Result<int64_t> put_embeddings(int64_t model_id, std::span<const ChunkEmbedding> embeddings);
  Result<std::vector<float>> embedding(int64_t model_id, int64_t chunk_id);  // NotFound if absent
  Result<EmbeddingMatrix> load_embeddings(int64_t model_id, const SearchFilter& filter = {});
  Result<std::vector<int64_t>> documents_missing_embeddings(int64_t model_id);
  Result<std::vector<ChunkToEmbed>> chunks_missing_embeddings(int64_t model_id, int limit);
  Result<int64_t> count_chunks_missing_embeddings(int64_t model_id);
  // The model searches use. Stays on the old model while a new one is filled in the
  // background (rag/store/embedding_backfill.h), which switches it when complete.
  Result<std::optional<EmbeddingModelRecord>> active_embedding_model();
  Status set_active_embedding_model(int64_t model_id);

  // ---- chats ----
  Result<int64_t> create_chat(std::string_view title, std::optional<int64_t> collection_id = std::nullopt);
  Status rename_chat(int64_t chat_id, std::string_view title);
  Status delete_chat(int64_t chat_id);
  Result<std::vector<ChatRecord>> list_chats();  // most recently updated first
  // Adds a message and its cited sources in one transaction and touches the chat's
  // updated_at. role: "user", "assistant" or "system"; source numbers must be distinct.
  Result<int64_t> add_message(int64_t chat_id, std::string_view role, std::string_view content,
                              std::string_view model = {}, std::span<const MessageSource> sources = {});
  // The same with everything a reopened answer shows: role, content, model, quantization,
  // sources and sentence verdicts of `message` (its id, chat_id and created_at are ignored).
  Result<int64_t> add_message(int64_t chat_id, const MessageRecord& message);
  Result<std::vector<MessageRecord>> messages(int64_t chat_id);  // oldest first, with sources and sentences
  // The collections a chat searches; empty: all of them. A removed collection drops out of
  // every chat's list (so a chat that searched only it searches everything again).
  Status set_chat_collections(int64_t chat_id, std::span<const int64_t> collection_ids);
  Result<std::vector<int64_t>> chat_collections(int64_t chat_id);

  // ---- maintenance ----
  // Rewrites the full-text index into one segment and truncates the WAL. Removed documents'
  // words can otherwise linger in old index segments until SQLite merges them; after this,
  // no text of a removed document is left in the files (secure_delete zeroes freed pages).
  // Takes time proportional to the library: run it after removals, not after every write.
  Status compact();

  // ---- settings (small key/value pairs kept with the library) ----
  Result<std::optional<std::string>> setting(std::string_view key);
  Status set_setting(std::string_view key, std::string_view value);

 private:
  explicit LibraryStore(sqlite::Database db) : db_(std::move(db)) {}
  Status delete_document_rows(int64_t document_id);

  sqlite::Database db_;
};

// "ok" -> Ok ... (inverse of ingest::to_string); unknown text (from a newer version) -> Damaged.
ingest::DocumentStatus document_status_from_string(std::string_view text);

}  // namespace pw::rag
