// Files that are not libraries, damaged files, permissions and a full disk must give clear
// errors, never a crash, and must never damage what was stored before.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "rag/store/library_store.h"
#include "store_test_documents.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::rag::LibraryStore;
using pw::rag::testing::make_document;

// Runs `check` as an ordinary user: root ignores file permissions, so under root (containers,
// CI) it runs in a child process switched to "nobody". `check` returns 0 on success or a
// small number naming the failed expectation.
int run_unprivileged(const std::function<int()>& check) {
  if (::geteuid() != 0) return check();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return 100;
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(101);
    ::_exit(check());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 102;
}

void make_library(const std::filesystem::path& path) {
  auto store = LibraryStore::open(path);
  ASSERT_TRUE(store.ok()) << store.error().describe();
  int64_t c = *store->create_collection("HR");
  for (int i = 0; i < 20; ++i) {
    auto d = make_document("/d/" + std::to_string(i) + ".pdf", 3, 10, "Doc " + std::to_string(i));
    ASSERT_TRUE(store->replace_document(c, d.facts, d.extracted, d.chunks).ok());
  }
}  // closing the last connection checkpoints the WAL into the main file

TEST(StoreFailure, TextFileIsReportedAsNotADatabaseAndLeftAlone) {
  pw::test::TempDir dir;
  const auto path = dir / "library.sqlite3";
  const std::string text = "These are my notes, not a database.\n";
  pw::test::write_file(path, text.data(), text.size());
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::Corrupt);
  EXPECT_EQ(store.error().subject(), path.string());
  EXPECT_NE(store.error().message().find("not a SQLite database"), std::string::npos) << store.error().describe();
  EXPECT_EQ(pw::test::read_text(path), text);
}

TEST(StoreFailure, DamagedSchemaPageIsReportedAsCorrupt) {
  pw::test::TempDir dir;
  const auto path = dir / "library.sqlite3";
  make_library(path);
  ASSERT_FALSE(std::filesystem::exists(path.string() + "-wal"));
  {
    // Garbage over the schema table (page 1 after the 100-byte header).
    int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    std::string junk(2000, '\x5a');
    ASSERT_EQ(::pwrite(fd, junk.data(), junk.size(), 100), static_cast<ssize_t>(junk.size()));
    ::close(fd);
  }
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::Corrupt);
  EXPECT_NE(store.error().message().find("damaged"), std::string::npos) << store.error().describe();
}

TEST(StoreFailure, DamagedDataPagesNeverCrashReads) {
  pw::test::TempDir dir;
  const auto path = dir / "library.sqlite3";
  make_library(path);
  const auto size = std::filesystem::file_size(path);
  {
    int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    // Scribble over every page but the first four (schema and early tables stay readable).
    std::string junk(1000, '\xa7');
    for (uint64_t off = 4 * 4096 + 50; off + junk.size() < size; off += 4096) {
      ASSERT_EQ(::pwrite(fd, junk.data(), junk.size(), static_cast<off_t>(off)), static_cast<ssize_t>(junk.size()));
    }
    ::close(fd);
  }
  auto store = LibraryStore::open(path);
  if (!store.ok()) {
    EXPECT_EQ(store.error().code(), ErrorCode::Corrupt) << store.error().describe();
    return;
  }
  // Every read either works or says the file is damaged.
  bool saw_corrupt = false;
  auto check = [&](const pw::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt) << e.describe();
    saw_corrupt = true;
  };
  if (auto r = store->list_documents(); !r.ok()) check(r.error());
  if (auto r = store->search_fts("doc chunk lorem", 10); !r.ok()) check(r.error());
  if (auto r = store->document_chunks(5); !r.ok()) check(r.error());
  if (auto r = store->database().scalar_text("PRAGMA integrity_check"); r.ok()) saw_corrupt |= *r != "ok";
  else check(r.error());
  EXPECT_TRUE(saw_corrupt);
}

