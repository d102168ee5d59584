#include "rag/store/schema.h"

#include <gtest/gtest.h>

#include "engine/util/sha256.h"
#include "rag/store/library_store.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::rag::LibraryStore;
using pw::rag::sqlite::Database;
namespace schema = pw::rag::schema;

Database raw_open(const std::filesystem::path& path) {
  auto db = Database::open(path, {});
  EXPECT_TRUE(db.ok()) << db.error().describe();
  return std::move(*db);
}

void exec_ok(Database& db, const std::string& sql) {
  auto s = db.exec(sql);
  ASSERT_TRUE(s.ok()) << s.error().describe() << "\n" << sql;
}

TEST(StoreSchema, MigrationsAreNumberedOneByOne) {
  auto list = schema::migrations();
  ASSERT_GE(list.size(), 3u);
  for (size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].version, static_cast<int>(i + 1));
  EXPECT_EQ(schema::current_version(), list.back().version);
}

// Released migrations are frozen: files in the field were made by exactly this SQL. If this
// fails, you edited a released migration; revert it and add a new migration instead.
TEST(StoreSchema, ReleasedMigrationsAreFrozen) {
  auto list = schema::migrations();
  EXPECT_EQ(pw::Sha256::hex_of(list[0].sql), "f1c55a461414681ba187684358352dde221121da63be1e349948169d011d9093");
  EXPECT_EQ(pw::Sha256::hex_of(list[1].sql), "a0a1601ecfc26f4c07d6a8e397ee1bc5e42754e53fb452e677970df170091f5e");
  EXPECT_EQ(pw::Sha256::hex_of(list[2].sql), "bf5d0b09223517878b2d471a2d60c86bdb2bf545ebc08a7570d4c2d58020883c");
}

TEST(StoreSchema, NewLibraryHasCurrentVersionAndApplicationId) {
  pw::test::TempDir dir;
  {
    auto store = LibraryStore::open(dir / "lib.sqlite3");
    ASSERT_TRUE(store.ok()) << store.error().describe();
  }
  Database db = raw_open(dir / "lib.sqlite3");
  EXPECT_EQ(*db.scalar_int("PRAGMA user_version"), schema::current_version());
  EXPECT_EQ(*db.scalar_int("PRAGMA application_id"), schema::kApplicationId);
  EXPECT_EQ(*db.scalar_text("PRAGMA journal_mode"), "wal");
  for (const char* table : {"collections", "documents", "pages", "chunks", "chunks_fts", "embedding_models",
                            "embeddings", "chats", "messages", "message_sources", "settings", "message_sentences",
                            "chat_collections"}) {
    EXPECT_EQ(*db.scalar_int(std::string("SELECT count(*) FROM sqlite_master WHERE name = '") + table + "'"), 1)
        << table;
  }
}

// Builds a v1 file with the frozen v1 SQL and v1-era rows, then opens it with today's code.
TEST(StoreSchema, UpgradesAVersionOneFileKeepingItsData) {
  pw::test::TempDir dir;
  const auto path = dir / "old.sqlite3";
  {
    Database db = raw_open(path);
    exec_ok(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON");
    ASSERT_TRUE(schema::migrate_to(db, 1).ok());
    EXPECT_EQ(*db.scalar_int("PRAGMA user_version"), 1);
    // The v1 FTS table indexed only the text column.
    EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM pragma_table_info('chunks_fts')"), 1);
    exec_ok(db, R"sql(
      INSERT INTO collections(id, name, created_at) VALUES (1, 'HR', 100);
      INSERT INTO documents(id, collection_id, path, size, mtime_ns, sha256, title, pages, status, ingested_at)
        VALUES (7, 1, '/docs/leave.pdf', 1234, 555, 'abc', 'Leave policy', 2, 'ok', 200);
      INSERT INTO pages(document_id, number, text) VALUES (7, 1, 'Annual leave is 25 days.'), (7, 2, 'Carry-over rules.');
      INSERT INTO chunks(document_id, ordinal, page_start, page_end, char_start, char_end, token_count, text)
        VALUES (7, 0, 1, 1, 0, 24, 6, 'Annual leave is 25 days.'),
               (7, 1, 2, 2, 0, 17, 4, 'Carry-over rules for employees.');
      INSERT INTO embedding_models(id, name, dim, encoding, created_at) VALUES (1, 'old-model', 2, 'f32', 300);
      INSERT INTO embeddings(model_id, chunk_id, scale, vector)
        SELECT 1, id, 1.0, zeroblob(8) FROM chunks;
      INSERT INTO chats(id, title, created_at, updated_at) VALUES (3, 'Leave questions', 400, 400);
      INSERT INTO messages(chat_id, role, content, created_at) VALUES (3, 'user', 'How much leave?', 401);
    )sql");
  }

  auto store = LibraryStore::open(path);
  ASSERT_TRUE(store.ok()) << store.error().describe();
  EXPECT_EQ(*store->database().scalar_int("PRAGMA user_version"), schema::current_version());
  EXPECT_EQ(*store->database().scalar_text("PRAGMA integrity_check"), "ok");

  auto doc = store->document_by_path(1, "/docs/leave.pdf");
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->id, 7);
  EXPECT_EQ((*doc)->title, "Leave policy");
  EXPECT_EQ((*doc)->chunk_count, 2);
  EXPECT_EQ((*doc)->status, pw::ingest::DocumentStatus::Ok);

  auto page = store->page_text(7, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->text, "Carry-over rules.");
  EXPECT_EQ(page->label, "2");  // v2 backfilled labels with the page number

  // The FTS index was rebuilt with the new column and still finds v1 chunks.
  auto hits = store->search_fts("employee carry over", 5);
  ASSERT_TRUE(hits.ok()) << hits.error().describe();
  ASSERT_EQ(hits->size(), 1u);
  auto chunk = store->chunk(hits->front().chunk_id);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->ordinal, 1);
  EXPECT_EQ(chunk->heading_path, "");
  EXPECT_TRUE(store->database().exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')").ok());

  auto model = store->embedding_model("old-model");
  ASSERT_TRUE(model.ok() && model->has_value());
  auto vec = store->embedding((*model)->id, chunk->id);
  ASSERT_TRUE(vec.ok());
  EXPECT_EQ(vec->size(), 2u);

  auto msgs = store->messages(3);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].content, "How much leave?");
  EXPECT_EQ((*msgs)[0].model, "");

  // New features work on the upgraded file.
  pw::rag::MessageSource source{1, chunk->id, 7, "/docs/leave.pdf", "Leave policy", 2, 2, "Carry-over rules", ""};
  ASSERT_TRUE(store->add_message(3, "assistant", "See [1].", "tiny", std::span(&source, 1)).ok());
  ASSERT_TRUE(store->set_setting("k", "v").ok());
}

