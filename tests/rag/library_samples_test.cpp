// The library API on the sample documents (resources/samples) copied to a temporary folder:
// ingestion into the store, incremental rescans (unchanged, touched, changed, deleted, new),
// sources, removal, rescan of a subfolder, missing folders, cancel and callbacks.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ingest/chunker.h"
#include "ingest/extract.h"
#include "rag/library/library.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using pw::ingest::DocumentStatus;
using pw::rag::DocumentOutcome;
using pw::rag::IngestAction;
using pw::rag::IngestOptions;
using pw::rag::IngestReport;
using pw::rag::Library;

const char* const kSamples[] = {"northwind-employee-handbook.pdf", "northwind-it-quick-reference.md",
                                "paediatric-analgesia-guideline.pdf"};

class LibrarySamples : public ::testing::Test {
 protected:
  void SetUp() override {
    docs_ = tmp_ / "docs";
    fs::create_directories(docs_);
    for (const char* name : kSamples) fs::copy_file(pw::test::source_dir() / "resources" / "samples" / name, docs_ / name);
    auto library = Library::open(tmp_ / "lib" / "library.sqlite3");
    ASSERT_TRUE(library) << library.error().describe();
    library_.emplace(std::move(*library));
    options_.threads = 2;
  }

  IngestReport add(const std::vector<fs::path>& paths, const std::string& collection = "Samples") {
    auto r = library_->add_paths(collection, paths, options_);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? *r : IngestReport{};
  }

  static std::map<std::string, IngestAction> actions(const IngestReport& r) {
    std::map<std::string, IngestAction> out;
    for (const auto& d : r.documents) out[fs::path(d.path).filename().string()] = d.action;
    return out;
  }

  int64_t collection_id(const std::string& name = "Samples") {
    auto c = library_->store().collection_by_name(name);
    EXPECT_TRUE(c && *c);
    return c && *c ? (*c)->id : -1;
  }

  // Paths of the documents whose chunks contain `word` (full-text search).
  std::set<std::string> documents_with(const std::string& word) {
    std::set<std::string> out;
    auto hits = library_->store().search_fts(word, 50);
    EXPECT_TRUE(hits) << hits.error().describe();
    if (!hits) return out;
    for (const auto& h : *hits) {
      auto d = library_->store().document(h.document_id);
      if (d && *d) out.insert(fs::path((*d)->path).filename().string());
    }
    return out;
  }

  static void set_mtime_later(const fs::path& p, int seconds) {
    fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(seconds));
  }

  static int64_t mtime_ns(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  }

  pw::test::TempDir tmp_;
  fs::path docs_;
  std::optional<Library> library_;
  IngestOptions options_;
};

TEST_F(LibrarySamples, IngestsEverySampleWithTheChunksTheChunkerMakes) {
  std::vector<DocumentOutcome> seen;
  options_.on_document = [&](const DocumentOutcome& d) { seen.push_back(d); };
  const IngestReport r = add({docs_});
  EXPECT_TRUE(r.all_known());
  ASSERT_EQ(r.documents.size(), 3u);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(r.count(IngestAction::Added), 3);
  int64_t chunks = 0;
  for (const auto& d : r.documents) {
    EXPECT_EQ(d.status, DocumentStatus::Ok) << d.path << ": " << d.error;
    EXPECT_EQ(d.collection, "Samples");
    EXPECT_GT(d.chunks, 0) << d.path;
    chunks += d.chunks;

    // What the store holds is exactly what extract + chunk_document give for the file.
    auto extracted = pw::ingest::extract(d.path, {});
    ASSERT_TRUE(extracted);
    const auto expected = pw::ingest::chunk_document(*extracted, {});
    auto record = library_->store().document_by_path(collection_id(), d.path);
    ASSERT_TRUE(record && *record);
    EXPECT_EQ((*record)->status, DocumentStatus::Ok);
    EXPECT_EQ((*record)->pages, static_cast<int>(extracted->pages.size()));
    EXPECT_EQ((*record)->sha256.size(), 64u);
    auto stored = library_->store().document_chunks((*record)->id);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), expected.size()) << d.path;
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ((*stored)[i].ordinal, expected[i].ordinal);
      EXPECT_EQ((*stored)[i].page_start, expected[i].page_start);
      EXPECT_EQ((*stored)[i].page_end, expected[i].page_end);
      EXPECT_EQ((*stored)[i].text, expected[i].text);
      EXPECT_EQ((*stored)[i].token_count, expected[i].token_count);
    }
  }
  EXPECT_EQ(r.chunks_written, chunks);
  EXPECT_EQ(documents_with("paracetamol"), std::set<std::string>{"paediatric-analgesia-guideline.pdf"});
  EXPECT_EQ(documents_with("VPN"), std::set<std::string>{"northwind-it-quick-reference.md"});

  auto sources = library_->sources("Samples");
  ASSERT_TRUE(sources);
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].path, docs_.string());
  EXPECT_TRUE((*sources)[0].is_folder);
}

