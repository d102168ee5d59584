// The library's schema as a list of forward migrations, applied in order, one transaction
// each, with PRAGMA user_version recording the last one applied.
//
//   PW_TRY(pw::rag::schema::migrate(db));          // on open: brings any older file up to date
//   int v = pw::rag::schema::current_version();    // what this build writes
//   PW_TRY(pw::rag::schema::migrate_to(db, 1));    // tests: build a file exactly as v1 shipped
//
// Must not change: a migration's SQL once released. Files in the field were created by it,
// so later changes go into a NEW migration at the end of the list (ALTER TABLE, new tables,
// FTS rebuilds). The upgrade test builds a v1 file from the frozen v1 SQL and opens it with
// the current code. A file with a newer version than this build knows is refused (never
// "downgraded"), and a SQLite file that is not a Pagewise library is refused too.
#pragma once

#include <cstdint>
#include <span>

#include "engine/util/status.h"
#include "rag/store/sqlite_db.h"

namespace pw::rag::schema {

// PRAGMA application_id of every Pagewise library ("PWLB").
inline constexpr int64_t kApplicationId = 0x50574C42;

struct Migration {
  int version;              // user_version after this step (1, 2, 3 ...)
  const char* description;  // for logs
  const char* sql;          // frozen once released
};

std::span<const Migration> migrations();
int current_version();

// Version of an open database (0 = empty/new file). Errors when it is not a Pagewise library.
Result<int> version_of(sqlite::Database& db);

// Applies every pending migration. Newer-than-known files give Unsupported naming both
// versions; a foreign SQLite file gives Unsupported "not a Pagewise library".
Status migrate(sqlite::Database& db);

// Applies migrations up to `target_version` only (tests build old files with it).
Status migrate_to(sqlite::Database& db, int target_version);

}  // namespace pw::rag::schema
