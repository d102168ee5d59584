#include "rag/store/library_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "engine/util/sha256.h"
#include "store_test_documents.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::rag::FileState;
using pw::rag::LibraryStore;
using pw::rag::testing::make_document;

LibraryStore open_store(const std::filesystem::path& path) {
  auto store = LibraryStore::open(path);
  EXPECT_TRUE(store.ok()) << store.error().describe();
  return std::move(*store);
}

int64_t count(LibraryStore& store, const std::string& sql) {
  auto n = store.database().scalar_int(sql);
  EXPECT_TRUE(n.ok()) << n.error().describe();
  return n.ok() ? *n : -1;
}

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(StoreLibrary, OpenCreatesPrivateFoldersAndFileInWalMode) {
  pw::test::TempDir dir;
  const auto path = dir / "a" / "b" / "library.sqlite3";
  auto store = open_store(path);
  EXPECT_EQ(mode_of(dir / "a"), 0700u);
  EXPECT_EQ(mode_of(dir / "a" / "b"), 0700u);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(*store.database().scalar_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(count(store, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(count(store, "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(count(store, "PRAGMA secure_delete"), 1);
  ASSERT_TRUE(store.create_collection("x").ok());    // a write creates the -wal file
  EXPECT_EQ(mode_of(path.string() + "-wal"), 0600u);
  EXPECT_EQ(mode_of(path.string() + "-shm"), 0600u);
}

TEST(StoreLibrary, OpenNarrowsAWiderFileMode) {
  pw::test::TempDir dir;
  const auto path = dir / "library.sqlite3";
  { auto store = open_store(path); }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto store = open_store(path);
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(StoreLibrary, DefaultPathFollowsXdgDataHome) {
  const char* old = std::getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_DATA_HOME", "/tmp/xdg-data", 1);
  EXPECT_EQ(LibraryStore::default_path(), std::filesystem::path("/tmp/xdg-data/pagewise/library.sqlite3"));
  ::setenv("XDG_DATA_HOME", "relative/ignored", 1);
  EXPECT_EQ(LibraryStore::default_path().filename(), "library.sqlite3");
  EXPECT_NE(LibraryStore::default_path().string().find(".local/share/pagewise"), std::string::npos);
  if (old) ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else ::unsetenv("XDG_DATA_HOME");
}

TEST(StoreLibrary, CollectionsCreateListRenameDelete) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  auto hr = store.create_collection("HR");
  ASSERT_TRUE(hr.ok());
  auto dup = store.create_collection("HR");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(*store.ensure_collection("HR"), *hr);
  auto legal = store.ensure_collection("Legal");
  ASSERT_TRUE(legal.ok());
  EXPECT_NE(*legal, *hr);
  EXPECT_FALSE(store.create_collection("").ok());

  auto d = make_document("/docs/a.pdf", 2, 3, "Alpha");
  ASSERT_TRUE(store.replace_document(*hr, d.facts, d.extracted, d.chunks).ok());
  auto list = store.list_collections();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "HR");
  EXPECT_EQ((*list)[0].document_count, 1);
  EXPECT_EQ((*list)[1].document_count, 0);

  ASSERT_TRUE(store.rename_collection(*legal, "Contracts").ok());
  EXPECT_FALSE(store.rename_collection(*legal, "HR").ok());
  EXPECT_EQ(store.rename_collection(999, "Nope").error().code(), ErrorCode::NotFound);
  EXPECT_TRUE(store.collection_by_name("Contracts")->has_value());
  EXPECT_FALSE(store.collection_by_name("Legal")->has_value());

  ASSERT_TRUE(store.delete_collection(*hr).ok());
  EXPECT_EQ(count(store, "SELECT count(*) FROM documents"), 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM chunks"), 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM pages"), 0);
  EXPECT_EQ(store.search_fts("Alpha", 10)->size(), 0u);
  EXPECT_EQ(store.delete_collection(*hr).error().code(), ErrorCode::NotFound);
}

TEST(StoreLibrary, ReplaceDocumentStoresEverythingAndReadsItBack) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  auto d = make_document("/docs/leave.pdf", 3, 5, "Leave policy", "annual leave carry over");
  d.extracted.pages_without_text = {2, 3};
  d.extracted.status = pw::ingest::DocumentStatus::NeedsOcr;
  d.extracted.error = "2 pages have no text";
  d.extracted.running_header = "ACME Corp";
  d.extracted.running_footer = "Confidential";
  auto id = store.replace_document(c, d.facts, d.extracted, d.chunks);
  ASSERT_TRUE(id.ok()) << id.error().describe();

  auto doc = store.document(*id);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  const auto& r = **doc;
  EXPECT_EQ(r.collection_id, c);
  EXPECT_EQ(r.path, "/docs/leave.pdf");
  EXPECT_EQ(r.size, d.facts.size);
  EXPECT_EQ(r.mtime_ns, d.facts.mtime_ns);
  EXPECT_EQ(r.sha256, d.facts.sha256);
  EXPECT_EQ(r.title, "Leave policy");
  EXPECT_EQ(r.author, "Test Author");
  EXPECT_EQ(r.format, "pdf");
  EXPECT_EQ(r.pages, 3);
  EXPECT_EQ(r.status, pw::ingest::DocumentStatus::NeedsOcr);
  EXPECT_EQ(r.error, "2 pages have no text");
  EXPECT_EQ(r.needs_ocr_pages, (std::vector<int>{2, 3}));
  EXPECT_EQ(r.running_header, "ACME Corp");
  EXPECT_EQ(r.running_footer, "Confidential");
  EXPECT_GT(r.ingested_at, 1600000000);
  EXPECT_EQ(r.chunk_count, 5);

  auto page = store.page_text(*id, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->label, "i");
  EXPECT_EQ(page->text, d.extracted.pages[0].text);
  EXPECT_EQ(store.page_text(*id, 9).error().code(), ErrorCode::NotFound);

  auto chunks = store.document_chunks(*id);
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const auto& got = (*chunks)[i];
    const auto& want = d.chunks[i];
    EXPECT_EQ(got.document_id, *id);
    EXPECT_EQ(got.ordinal, want.ordinal);
    EXPECT_EQ(got.page_start, want.page_start);
    EXPECT_EQ(got.page_end, want.page_end);
    EXPECT_EQ(got.char_start, want.char_start);
    EXPECT_EQ(got.char_end, want.char_end);
    EXPECT_EQ(got.heading_path, want.heading_path);
    EXPECT_EQ(got.text, want.text);
    EXPECT_EQ(got.token_count, want.token_count);
  }
  auto one = store.chunk((*chunks)[2].id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->text, d.chunks[2].text);
  EXPECT_EQ(store.chunk(123456).error().code(), ErrorCode::NotFound);

  // Batch fetch keeps the requested order and skips unknown ids.
  std::vector<int64_t> ids = {(*chunks)[4].id, 999999, (*chunks)[0].id};
  auto batch = store.chunks(ids);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0].ordinal, 4);
  EXPECT_EQ((*batch)[1].ordinal, 0);
}