TEST_F(LibrarySamples, SecondRunSkipsEverythingAndRewritesNothing) {
  add({docs_});
  auto before = library_->store().list_documents();
  ASSERT_TRUE(before);
  int progress_calls = 0;
  options_.on_progress = [&](const pw::rag::IngestProgress&) { ++progress_calls; };
  const IngestReport again = add({docs_});
  EXPECT_TRUE(again.all_known());
  EXPECT_EQ(again.count(IngestAction::Unchanged), 3);
  EXPECT_EQ(again.pages_extracted, 0);
  EXPECT_EQ(again.chunks_written, 0);
  EXPECT_EQ(progress_calls, 0) << "nothing to extract, nothing to report";
  for (const auto& d : again.documents) {
    EXPECT_EQ(d.status, DocumentStatus::Ok);
    EXPECT_GT(d.chunks, 0) << "unchanged documents report their stored chunk count";
  }
  auto after = library_->store().list_documents();
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) EXPECT_EQ((*after)[i].ingested_at, (*before)[i].ingested_at);
}

TEST_F(LibrarySamples, TouchedFileWithTheSameContentIsSkippedByItsHash) {
  add({docs_});
  const fs::path md = docs_ / "northwind-it-quick-reference.md";
  set_mtime_later(md, 100);
  const IngestReport r = add({docs_});
  EXPECT_EQ(actions(r)["northwind-it-quick-reference.md"], IngestAction::Unchanged);
  auto record = library_->store().document_by_path(collection_id(), md.string());
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->mtime_ns, mtime_ns(md))
      << "the stored time is refreshed so the next scan is cheap again";
}

TEST_F(LibrarySamples, ChangedFileIsReplacedInPlace) {
  add({docs_});
  const fs::path md = docs_ / "northwind-it-quick-reference.md";
  auto old = library_->store().document_by_path(collection_id(), md.string());
  ASSERT_TRUE(old && *old);
  std::string text = pw::test::read_text(md);
  const size_t at = text.find("Remote access uses the company VPN");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 34, "Remote access uses the zanzibarite tunnel");
  pw::test::write_file(md, text.data(), text.size());
  set_mtime_later(md, 10);

  const IngestReport r = add({docs_});
  EXPECT_EQ(actions(r)["northwind-it-quick-reference.md"], IngestAction::Replaced);
  EXPECT_EQ(actions(r)["northwind-employee-handbook.pdf"], IngestAction::Unchanged);
  EXPECT_EQ(r.count(IngestAction::Replaced), 1);
  auto now = library_->store().document_by_path(collection_id(), md.string());
  ASSERT_TRUE(now && *now);
  EXPECT_EQ((*now)->id, (*old)->id) << "a replaced document keeps its id";
  EXPECT_NE((*now)->sha256, (*old)->sha256);
  EXPECT_EQ(documents_with("zanzibarite"), std::set<std::string>{"northwind-it-quick-reference.md"});
  EXPECT_TRUE(documents_with("VPN").empty()) << "the old text is gone from the index";
}

