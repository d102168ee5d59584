#include "rag/store/sqlite_db.h"

#include <sqlite3.h>

#include <climits>

namespace pw::rag::sqlite {
namespace {

struct CodeText {
  ErrorCode code;
  const char* text;
};

CodeText classify(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL: return {ErrorCode::Io, "disk full"};
    case SQLITE_IOERR: return {ErrorCode::Io, "disk input/output error"};
    case SQLITE_CORRUPT: return {ErrorCode::Corrupt, "the database file is damaged"};
    case SQLITE_NOTADB: return {ErrorCode::Corrupt, "the file is not a SQLite database"};
    case SQLITE_READONLY: return {ErrorCode::PermissionDenied, "the database is read-only"};
    case SQLITE_PERM: return {ErrorCode::PermissionDenied, "permission denied"};
    case SQLITE_AUTH: return {ErrorCode::PermissionDenied, "not authorised"};
    case SQLITE_CANTOPEN: return {ErrorCode::Io, "cannot open the database file"};
    case SQLITE_BUSY: return {ErrorCode::ResourceLimit, "the database is busy (another program holds its lock)"};
    case SQLITE_LOCKED: return {ErrorCode::ResourceLimit, "the database table is locked"};
    case SQLITE_NOMEM: return {ErrorCode::ResourceLimit, "out of memory"};
    case SQLITE_TOOBIG: return {ErrorCode::ResourceLimit, "a value is too big for the database"};
    case SQLITE_NOLFS: return {ErrorCode::Unsupported, "large files are not supported here"};
    case SQLITE_CONSTRAINT: return {ErrorCode::InvalidArgument, "a database constraint was violated"};
    case SQLITE_MISMATCH: return {ErrorCode::InvalidArgument, "a value has the wrong type"};
    case SQLITE_INTERRUPT: return {ErrorCode::Cancelled, "interrupted"};
    case SQLITE_PROTOCOL: return {ErrorCode::Io, "file locking failed"};
    default: return {ErrorCode::Internal, "database error"};
  }
}

}  // namespace

Error error_from_code(int rc, const std::string& database_path, std::string_view what, std::string_view detail) {
  CodeText ct = classify(rc);
  std::string message;
  if (!what.empty()) message.append(what).append(": ");
  message += ct.text;
  // SQLite's message is added for anything it explains better than our summary (SQL errors,
  // constraint names, I/O detail); identical or generic texts are left out.
  std::string d(detail);
  if (!d.empty() && d != ct.text && d != sqlite3_errstr(rc) && d != "not an error") {
    message += " (" + d + ")";
  }
  return Error(ct.code, database_path, message);
}

// --- Database ---------------------------------------------------------------------------

Database::Connection::~Connection() {
  // close_v2 defers the close until every statement is finalised, so destruction order of
  // Statements and Databases never matters.
  if (handle) sqlite3_close_v2(handle);
}

const std::string& Database::path() const {
  static const std::string kEmpty;
  return conn_ ? conn_->path : kEmpty;
}

Result<Database> Database::open(const std::filesystem::path& path, const OpenOptions& options) {
  auto conn = std::make_unique<Connection>();
  conn->path = path.string();
  int flags = SQLITE_OPEN_NOMUTEX;  // one connection per thread; each thread opens its own
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  int rc = sqlite3_open_v2(conn->path.c_str(), &conn->handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = conn->handle ? sqlite3_errmsg(conn->handle) : "";
    return error_from_code(rc, conn->path, "opening the library", detail);
  }
  sqlite3_extended_result_codes(conn->handle, 1);
  sqlite3_busy_timeout(conn->handle, options.busy_timeout_ms);
  Database db;
  db.conn_ = std::move(conn);
  return db;
}

Error Database::error(int rc, std::string_view what) const {
  const char* detail = handle() ? sqlite3_errmsg(handle()) : "";
  return error_from_code(rc, path(), what, detail);
}

