#include "rag/store/sqlite_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::rag::sqlite::Database;
using pw::rag::sqlite::Transaction;

Database open_db(const std::filesystem::path& path) {
  auto db = Database::open(path, {});
  EXPECT_TRUE(db.ok()) << db.error().describe();
  return std::move(*db);
}

TEST(StoreSqliteDb, ErrorCodesMapToPlainErrorsNamingTheFile) {
  auto full = pw::rag::sqlite::error_from_code(SQLITE_FULL, "/x/library.sqlite3", "saving a.pdf", "database or disk is full");
  EXPECT_EQ(full.code(), ErrorCode::Io);
  EXPECT_EQ(full.subject(), "/x/library.sqlite3");
  EXPECT_NE(full.message().find("disk full"), std::string::npos);
  EXPECT_NE(full.message().find("saving a.pdf"), std::string::npos);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_CORRUPT, "f", "", "").code(), ErrorCode::Corrupt);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_NOTADB, "f", "", "").code(), ErrorCode::Corrupt);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_READONLY_DBMOVED, "f", "", "").code(), ErrorCode::PermissionDenied);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_IOERR_WRITE, "f", "", "").code(), ErrorCode::Io);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_BUSY, "f", "", "").code(), ErrorCode::ResourceLimit);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_CONSTRAINT_UNIQUE, "f", "", "").code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_INTERRUPT, "f", "", "").code(), ErrorCode::Cancelled);
  EXPECT_EQ(pw::rag::sqlite::error_from_code(SQLITE_ERROR, "f", "", "no such table: x").code(), ErrorCode::Internal);
  EXPECT_NE(pw::rag::sqlite::error_from_code(SQLITE_ERROR, "f", "", "no such table: x").message().find("no such table"),
            std::string::npos);
}

TEST(StoreSqliteDb, StatementsBindStepAndReadColumns) {
  pw::test::TempDir dir;
  Database db = open_db(dir / "t.db");
  ASSERT_TRUE(db.exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n)").ok());
  auto ins = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
  ASSERT_TRUE(ins.ok());
  const uint8_t bytes[] = {0, 1, 255};
  std::string with_nul("a\0b", 3);
  ins->bind_int(1, -5000000000LL).bind_double(2, 2.5).bind_text(3, with_nul).bind_blob(4, bytes, 3).bind_null(5);
  ASSERT_TRUE(ins->run().ok());
  ins->bind_int(1, 7).bind_double(2, 0).bind_text(3, "").bind_blob(4, nullptr, 0).bind_null(5);
  ASSERT_TRUE(ins->run().ok());  // statements are reusable after run()
  auto sel = db.prepare("SELECT i, r, s, b, n, typeof(b) FROM t ORDER BY rowid");
  ASSERT_TRUE(sel.ok());
  auto row = sel->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(sel->int64(0), -5000000000LL);
  EXPECT_DOUBLE_EQ(sel->real(1), 2.5);
  EXPECT_EQ(sel->text(2), with_nul);
  ASSERT_EQ(sel->blob(3).size(), 3u);
  EXPECT_EQ(sel->blob(3)[2], 255);
  EXPECT_TRUE(sel->is_null(4));
  row = sel->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(sel->text(5), "blob");  // an empty blob stays a blob, not NULL
  row = sel->step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);
}

TEST(StoreSqliteDb, BindErrorIsReportedByStep) {
  pw::test::TempDir dir;
  Database db = open_db(dir / "t.db");
  auto st = db.prepare("SELECT ?1");
  ASSERT_TRUE(st.ok());
  st->bind_int(5, 1);  // no such parameter
  auto row = st->step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().subject(), (dir / "t.db").string());
  // After the error the statement is usable again.
  st->bind_int(1, 3);
  row = st->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(st->int64(0), 3);
}

TEST(StoreSqliteDb, SqlErrorsNameTheDatabaseAndTheProblem) {
  pw::test::TempDir dir;
  Database db = open_db(dir / "t.db");
  auto st = db.prepare("SELECT * FROM missing_table");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::Internal);
  EXPECT_NE(st.error().describe().find("missing_table"), std::string::npos);
  EXPECT_NE(st.error().describe().find("t.db"), std::string::npos);
  ASSERT_TRUE(db.exec("CREATE TABLE u(x UNIQUE)").ok());
  ASSERT_TRUE(db.exec("INSERT INTO u VALUES (1)").ok());
  auto dup = db.exec("INSERT INTO u VALUES (1)", "adding x");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::InvalidArgument);
  EXPECT_NE(dup.error().message().find("adding x"), std::string::npos);
}

TEST(StoreSqliteDb, TransactionRollsBackUnlessCommitted) {
  pw::test::TempDir dir;
  Database db = open_db(dir / "t.db");
  ASSERT_TRUE(db.exec("CREATE TABLE t(x)").ok());
  {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)").ok());
    EXPECT_TRUE(db.in_transaction());
  }  // no commit: rolled back
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM t"), 0);
  {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx->commit().ok());
    EXPECT_FALSE(tx->commit().ok());  // a second commit is a caller bug, reported not crashed
  }
  EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM t"), 1);
  auto none = db.scalar_int("SELECT x FROM t WHERE x = 99");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::NotFound);
}

TEST(StoreSqliteDb, SecondWriterWaitsThenReportsBusy) {
  pw::test::TempDir dir;
  Database a = open_db(dir / "t.db");
  ASSERT_TRUE(a.exec("PRAGMA journal_mode = WAL; CREATE TABLE t(x)").ok());
  auto b = Database::open(dir / "t.db", {.read_only = false, .create = false, .busy_timeout_ms = 50});
  ASSERT_TRUE(b.ok());
  auto tx = Transaction::begin(a);
  ASSERT_TRUE(tx.ok());
  auto blocked = Transaction::begin(*b);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code(), ErrorCode::ResourceLimit);
  // A reader is not blocked by the writer (WAL).
  auto count = b->scalar_int("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok()) << count.error().describe();
}

TEST(StoreSqliteDb, NonDatabaseFileIsCorruptOnFirstUse) {
  pw::test::TempDir dir;
  std::string text(4096, 'x');
  pw::test::write_file(dir / "notes.sqlite3", text.data(), text.size());
  auto db = Database::open(dir / "notes.sqlite3", {});
  ASSERT_TRUE(db.ok());  // SQLite opens lazily
  auto n = db->scalar_int("SELECT count(*) FROM sqlite_master");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code(), ErrorCode::Corrupt);
  EXPECT_NE(n.error().describe().find("not a SQLite database"), std::string::npos);
}

}  // namespace