TEST_F(LibrarySamples, DeletedFileIsRemovedAndNewFileAdded) {
  add({docs_});
  fs::remove(docs_ / "paediatric-analgesia-guideline.pdf");
  fs::copy_file(docs_ / "northwind-it-quick-reference.md", docs_ / "copy of it reference.md");
  const IngestReport r = add({docs_});
  auto a = actions(r);
  EXPECT_EQ(a["paediatric-analgesia-guideline.pdf"], IngestAction::Removed);
  EXPECT_EQ(a["copy of it reference.md"], IngestAction::Added);
  EXPECT_EQ(r.count(IngestAction::Unchanged), 2);
  EXPECT_TRUE(r.all_known());
  EXPECT_TRUE(documents_with("paracetamol").empty());
  auto docs = library_->store().list_documents();
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->size(), 3u);
}

TEST_F(LibrarySamples, OtherDocumentTypesAreUnsupportedAndHiddenFilesIgnored) {
  const std::string zip = std::string("PK\x03\x04", 4) + std::string(200, 'x');
  pw::test::write_file(docs_ / "contract.docx", zip.data(), zip.size());
  pw::test::write_file(docs_ / ".draft.md", "# hidden", 8);
  pw::test::write_file(docs_ / "photo.jpg", "\xff\xd8\xff\xe0", 4);
  const IngestReport r = add({docs_});
  EXPECT_TRUE(r.all_known()) << "unsupported is a known state";
  ASSERT_EQ(r.documents.size(), 4u);
  auto record = library_->store().document_by_path(collection_id(), (docs_ / "contract.docx").string());
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->status, DocumentStatus::Unsupported);
  EXPECT_FALSE((*record)->error.empty());
  EXPECT_EQ((*record)->chunk_count, 0);
}

TEST_F(LibrarySamples, RemovePathForgetsTheSourceAndItsDocuments) {
  add({docs_});
  const fs::path single = tmp_ / "single.md";
  fs::copy_file(docs_ / "northwind-it-quick-reference.md", single);
  add({single}, "Other");
  auto removed = library_->remove_path("Samples", docs_);
  ASSERT_TRUE(removed) << removed.error().describe();
  EXPECT_EQ(removed->size(), 3u);
  auto sources = library_->sources();
  ASSERT_TRUE(sources);
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].path, single.string());
  EXPECT_FALSE((*sources)[0].is_folder);
  auto docs = library_->store().list_documents();
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].path, single.string());
  EXPECT_FALSE(library_->remove_path("Nope", docs_));
}

TEST_F(LibrarySamples, RescanOfASubfolderTouchesOnlyThatSubfolder) {
  fs::create_directories(docs_ / "sub");
  fs::rename(docs_ / "northwind-it-quick-reference.md", docs_ / "sub" / "it.md");
  add({docs_});
  fs::remove(docs_ / "sub" / "it.md");
  fs::remove(docs_ / "northwind-employee-handbook.pdf");
  auto r = library_->rescan_folder("Samples", docs_ / "sub", options_);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->documents.size(), 1u);
  EXPECT_EQ(r->documents[0].action, IngestAction::Removed);
  EXPECT_EQ(fs::path(r->documents[0].path).filename(), "it.md");
  auto docs = library_->store().list_documents();
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->size(), 2u) << "the handbook outside sub/ stays until its folder is rescanned";
  auto all = library_->rescan_all(options_);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->count(IngestAction::Removed), 1);
  EXPECT_FALSE(library_->rescan_folder("Nope", docs_, options_));
}

TEST_F(LibrarySamples, AMissingFolderRemovesNothingButADeletedFileIsRemoved) {
  const fs::path single = tmp_ / "single.md";
  fs::copy_file(docs_ / "northwind-it-quick-reference.md", single);
  add({docs_, single});
  fs::rename(docs_, tmp_ / "elsewhere");  // an unmounted drive looks like this
  fs::remove(single);
  const IngestReport r = add({docs_, single});
  EXPECT_FALSE(r.all_known());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code(), pw::ErrorCode::NotFound);
  EXPECT_EQ(r.problems[0].subject(), docs_.string());
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].path, single.string());
  EXPECT_EQ(r.documents[0].action, IngestAction::Removed);
  auto docs = library_->store().list_documents();
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->size(), 3u);
}