TEST(StoreLibrary, NeighboursAreTheAdjacentChunksOfTheSameDocument) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  auto a = make_document("/docs/a.pdf", 2, 5, "Alpha");
  auto b = make_document("/docs/b.pdf", 2, 5, "Beta");
  int64_t ida = *store.replace_document(c, a.facts, a.extracted, a.chunks);
  ASSERT_TRUE(store.replace_document(c, b.facts, b.extracted, b.chunks).ok());
  auto chunks = *store.document_chunks(ida);
  auto middle = store.neighbours(chunks[2].id);
  ASSERT_TRUE(middle.ok());
  ASSERT_EQ(middle->size(), 2u);
  EXPECT_EQ((*middle)[0].ordinal, 1);
  EXPECT_EQ((*middle)[1].ordinal, 3);
  auto first = store.neighbours(chunks[0].id);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].ordinal, 1);
  auto last = store.neighbours(chunks[4].id, 2);
  ASSERT_EQ(last->size(), 2u);
  EXPECT_EQ((*last)[0].ordinal, 2);
  EXPECT_EQ((*last)[0].document_id, ida);
  EXPECT_TRUE(store.neighbours(987654)->empty());
  EXPECT_FALSE(store.neighbours(chunks[0].id, -1).ok());
}

TEST(StoreLibrary, ReplacingADocumentLeavesNoTraceOfTheOldVersion) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  auto v1 = make_document("/docs/a.pdf", 4, 8, "Alpha", "zebra giraffe");
  int64_t id = *store.replace_document(c, v1.facts, v1.extracted, v1.chunks);
  ASSERT_EQ(store.search_fts("zebra", 50)->size(), 8u);

  auto v2 = make_document("/docs/a.pdf", 2, 3, "Alpha", "penguin walrus", 2000);
  auto id2 = store.replace_document(c, v2.facts, v2.extracted, v2.chunks);
  ASSERT_TRUE(id2.ok());
  EXPECT_EQ(*id2, id);  // same document, same id
  EXPECT_EQ(store.search_fts("zebra", 50)->size(), 0u);
  EXPECT_EQ(store.search_fts("penguin", 50)->size(), 3u);
  EXPECT_EQ(count(store, "SELECT count(*) FROM chunks"), 3);
  EXPECT_EQ(count(store, "SELECT count(*) FROM pages"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM documents"), 1);
  EXPECT_EQ((*store.document(id))->size, 2000);
  EXPECT_EQ(store.page_text(id, 4).error().code(), ErrorCode::NotFound);
  EXPECT_TRUE(store.database().exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')").ok());

  // The same path in another collection is another document.
  int64_t other = *store.create_collection("Other");
  auto id3 = store.replace_document(other, v1.facts, v1.extracted, v1.chunks);
  ASSERT_TRUE(id3.ok());
  EXPECT_NE(*id3, id);
  EXPECT_EQ(store.list_documents()->size(), 2u);
  EXPECT_EQ(store.list_documents(c)->size(), 1u);
}

TEST(StoreLibrary, FailedDocumentsAreRecordedWithoutChunks) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  auto d = make_document("/docs/locked.pdf", 0, 0, "locked.pdf");
  d.extracted.status = pw::ingest::DocumentStatus::Encrypted;
  d.extracted.error = "the PDF needs a password";
  auto id = store.replace_document(c, d.facts, d.extracted, d.chunks);
  ASSERT_TRUE(id.ok());
  auto doc = *store.document(*id);
  EXPECT_EQ(doc->status, pw::ingest::DocumentStatus::Encrypted);
  EXPECT_EQ(doc->error, "the PDF needs a password");
  EXPECT_EQ(doc->chunk_count, 0);
}

TEST(StoreLibrary, InvalidDocumentsAreRejectedAndTheOldVersionStays) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  auto good = make_document("/docs/a.pdf", 2, 3, "Alpha");
  int64_t id = *store.replace_document(c, good.facts, good.extracted, good.chunks);

  auto dup_ordinal = make_document("/docs/a.pdf", 2, 3, "Alpha2");
  dup_ordinal.chunks[2].ordinal = 1;
  auto r = store.replace_document(c, dup_ordinal.facts, dup_ordinal.extracted, dup_ordinal.chunks);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(r.error().subject(), "/docs/a.pdf");

  auto dup_page = make_document("/docs/a.pdf", 2, 3, "Alpha3");
  dup_page.extracted.pages[1].number = 1;
  EXPECT_FALSE(store.replace_document(c, dup_page.facts, dup_page.extracted, dup_page.chunks).ok());
  auto backwards = make_document("/docs/a.pdf", 2, 3, "Alpha4");
  backwards.chunks[0].page_end = 0;
  backwards.chunks[0].page_start = 2;
  EXPECT_FALSE(store.replace_document(c, backwards.facts, backwards.extracted, backwards.chunks).ok());
  auto no_collection = store.replace_document(4242, good.facts, good.extracted, good.chunks);
  ASSERT_FALSE(no_collection.ok());
  EXPECT_EQ(no_collection.error().code(), ErrorCode::NotFound);

  auto doc = *store.document(id);
  EXPECT_EQ(doc->title, "Alpha");
  EXPECT_EQ(doc->chunk_count, 3);
}