TEST(StoreSchema, UpgradesAVersionTwoFile) {
  pw::test::TempDir dir;
  const auto path = dir / "v2.sqlite3";
  {
    Database db = raw_open(path);
    ASSERT_TRUE(schema::migrate_to(db, 2).ok());
    EXPECT_EQ(*db.scalar_int("PRAGMA user_version"), 2);
    EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM sqlite_master WHERE name = 'settings'"), 0);
  }
  auto store = LibraryStore::open(path);
  ASSERT_TRUE(store.ok()) << store.error().describe();
  EXPECT_EQ(*store->database().scalar_int("PRAGMA user_version"), schema::current_version());
  ASSERT_TRUE(store->set_setting("active_embedding_model", "m").ok());
}

// A v3 file (chats written before sentence verdicts were kept) opens; its answers read back
// with no sentences and no quantization, and new answers keep theirs.
TEST(StoreSchema, UpgradesAVersionThreeFileKeepingItsChats) {
  pw::test::TempDir dir;
  const auto path = dir / "v3.sqlite3";
  {
    Database db = raw_open(path);
    exec_ok(db, "PRAGMA foreign_keys = ON");
    ASSERT_TRUE(schema::migrate_to(db, 3).ok());
    exec_ok(db, R"sql(
      INSERT INTO chats(id, title, created_at, updated_at) VALUES (3, 'Leave', 400, 400);
      INSERT INTO messages(id, chat_id, role, content, model, created_at) VALUES (9, 3, 'assistant', 'See [1].', 'tiny', 401);
      INSERT INTO message_sources(message_id, number, document_path, document_title, page_start, page_end, excerpt)
        VALUES (9, 1, '/docs/leave.pdf', 'Leave policy', 2, 2, 'Carry-over rules');
    )sql");
  }
  auto store = LibraryStore::open(path);
  ASSERT_TRUE(store.ok()) << store.error().describe();
  EXPECT_EQ(*store->database().scalar_int("PRAGMA user_version"), schema::current_version());
  auto msgs = store->messages(3);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].quantization, "");
  EXPECT_TRUE((*msgs)[0].sentences.empty());
  ASSERT_EQ((*msgs)[0].sources.size(), 1u);
  EXPECT_EQ((*msgs)[0].sources[0].heading_path, "");
  EXPECT_TRUE(store->chat_collections(3)->empty());
  pw::rag::MessageRecord m;
  m.role = "assistant";
  m.content = "x";
  m.sentences = {{"x", false, {"7 days"}}};
  ASSERT_TRUE(store->add_message(3, m).ok());
  EXPECT_FALSE(store->messages(3)->back().sentences.at(0).supported);
}

TEST(StoreSchema, NewerLibraryIsRefusedWithBothVersions) {
  pw::test::TempDir dir;
  const auto path = dir / "future.sqlite3";
  {
    auto store = LibraryStore::open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->database().exec("PRAGMA user_version = " + std::to_string(schema::current_version() + 5)).ok());
  }
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::Unsupported);
  EXPECT_NE(store.error().message().find("newer Pagewise"), std::string::npos);
  EXPECT_NE(store.error().message().find(std::to_string(schema::current_version() + 5)), std::string::npos);
  EXPECT_EQ(store.error().subject(), path.string());
}

TEST(StoreSchema, ForeignSqliteFileIsRefused) {
  pw::test::TempDir dir;
  const auto path = dir / "other-app.db";
  {
    Database db = raw_open(path);
    exec_ok(db, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES ('x')");
  }
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::Unsupported);
  EXPECT_NE(store.error().message().find("not a Pagewise library"), std::string::npos);
  // And it was left alone.
  Database db = raw_open(path);
  EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM contacts"), 1);
  EXPECT_EQ(*db.scalar_int("PRAGMA user_version"), 0);
}

}  // namespace