Status Database::exec(std::string_view sql, std::string_view what) {
  if (!conn_) return Error(ErrorCode::Internal, "the database is not open");
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(handle(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return ok_status();
  std::string detail = message ? message : "";
  sqlite3_free(message);
  return error_from_code(rc, path(), what, detail);
}

Result<Statement> Database::prepare(std::string_view sql) {
  if (!conn_) return Error(ErrorCode::Internal, "the database is not open");
  if (sql.size() > INT_MAX) return Error(ErrorCode::Internal, path(), "statement too long");
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(handle(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return error(rc, "preparing a statement");
  }
  return Statement(stmt, conn_.get());
}

Result<int64_t> Database::scalar_int(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error(ErrorCode::NotFound, path(), "the query returned no row");
  int64_t v = st->int64(0);
  st->reset();
  return v;
}

Result<std::string> Database::scalar_text(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error(ErrorCode::NotFound, path(), "the query returned no row");
  std::string v = st->text(0);
  st->reset();
  return v;
}

int64_t Database::last_insert_rowid() const { return handle() ? sqlite3_last_insert_rowid(handle()) : 0; }
int64_t Database::changes() const { return handle() ? sqlite3_changes64(handle()) : 0; }
bool Database::in_transaction() const { return handle() && !sqlite3_get_autocommit(handle()); }
void Database::interrupt() {
  if (handle()) sqlite3_interrupt(handle());
}

// --- Statement --------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : stmt_(other.stmt_), conn_(other.conn_), bind_error_(other.bind_error_) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    conn_ = other.conn_;
    bind_error_ = other.bind_error_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void Statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Error Statement::error(int rc, std::string_view what) const {
  const std::string path = conn_ ? conn_->path : std::string();
  const char* detail = (conn_ && conn_->handle) ? sqlite3_errmsg(conn_->handle) : "";
  return error_from_code(rc, path, what, detail);
}

Statement& Statement::bind_int(int index, int64_t value) {
  if (stmt_) note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind_double(int index, double value) {
  if (stmt_) note_bind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  if (stmt_) {
    // SQLITE_TRANSIENT copies: the caller's string may die before step(). A default
    // string_view has a null data pointer, which SQLite would store as NULL: bind "" instead.
    const char* data = value.data() ? value.data() : "";
    note_bind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, size_t size) {
  if (stmt_) {
    // A zero-length blob must still be a blob, not NULL: zeroblob(0) when there is no data.
    if (size == 0) note_bind(sqlite3_bind_zeroblob(stmt_, index, 0));
    else note_bind(sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT));
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (stmt_) note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::step() {
  if (!stmt_) return Error(ErrorCode::Internal, "stepping a statement that was never prepared");
  if (bind_error_ != 0) {
    int rc = bind_error_;
    reset();
    return error(rc, "binding a value");
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  Error e = error(rc, "");
  sqlite3_reset(stmt_);
  return e;
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) break;
  }
  reset();
  return ok_status();
}

void Statement::reset() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  if (!p || n <= 0) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::span<const uint8_t> Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  if (!p || n <= 0) return {};
  return {static_cast<const uint8_t*>(p), static_cast<size_t>(n)};
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

// --- Transaction ------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Database& db, Kind kind) {
  PW_TRY(db.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN", "starting a transaction"));
  return Transaction(&db);
}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
  if (!db_) return Error(ErrorCode::Internal, "committing a transaction that already ended");
  Database* db = db_;
  Status s = db->exec("COMMIT", "saving changes");
  if (!s.ok()) {
    // A failed COMMIT (e.g. disk full while writing the WAL) leaves the transaction open;
    // roll it back so the connection is usable and the old state stays.
    rollback();
    return s;
  }
  db_ = nullptr;
  return ok_status();
}

void Transaction::rollback() {
  if (!db_) return;
  // SQLite may already have rolled back on its own (SQLITE_FULL, SQLITE_IOERR, ...).
  if (db_->in_transaction()) (void)db_->exec("ROLLBACK", "rolling back");
  db_ = nullptr;
}

}  // namespace pw::rag::sqlite
