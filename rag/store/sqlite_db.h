// A thin RAII layer over the SQLite C API that turns every failure into a pw::Error naming the
// database file and the problem. Only rag/store uses it; nothing else sees sqlite3 handles.
//
//   auto db = pw::rag::sqlite::Database::open(path, {});
//   if (!db) return db.error();                       // "library.sqlite3: not a database ..."
//   auto tx = pw::rag::sqlite::Transaction::begin(*db);   // BEGIN IMMEDIATE
//   if (!tx) return tx.error();
//   auto st = db->prepare("INSERT INTO t(a, b) VALUES (?1, ?2)");
//   if (!st) return st.error();
//   st->bind_int(1, 42).bind_text(2, "x");
//   PW_TRY(st->run());
//   PW_TRY(tx->commit());                             // otherwise rolled back on scope exit
//
// Why: SQLite reports errors as integer codes plus a message on the connection; callers above
// the store must get plain, actionable errors (disk full, damaged file, read-only) instead.
// Must not change: no exception or abort leaves this layer; a failed bind is reported by the
// next step(), so call chains stay simple.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/util/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pw::rag::sqlite {

// Maps a SQLite result code to a pw::Error: SQLITE_FULL -> Io "disk full", SQLITE_CORRUPT /
// SQLITE_NOTADB -> Corrupt, SQLITE_READONLY / SQLITE_PERM -> PermissionDenied, SQLITE_BUSY ->
// ResourceLimit, SQLITE_CONSTRAINT -> InvalidArgument, SQLITE_INTERRUPT -> Cancelled, anything
// else -> Internal. `what` says what was being done ("saving the document"); `detail` is
// SQLite's own message and is appended in parentheses when it adds something.
Error error_from_code(int rc, const std::string& database_path, std::string_view what, std::string_view detail);

struct OpenOptions {
  bool read_only = false;
  bool create = true;           // create the file when missing (ignored when read_only)
  int busy_timeout_ms = 5000;   // how long to wait for another connection's write lock
};

class Statement;

class Database {
 public:
  Database() = default;
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  // Opens (and maybe creates) the file. SQLite opens lazily, so a non-database file is only
  // detected by the first statement; LibraryStore::open runs one straight away.
  static Result<Database> open(const std::filesystem::path& path, const OpenOptions& options);

  bool is_open() const { return conn_ != nullptr; }
  const std::string& path() const;

  // Runs one or more statements without results (DDL, PRAGMA with no row, BEGIN ...).
  Status exec(std::string_view sql, std::string_view what = "running a statement");
  Result<Statement> prepare(std::string_view sql);
  // First column of the first row as an integer / text (PRAGMA user_version, COUNT(*) ...).
  // A query returning no row gives NotFound.
  Result<int64_t> scalar_int(std::string_view sql);
  Result<std::string> scalar_text(std::string_view sql);

  int64_t last_insert_rowid() const;
  int64_t changes() const;
  bool in_transaction() const;
  // Makes a running statement on this connection stop with Cancelled (safe from other threads).
  void interrupt();

  // The error for `rc` on this connection, with SQLite's message.
  Error error(int rc, std::string_view what) const;
  sqlite3* handle() const { return conn_ ? conn_->handle : nullptr; }

  // Heap-held so Statements keep a stable pointer when the Database object is moved.
  struct Connection {
    sqlite3* handle = nullptr;
    std::string path;
    ~Connection();
  };

 private:
  std::unique_ptr<Connection> conn_;
};

// A prepared statement. Indexes are 1-based for bind (as in SQL "?1"), 0-based for columns.
class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind_int(int index, int64_t value);
  Statement& bind_double(int index, double value);
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_blob(int index, const void* data, size_t size);
  Statement& bind_null(int index);

  // Advances: true when a row is ready, false when done (the statement is then reset and can
  // be re-bound and run again). A bind failure is reported here.
  Result<bool> step();
  // Steps to the end, ignoring rows (INSERT/UPDATE/DELETE), then resets for reuse.
  Status run();
  // Forgets the current position and all bindings.
  void reset();

  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::span<const uint8_t> blob(int column) const;  // valid until the next step/reset
  bool is_null(int column) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, const Database::Connection* conn) : stmt_(stmt), conn_(conn) {}
  void note_bind(int rc);
  Error error(int rc, std::string_view what) const;

  sqlite3_stmt* stmt_ = nullptr;
  const Database::Connection* conn_ = nullptr;
  int bind_error_ = 0;  // first failed bind since the last reset (0 = none)
};

// BEGIN ... COMMIT with ROLLBACK when it goes out of scope uncommitted (early return on error).
// Immediate takes the write lock at BEGIN, so the busy timeout applies there instead of a
// deadlock-prone lock upgrade halfway through a write.
class Transaction {
 public:
  enum class Kind { Deferred, Immediate };

  static Result<Transaction> begin(Database& db, Kind kind = Kind::Immediate);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status commit();
  void rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;  // null once committed or rolled back
};

}  // namespace pw::rag::sqlite