TEST(StoreLibrary, RemoveDocumentTakesPagesChunksAndIndexAlong) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  auto a = make_document("/docs/a.pdf", 2, 4, "Alpha", "unicorn");
  auto b = make_document("/docs/b.pdf", 2, 4, "Beta", "unicorn");
  int64_t ida = *store.replace_document(c, a.facts, a.extracted, a.chunks);
  int64_t idb = *store.replace_document(c, b.facts, b.extracted, b.chunks);
  ASSERT_TRUE(store.remove_document(ida).ok());
  EXPECT_EQ(store.remove_document(ida).error().code(), ErrorCode::NotFound);
  auto hits = *store.search_fts("unicorn", 50);
  ASSERT_EQ(hits.size(), 4u);
  for (const auto& h : hits) EXPECT_EQ(h.document_id, idb);
  EXPECT_EQ(count(store, "SELECT count(*) FROM pages"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM chunks_fts"), 4);
  EXPECT_TRUE(store.database().exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')").ok());
}

TEST(StoreLibrary, NeedsUpdateChecksSizeThenTimeThenHash) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  const auto file = dir / "policy.txt";
  const std::string content = "The policy text.";
  pw::test::write_file(file, content.data(), content.size());
  auto d = make_document(file.string(), 1, 1, "Policy", "x", static_cast<int64_t>(content.size()), 1000);
  d.facts.sha256 = *pw::sha256_file(file);

  int hash_calls = 0;
  auto counting_hash = [&]() -> pw::Result<std::string> {
    ++hash_calls;
    return pw::sha256_file(file);
  };
  EXPECT_EQ(*store.needs_update(c, d.facts.path, d.facts.size, 1000, counting_hash), FileState::New);
  ASSERT_TRUE(store.replace_document(c, d.facts, d.extracted, d.chunks).ok());
  EXPECT_EQ(*store.needs_update(c, d.facts.path, d.facts.size, 1000, counting_hash), FileState::Unchanged);
  EXPECT_EQ(*store.needs_update(c, d.facts.path, d.facts.size + 1, 1000, counting_hash), FileState::Changed);
  EXPECT_EQ(hash_calls, 0);  // size and time decided without reading the file

  // Touched but identical: hashed once, found unchanged, and the new time is remembered.
  EXPECT_EQ(*store.needs_update(c, d.facts.path, d.facts.size, 2000, counting_hash), FileState::Unchanged);
  EXPECT_EQ(hash_calls, 1);
  EXPECT_EQ((*store.document_by_path(c, d.facts.path))->mtime_ns, 2000);
  EXPECT_EQ(*store.needs_update(c, d.facts.path, d.facts.size, 2000, counting_hash), FileState::Unchanged);
  EXPECT_EQ(hash_calls, 1);

  // Same size, new content: the default hash (sha256_file of the path) sees the change.
  const std::string edited = "The policy TEXT.";
  pw::test::write_file(file, edited.data(), edited.size());
  EXPECT_EQ(*store.needs_update(c, d.facts.path, d.facts.size, 3000), FileState::Changed);

  // A file that cannot be read to hash gives its error.
  std::filesystem::remove(file);
  auto gone = store.needs_update(c, d.facts.path, d.facts.size, 4000);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), ErrorCode::NotFound);
}