TEST_F(LibrarySamples, CancelBeforeAndDuringARun) {
  std::atomic<bool> cancel{true};
  options_.cancel = &cancel;
  IngestReport r = add({docs_});
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.all_known());
  auto docs = library_->store().list_documents();
  ASSERT_TRUE(docs);
  EXPECT_TRUE(docs->empty());

  cancel = false;
  options_.threads = 1;
  options_.on_document = [&](const DocumentOutcome&) { cancel = true; };  // stop after the first save
  r = add({docs_});
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.count(IngestAction::Added), 1);
  docs = library_->store().list_documents();
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_GT((*docs)[0].chunk_count, 0) << "the saved document is whole";

  cancel = false;
  options_.on_document = nullptr;
  r = add({docs_});
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(r.count(IngestAction::Added), 2);
  EXPECT_EQ(r.count(IngestAction::Unchanged), 1);
}

TEST_F(LibrarySamples, ProgressCountsUpToTheTotal) {
  std::vector<pw::rag::IngestProgress> seen;
  options_.on_progress = [&](const pw::rag::IngestProgress& p) { seen.push_back(p); };
  const IngestReport r = add({docs_});
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().total, 3);
  EXPECT_EQ(seen.back().done, 3);
  EXPECT_EQ(seen.back().pages, r.pages_extracted);
  EXPECT_EQ(seen.back().chunks, r.chunks_written);
  EXPECT_DOUBLE_EQ(seen.back().eta_s, 0.0);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].done, seen[i - 1].done);
  for (const auto& p : seen) EXPECT_FALSE(p.current_file.empty());
}

TEST_F(LibrarySamples, FoldersToWatchAreTheSourcesAndTheirSubfolders) {
  fs::create_directories(docs_ / "sub" / "deeper");
  fs::create_directories(docs_ / ".cache");
  const fs::path single = tmp_ / "other" / "single.md";
  fs::create_directories(single.parent_path());
  fs::copy_file(docs_ / "northwind-it-quick-reference.md", single);
  add({docs_, single});
  auto folders = library_->folders_to_watch();
  ASSERT_TRUE(folders);
  EXPECT_EQ(*folders, (std::vector<std::string>{docs_.string(), (docs_ / "sub").string(),
                                                (docs_ / "sub" / "deeper").string(), (tmp_ / "other").string()}));
}

TEST_F(LibrarySamples, TheSameFolderInTwoCollectionsIsKeptApart) {
  add({docs_}, "A");
  add({docs_}, "B");
  auto collections = library_->store().list_collections();
  ASSERT_TRUE(collections);
  ASSERT_EQ(collections->size(), 2u);
  for (const auto& c : *collections) EXPECT_EQ(c.document_count, 3);
  auto removed = library_->remove_path("A", docs_);
  ASSERT_TRUE(removed);
  auto docs = library_->store().list_documents();
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->size(), 3u);
}

TEST_F(LibrarySamples, ChangingTheEmbeddingModelFillsVectorsInTheBackgroundWhileSearchWorks) {
  add({docs_});
  // Word-hash vectors: enough to follow the vectors through the library (no encoder exists yet).
  std::atomic<int> batches{0};
  pw::rag::EmbedFunction embed = [&](std::span<const pw::rag::ChunkToEmbed> chunks)
      -> pw::Result<std::vector<std::vector<float>>> {
    ++batches;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::vector<std::vector<float>> out;
    for (const auto& c : chunks) {
      std::vector<float> v(8, 0.f);
      for (unsigned char ch : c.text) v[ch % 8] += 1.f;
      out.push_back(v);
    }
    return out;
  };
  pw::rag::BackfillOptions backfill;
  backfill.batch_size = 2;
  auto job = library_->change_embedding_model({"word-hash-8", 8, pw::rag::VectorEncoding::Float32}, embed, backfill);
  // Search keeps working on the library's own connection meanwhile.
  EXPECT_EQ(documents_with("paracetamol"), std::set<std::string>{"paediatric-analgesia-guideline.pdf"});
  ASSERT_TRUE(job->wait().ok());
  EXPECT_GT(batches.load(), 1);
  auto active = library_->store().active_embedding_model();
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->name, "word-hash-8");
  auto missing = library_->store().count_chunks_missing_embeddings((*active)->id);
  ASSERT_TRUE(missing);
  EXPECT_EQ(*missing, 0);
}

}  // namespace
