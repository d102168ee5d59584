// LibraryStore: opening the file, collections and settings. Documents, search, embeddings and
// chats live in library_documents.cpp, library_search.cpp, library_embeddings.cpp and
// library_chats.cpp.
#include "rag/store/library_store.h"

#include "engine/util/log.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rag/store/schema.h"
#include "rag/store/store_rows.h"

namespace pw::rag {
namespace {

Error errno_error(int err, const std::filesystem::path& subject, const std::string& what) {
  ErrorCode code = ErrorCode::Io;
  if (err == EACCES || err == EPERM || err == EROFS) code = ErrorCode::PermissionDenied;
  if (err == ENOENT || err == ENOTDIR) code = ErrorCode::NotFound;
  if (err == ENOSPC || err == EDQUOT) code = ErrorCode::Io;
  return Error(code, subject.string(), what + ": " + std::strerror(err));
}

// Creates each missing folder of `dir` with mode 0700: the library holds private documents.
Status create_private_folders(const std::filesystem::path& dir) {
  if (dir.empty()) return ok_status();
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return errno_error(errno, partial, "cannot create the library folder");
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return errno_error(errno, dir, "cannot access the library folder");
  if (!S_ISDIR(st.st_mode)) return Error(ErrorCode::InvalidArgument, dir.string(), "is not a folder");
  return ok_status();
}

// The library file and its WAL/SHM companions are readable by the owner only. SQLite gives
// -wal and -shm the database file's mode, so the file is created 0600 before SQLite opens it.
Status create_private_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    int err = errno;
    if (err == EACCES || err == EROFS) {
      return Error(ErrorCode::PermissionDenied, path.string(),
                   "the library file is read-only or in a read-only folder; fix its permissions or open it read-only");
    }
    if (err == ELOOP) return Error(ErrorCode::InvalidArgument, path.string(), "the library file is a symbolic link");
    return errno_error(err, path, "cannot open the library file");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return errno_error(err, path, "cannot access the library file");
  }
  ::close(fd);
  if (!S_ISREG(st.st_mode)) return Error(ErrorCode::InvalidArgument, path.string(), "is not a regular file");
  return ok_status();
}

// Narrows a wider mode (e.g. a library copied in as 0644) on files we own. Only called once
// the file is known to be a Pagewise library: someone else's file is never touched.
void narrow_modes(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::path p = path.string() + suffix;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) continue;
    if (st.st_uid == ::geteuid() && (st.st_mode & 077) != 0) {
      if (::chmod(p.c_str(), 0600) == 0) pw::log::warn("library file {} was readable by others; now 0600", p.string());
    }
  }
}

}  // namespace

ingest::DocumentStatus document_status_from_string(std::string_view text) {
  using ingest::DocumentStatus;
  for (DocumentStatus s : {DocumentStatus::Ok, DocumentStatus::Encrypted, DocumentStatus::NeedsOcr,
                           DocumentStatus::Damaged, DocumentStatus::Unsupported, DocumentStatus::Unreadable,
                           DocumentStatus::TooLarge}) {
    if (text == ingest::to_string(s)) return s;
  }
  return DocumentStatus::Damaged;
}

std::filesystem::path LibraryStore::default_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  std::filesystem::path base;
  if (xdg && xdg[0] == '/') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (!home || home[0] != '/') {
      const passwd* pw = ::getpwuid(::getuid());
      home = pw ? pw->pw_dir : "/tmp";
    }
    base = std::filesystem::path(home) / ".local" / "share";
  }
  return base / "pagewise" / "library.sqlite3";
}

Result<LibraryStore> LibraryStore::open(const std::filesystem::path& path, const LibraryOptions& options) {
  if (path.empty()) return Error(ErrorCode::InvalidArgument, "no library file given");
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (options.read_only) {
    if (::access(path.c_str(), R_OK) != 0) return errno_error(errno, path, "cannot read the library file");
  } else {
    PW_TRY(create_private_folders(path.parent_path()));
    PW_TRY(create_private_file(path));
    if (::access(path.c_str(), W_OK) != 0) {
      return Error(ErrorCode::PermissionDenied, path.string(),
                   "the library file is read-only; fix its permissions or open it read-only");
    }
    // WAL mode keeps its journal beside the file.
    if (::access(folder.c_str(), W_OK) != 0) {
      return Error(ErrorCode::PermissionDenied, path.string(),
                   "the folder holding the library is not writable; the library needs to keep its journal there");
    }
  }

  sqlite::OpenOptions open_options;
  open_options.read_only = options.read_only;
  open_options.create = false;  // created above with the right mode
  open_options.busy_timeout_ms = options.busy_timeout_ms;
  auto db = sqlite::Database::open(path, open_options);
  if (!db) return db.error();

  // SQLite opens lazily: the first read tells a damaged or non-database file apart.
  auto probe = db->scalar_int("SELECT count(*) FROM sqlite_master");
  if (!probe) return probe.error().with_context("opening the library");

  if (!options.read_only) {
    auto mode = db->scalar_text("PRAGMA journal_mode = WAL");
    if (!mode) return mode.error().with_context("switching the library to WAL mode");
    if (*mode != "wal") {
      return Error(ErrorCode::Unsupported, path.string(), "cannot use WAL mode here (journal mode stays " + *mode + ")");
    }
  }
  // synchronous=NORMAL is safe with WAL: a power cut may lose the last commits, never
  // consistency, and a killed process loses nothing committed. 16 MiB page cache per
  // connection (FTS merges and searches touch many pages); WAL file trimmed to 64 MiB.
  // secure_delete: text of removed documents is overwritten, not left in free pages (the
  // library holds confidential documents; must not be turned off).
  PW_TRY(db->exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; "
                  "PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -16384;",
                  "configuring the library"));

  if (options.read_only) {
    auto version = schema::version_of(*db);
    if (!version) return version.error();
    if (*version != schema::current_version()) {
      return Error(ErrorCode::Unsupported, path.string(),
                   "the library has schema version " + std::to_string(*version) + " but this Pagewise needs " +
                       std::to_string(schema::current_version()) + "; open it writable once to upgrade it");
    }
  } else {
    PW_TRY(schema::migrate(*db));
    narrow_modes(path);
  }
  return LibraryStore(std::move(*db));
}