TEST(StoreFailure, ReadOnlyFileGivesAClearError) {
  pw::test::TempDir dir;
  const auto path = dir / "library.sqlite3";
  make_library(path);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  int rc = run_unprivileged([&] {
    auto store = LibraryStore::open(path);
    if (store.ok()) return 1;
    if (store.error().code() != ErrorCode::PermissionDenied) return 2;
    if (store.error().message().find("read-only") == std::string::npos) return 3;
    if (store.error().subject() != path.string()) return 4;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  // The file is untouched and opens read-only for searching.
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  pw::rag::LibraryOptions read_only;
  read_only.read_only = true;
  auto store = LibraryStore::open(path, read_only);
  ASSERT_TRUE(store.ok()) << store.error().describe();
  EXPECT_EQ(store->list_documents()->size(), 20u);
  EXPECT_FALSE(store->search_fts("lorem", 5)->empty());
  auto write = store->create_collection("x");
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code(), ErrorCode::PermissionDenied);
}

TEST(StoreFailure, ReadOnlyFolderGivesAClearError) {
  pw::test::TempDir dir;
  const auto folder = dir / "locked";
  std::filesystem::create_directory(folder);
  const auto path = folder / "library.sqlite3";
  make_library(path);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(path.c_str(), 0666), 0);  // the file itself would be writable
  ASSERT_EQ(::chmod(folder.c_str(), 0555), 0);
  int rc = run_unprivileged([&] {
    auto store = LibraryStore::open(path);
    if (store.ok()) return 1;
    if (store.error().code() != ErrorCode::PermissionDenied) return 2;
    if (store.error().message().find("folder") == std::string::npos) return 3;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  ::chmod(folder.c_str(), 0755);
}

TEST(StoreFailure, MissingFileForReadOnlyAndBadPaths) {
  pw::test::TempDir dir;
  pw::rag::LibraryOptions read_only;
  read_only.read_only = true;
  auto missing = LibraryStore::open(dir / "none.sqlite3", read_only);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
  EXPECT_FALSE(std::filesystem::exists(dir / "none.sqlite3"));

  auto folder = LibraryStore::open(dir.path());
  ASSERT_FALSE(folder.ok());

  const std::string text = "x";
  pw::test::write_file(dir / "file", text.data(), text.size());
  auto under_file = LibraryStore::open(dir / "file" / "sub" / "library.sqlite3");
  ASSERT_FALSE(under_file.ok());
  EXPECT_NE(under_file.error().describe().find("file"), std::string::npos);
  EXPECT_FALSE(LibraryStore::open("").ok());
}

TEST(StoreFailure, DiskFullFailsCleanlyAndKeepsTheOldDocument) {
  pw::test::TempDir dir;
  auto store = LibraryStore::open(dir / "library.sqlite3");
  ASSERT_TRUE(store.ok());
  int64_t c = *store->create_collection("HR");
  auto small = make_document("/d/policy.pdf", 2, 4, "Policy", "original wording");
  int64_t id = *store->replace_document(c, small.facts, small.extracted, small.chunks);

  // A "disk" only a few pages larger than the library is now.
  int64_t pages = *store->database().scalar_int("PRAGMA page_count");
  ASSERT_TRUE(store->database().exec("PRAGMA max_page_count = " + std::to_string(pages + 3)).ok());
  std::string big_body(3000, 'w');
  for (size_t i = 0; i < big_body.size(); i += 7) big_body[i] = ' ';
  auto big = make_document("/d/policy.pdf", 50, 400, "Policy v2", big_body + " replacement");
  auto r = store->replace_document(c, big.facts, big.extracted, big.chunks);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::Io);
  EXPECT_NE(r.error().message().find("disk full"), std::string::npos) << r.error().describe();
  EXPECT_NE(r.error().message().find("/d/policy.pdf"), std::string::npos);
  EXPECT_FALSE(store->database().in_transaction());

  auto doc = store->document(id);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->title, "Policy");
  EXPECT_EQ((*doc)->chunk_count, 4);
  EXPECT_EQ(store->search_fts("original wording", 10)->size(), 4u);
  EXPECT_TRUE(store->search_fts("replacement", 10)->empty());
  EXPECT_EQ(*store->database().scalar_text("PRAGMA integrity_check"), "ok");
  EXPECT_TRUE(store->database().exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')").ok());

  // With room again, the same write succeeds on the same connection.
  ASSERT_TRUE(store->database().exec("PRAGMA max_page_count = 1073741823").ok());
  ASSERT_TRUE(store->replace_document(c, big.facts, big.extracted, big.chunks).ok());
  EXPECT_EQ((*store->document(id))->chunk_count, 400);
}

}  // namespace