TEST(StoreLibrary, RemoveDocumentsNotInDropsDeletedFilesOnly) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  int64_t c = *store.create_collection("HR");
  int64_t other = *store.create_collection("Other");
  for (const char* p : {"/d/a.pdf", "/d/b.pdf", "/d/c.pdf"}) {
    auto d = make_document(p, 1, 2, p);
    ASSERT_TRUE(store.replace_document(c, d.facts, d.extracted, d.chunks).ok());
  }
  auto elsewhere = make_document("/d/a.pdf", 1, 2, "x");
  ASSERT_TRUE(store.replace_document(other, elsewhere.facts, elsewhere.extracted, elsewhere.chunks).ok());
  auto removed = store.remove_documents_not_in(c, {"/d/b.pdf", "/d/new.pdf"});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, (std::vector<std::string>{"/d/a.pdf", "/d/c.pdf"}));
  auto left = *store.list_documents(c);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].path, "/d/b.pdf");
  EXPECT_EQ(store.list_documents(other)->size(), 1u);
  EXPECT_EQ(count(store, "SELECT count(*) FROM chunks"), 4);
}

TEST(StoreLibrary, SettingsAreKeptPerKey) {
  pw::test::TempDir dir;
  auto store = open_store(dir / "lib.sqlite3");
  EXPECT_FALSE(store.setting("a")->has_value());
  ASSERT_TRUE(store.set_setting("a", "1").ok());
  ASSERT_TRUE(store.set_setting("a", "2").ok());
  EXPECT_EQ(**store.setting("a"), "2");
}

}  // namespace

namespace {

bool file_contains(const std::filesystem::path& p, const std::string& needle) {
  if (!std::filesystem::exists(p)) return false;
  auto bytes = pw::test::read_file(p);
  return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

// Privacy: after removing a document and compacting, none of its text is left in the files.
TEST(StoreLibrary, CompactLeavesNoTextOfRemovedDocuments) {
  pw::test::TempDir dir;
  const auto path = dir / "lib.sqlite3";
  auto store = open_store(path);
  int64_t c = *store.create_collection("HR");
  auto keep = make_document("/d/keep.pdf", 2, 6, "Keep", "ordinary words here");
  auto secret = make_document("/d/secret.pdf", 2, 6, "Secret", "patient qzxvjwmarker diagnosis");
  ASSERT_TRUE(store.replace_document(c, keep.facts, keep.extracted, keep.chunks).ok());
  int64_t id = *store.replace_document(c, secret.facts, secret.extracted, secret.chunks);
  ASSERT_TRUE(store.database().exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  // "qzxvjw" also covers the stemmed form the index stores ("qzxvjwmark").
  ASSERT_TRUE(file_contains(path, "qzxvjw"));  // the check below can see text at all

  ASSERT_TRUE(store.remove_document(id).ok());
  ASSERT_TRUE(store.compact().ok());
  EXPECT_FALSE(file_contains(path, "qzxvjw"));
  EXPECT_FALSE(file_contains(path.string() + "-wal", "qzxvjw"));
  EXPECT_EQ(store.search_fts("ordinary", 10)->size(), 6u);
  EXPECT_TRUE(store.search_fts("qzxvjwmarker", 10)->empty());
  EXPECT_TRUE(store.database().exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')").ok());
}

}  // namespace