// ---- collections ---------------------------------------------------------------------------

Result<int64_t> LibraryStore::create_collection(std::string_view name) {
  if (name.empty()) return Error(ErrorCode::InvalidArgument, "a collection needs a name");
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  auto existing = collection_by_name(name);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return Error(ErrorCode::InvalidArgument, std::string(name), "a collection with this name already exists");
  }
  auto st = db_.prepare("INSERT INTO collections(name, created_at) VALUES (?1, ?2)");
  if (!st) return st.error();
  st->bind_text(1, name).bind_int(2, detail::unix_now());
  PW_TRY(st->run());
  int64_t id = db_.last_insert_rowid();
  PW_TRY(tx->commit());
  return id;
}

Result<int64_t> LibraryStore::ensure_collection(std::string_view name) {
  auto existing = collection_by_name(name);
  if (!existing) return existing.error();
  if (existing->has_value()) return (*existing)->id;
  auto created = create_collection(name);
  if (created) return created;
  // Another connection may have created it in between.
  existing = collection_by_name(name);
  if (existing && existing->has_value()) return (*existing)->id;
  return created.error();
}

namespace {
constexpr const char* kCollectionSelect =
    "SELECT k.id, k.name, k.created_at, (SELECT count(*) FROM documents d WHERE d.collection_id = k.id) "
    "FROM collections k";

CollectionRecord read_collection(const sqlite::Statement& st) {
  return CollectionRecord{st.int64(0), st.text(1), st.int64(2), st.int64(3)};
}
}  // namespace

Result<std::optional<CollectionRecord>> LibraryStore::collection_by_name(std::string_view name) {
  auto st = db_.prepare(std::string(kCollectionSelect) + " WHERE k.name = ?1");
  if (!st) return st.error();
  st->bind_text(1, name);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<CollectionRecord>();
  auto record = read_collection(*st);
  st->reset();
  return std::optional<CollectionRecord>(std::move(record));
}

Result<std::vector<CollectionRecord>> LibraryStore::list_collections() {
  auto st = db_.prepare(std::string(kCollectionSelect) + " ORDER BY k.name");
  if (!st) return st.error();
  std::vector<CollectionRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_collection(*st));
  }
  return out;
}

Status LibraryStore::rename_collection(int64_t collection_id, std::string_view new_name) {
  if (new_name.empty()) return Error(ErrorCode::InvalidArgument, "a collection needs a name");
  auto st = db_.prepare("UPDATE collections SET name = ?2 WHERE id = ?1");
  if (!st) return st.error();
  st->bind_int(1, collection_id).bind_text(2, new_name);
  Status s = st->run();
  if (!s.ok() && s.error().code() == ErrorCode::InvalidArgument) {
    return Error(ErrorCode::InvalidArgument, std::string(new_name), "a collection with this name already exists");
  }
  PW_TRY(s);
  if (db_.changes() == 0) return Error(ErrorCode::NotFound, "collection " + std::to_string(collection_id) + " does not exist");
  return ok_status();
}

Status LibraryStore::delete_collection(int64_t collection_id) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  // Cascades to documents -> pages, chunks (-> index via triggers, embeddings).
  auto st = db_.prepare("DELETE FROM collections WHERE id = ?1");
  if (!st) return st.error();
  st->bind_int(1, collection_id);
  PW_TRY(st->run());
  if (db_.changes() == 0) return Error(ErrorCode::NotFound, "collection " + std::to_string(collection_id) + " does not exist");
  return tx->commit();
}

// ---- maintenance ---------------------------------------------------------------------------

Status LibraryStore::compact() {
  {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    PW_TRY(db_.exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')", "compacting the search index"));
    PW_TRY(tx->commit());
  }
  auto st = db_.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error().with_context("writing the journal into the library");
  // Columns: busy flag, WAL frames, frames checkpointed. Busy means a reader kept old frames.
  const bool busy = *row && st->int64(0) != 0;
  st->reset();
  if (busy) {
    return Error(ErrorCode::ResourceLimit, db_.path(), "another program is reading the library; compact again later");
  }
  return ok_status();
}

// ---- settings ------------------------------------------------------------------------------

Result<std::optional<std::string>> LibraryStore::setting(std::string_view key) {
  auto st = db_.prepare("SELECT value FROM settings WHERE key = ?1");
  if (!st) return st.error();
  st->bind_text(1, key);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  std::string value = st->text(0);
  st->reset();
  return std::optional<std::string>(std::move(value));
}

Status LibraryStore::set_setting(std::string_view key, std::string_view value) {
  auto st = db_.prepare(
      "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return st.error();
  st->bind_text(1, key).bind_text(2, value);
  return st->run();
}

}  // namespace pw::rag
