#include "rag/store/schema.h"

#include "engine/util/log.h"

#include <string>

namespace pw::rag::schema {
namespace {

// ---- v1: the base tables, as first shipped. FROZEN: do not edit. ----------------------------
// Timestamps are Unix seconds. AUTOINCREMENT on ids that other rows or the UI refer to, so an id
// is never reused after a delete (an embedding or a cited source must never land on a newer
// chunk that happens to get the same id).
constexpr const char* kV1 = R"sql(
PRAGMA application_id = 1347898434;

CREATE TABLE collections (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE documents (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  collection_id   INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  path            TEXT NOT NULL,
  size            INTEGER NOT NULL,
  mtime_ns        INTEGER NOT NULL,
  sha256          TEXT NOT NULL,
  title           TEXT NOT NULL DEFAULT '',
  author          TEXT NOT NULL DEFAULT '',
  format          TEXT NOT NULL DEFAULT '',
  pages           INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL,
  error           TEXT NOT NULL DEFAULT '',
  needs_ocr_pages TEXT NOT NULL DEFAULT '',
  running_header  TEXT NOT NULL DEFAULT '',
  running_footer  TEXT NOT NULL DEFAULT '',
  ingested_at     INTEGER NOT NULL,
  UNIQUE (collection_id, path)
);

CREATE TABLE pages (
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  number      INTEGER NOT NULL,
  text        TEXT NOT NULL,
  PRIMARY KEY (document_id, number)
) WITHOUT ROWID;

CREATE TABLE chunks (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  ordinal     INTEGER NOT NULL,
  page_start  INTEGER NOT NULL,
  page_end    INTEGER NOT NULL,
  char_start  INTEGER NOT NULL,
  char_end    INTEGER NOT NULL,
  token_count INTEGER NOT NULL,
  text        TEXT NOT NULL,
  UNIQUE (document_id, ordinal)
);

CREATE VIRTUAL TABLE chunks_fts USING fts5(
  text,
  content = 'chunks', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER chunks_fts_after_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER chunks_fts_after_update AFTER UPDATE ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE embedding_models (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL UNIQUE,
  dim        INTEGER NOT NULL,
  encoding   TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE embeddings (
  model_id INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,
  chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
  scale    REAL NOT NULL,
  vector   BLOB NOT NULL,
  PRIMARY KEY (model_id, chunk_id)
) WITHOUT ROWID;
CREATE INDEX embeddings_by_chunk ON embeddings(chunk_id);

CREATE TABLE chats (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  title         TEXT NOT NULL DEFAULT '',
  collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id    INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  role       TEXT NOT NULL,
  content    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_by_chat ON messages(chat_id, id);
)sql";

// ---- v2: page labels and heading paths (highlighting and citations show "p. iv" and the
// section), heading paths searchable, and the sources each answer cited. FROZEN once released.
// The FTS table gains a column, so it is recreated and rebuilt from chunks.
constexpr const char* kV2 = R"sql(
ALTER TABLE pages ADD COLUMN label TEXT NOT NULL DEFAULT '';
UPDATE pages SET label = CAST(number AS TEXT);
ALTER TABLE chunks ADD COLUMN heading_path TEXT NOT NULL DEFAULT '';

DROP TRIGGER chunks_fts_after_insert;
DROP TRIGGER chunks_fts_after_delete;
DROP TRIGGER chunks_fts_after_update;
DROP TABLE chunks_fts;
CREATE VIRTUAL TABLE chunks_fts USING fts5(
  text, heading_path,
  content = 'chunks', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts(rowid, text, heading_path) VALUES (new.id, new.text, new.heading_path);
END;
CREATE TRIGGER chunks_fts_after_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text, heading_path)
    VALUES ('delete', old.id, old.text, old.heading_path);
END;
CREATE TRIGGER chunks_fts_after_update AFTER UPDATE ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text, heading_path)
    VALUES ('delete', old.id, old.text, old.heading_path);
  INSERT INTO chunks_fts(rowid, text, heading_path) VALUES (new.id, new.text, new.heading_path);
END;

ALTER TABLE messages ADD COLUMN model TEXT NOT NULL DEFAULT '';

-- What an answer cited, as [number]. The chunk and document may be re-ingested or removed
-- later, so the citation keeps its own copy of path, title, pages and excerpt.
CREATE TABLE message_sources (
  message_id     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  number         INTEGER NOT NULL,
  chunk_id       INTEGER REFERENCES chunks(id) ON DELETE SET NULL,
  document_id    INTEGER REFERENCES documents(id) ON DELETE SET NULL,
  document_path  TEXT NOT NULL,
  document_title TEXT NOT NULL,
  page_start     INTEGER NOT NULL,
  page_end       INTEGER NOT NULL,
  excerpt        TEXT NOT NULL,
  PRIMARY KEY (message_id, number)
) WITHOUT ROWID;
CREATE INDEX message_sources_by_chunk ON message_sources(chunk_id);
CREATE INDEX message_sources_by_document ON message_sources(document_id);
)sql";

// ---- v3: library settings, first of all the active embedding model: search keeps using it
// while a newly chosen model is filled in the background, and switches when that is complete.
// FROZEN once released.
constexpr const char* kV3 = R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// ---- v4: a reopened chat looks as it did: the answer's quantization, each cited source's
// heading path, the evidence check's verdict per sentence, and the collections the chat
// searches (none listed: all of them). FROZEN once released.
constexpr const char* kV4 = R"sql(
ALTER TABLE messages ADD COLUMN quantization TEXT NOT NULL DEFAULT '';
ALTER TABLE message_sources ADD COLUMN heading_path TEXT NOT NULL DEFAULT '';

CREATE TABLE message_sentences (
  message_id        INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  position          INTEGER NOT NULL,
  text              TEXT NOT NULL,
  supported         INTEGER NOT NULL,
  unsupported_facts TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (message_id, position)
) WITHOUT ROWID;

CREATE TABLE chat_collections (
  chat_id       INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  PRIMARY KEY (chat_id, collection_id)
) WITHOUT ROWID;
CREATE INDEX chat_collections_by_collection ON chat_collections(collection_id);
)sql";

constexpr Migration kMigrations[] = {
    {1, "base tables", kV1},
    {2, "page labels, heading paths, message sources", kV2},
    {3, "settings (active embedding model)", kV3},
    {4, "sentence verdicts, source heading paths, chat collections", kV4},
};

Status apply(sqlite::Database& db, const Migration& m) {
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return tx.error();
  // Re-check inside the write lock: another process may have migrated meanwhile.
  auto now = db.scalar_int("PRAGMA user_version");
  if (!now) return now.error();
  if (*now >= m.version) return ok_status();
  PW_TRY(db.exec(m.sql, "upgrading the library to version " + std::to_string(m.version)));
  PW_TRY(db.exec("PRAGMA user_version = " + std::to_string(m.version), "recording the library version"));
  PW_TRY(tx->commit());
  pw::log::info("library {}: schema upgraded to version {} ({})", db.path(), m.version, m.description);
  return ok_status();
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int current_version() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> version_of(sqlite::Database& db) {
  auto version = db.scalar_int("PRAGMA user_version");
  if (!version) return version.error().with_context("reading the library version");
  auto app_id = db.scalar_int("PRAGMA application_id");
  if (!app_id) return app_id.error();
  auto objects = db.scalar_int("SELECT count(*) FROM sqlite_master");
  if (!objects) return objects.error();
  const bool empty = *version == 0 && *objects == 0;
  if (!empty && *app_id != kApplicationId) {
    return Error(ErrorCode::Unsupported, db.path(),
                 "this is a SQLite database but not a Pagewise library; choose another file");
  }
  if (*version < 0 || *version > 1000000) {
    return Error(ErrorCode::Corrupt, db.path(), "the library version number is invalid");
  }
  return static_cast<int>(*version);
}

Status migrate(sqlite::Database& db) { return migrate_to(db, current_version()); }

Status migrate_to(sqlite::Database& db, int target_version) {
  auto version = version_of(db);
  if (!version) return version.error();
  if (*version > current_version()) {
    return Error(ErrorCode::Unsupported, db.path(),
                 "the library was written by a newer Pagewise (schema version " + std::to_string(*version) +
                     "; this version understands up to " + std::to_string(current_version()) +
                     "); update Pagewise to open it");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *version || m.version > target_version) continue;
    PW_TRY(apply(db, m));
  }
  return ok_status();
}

}  // namespace pw::rag::schema
