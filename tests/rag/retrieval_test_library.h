// Fills test libraries the way ingestion does: real extraction (ingest::extract) and the real
// chunker, then LibraryStore::replace_document. Also documents made from literal page texts.
//
//   pw::rag::testing::TestLibrary lib;                          // a fresh library in a temp dir
//   int64_t med = lib.collection("medical");
//   int64_t doc = lib.ingest(med, pw::test::shared_path("corpus/pdfs/medical_real/x.pdf"));
//   lib.add_pages(med, "/docs/leave.txt", "Leave policy", {"page one text", "page two text"});
//
// HashingEmbedder is a TEST-ONLY stand-in vector source: it hashes word stems into a fixed
// number of signed buckets. It exists to give the vector index and fusion real, stored,
// deterministic vectors to work on; it is not a language or embedding model and never ships.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ingest/chunker.h"
#include "ingest/extract.h"
#include "rag/retrieval/query_embedder.h"
#include "rag/retrieval/word_tokens.h"
#include "rag/store/library_store.h"
#include "support/test_support.h"

namespace pw::rag::testing {

class TestLibrary {
 public:
  TestLibrary() {
    auto s = LibraryStore::open(dir_ / "library.sqlite3");
    if (!s) {
      ADD_FAILURE() << s.error().describe();
      return;
    }
    store_.emplace(std::move(*s));
  }

  LibraryStore& store() { return *store_; }
  std::filesystem::path path() const { return dir_ / "library.sqlite3"; }

  int64_t collection(const std::string& name) {
    auto c = store_->ensure_collection(name);
    EXPECT_TRUE(c.ok()) << c.error().describe();
    return c.ok() ? *c : 0;
  }

  // Extracts and chunks a real file; returns the document id (0 on failure, which fails the test).
  int64_t ingest(int64_t collection_id, const std::filesystem::path& file, ingest::ChunkOptions chunking = {}) {
    ingest::ExtractOptions options;
    auto doc = ingest::extract(file, options);
    if (!doc) {
      ADD_FAILURE() << doc.error().describe();
      return 0;
    }
    EXPECT_EQ(doc->status, ingest::DocumentStatus::Ok) << file << ": " << doc->error;
    return save(collection_id, *doc, ingest::chunk_document(*doc, chunking));
  }

  // A document made of literal pages, chunked by the real chunker.
  int64_t add_pages(int64_t collection_id, const std::string& path, const std::string& title,
                    const std::vector<std::string>& pages, ingest::ChunkOptions chunking = {}) {
    ingest::ExtractedDocument doc;
    doc.path = path;
    doc.title = title;
    doc.format = "txt";
    for (size_t i = 0; i < pages.size(); ++i)
      doc.pages.push_back(ingest::Page{static_cast<int>(i) + 1, std::to_string(i + 1), pages[i]});
    return save(collection_id, doc, ingest::chunk_document(doc, chunking));
  }

  int64_t save(int64_t collection_id, const ingest::ExtractedDocument& doc, const std::vector<ingest::Chunk>& chunks) {
    FileFacts facts{doc.path, static_cast<int64_t>(doc.pages.size()) * 1000, 1700000000000000000, std::string(64, 'b')};
    auto id = store_->replace_document(collection_id, facts, doc, chunks);
    if (!id) {
      ADD_FAILURE() << id.error().describe();
      return 0;
    }
    return *id;
  }

 private:
  pw::test::TempDir dir_;
  std::optional<LibraryStore> store_;
};

// TEST-ONLY stand-in vector source (see the header comment): signed feature hashing of word
// stems, L2-normalised. Texts sharing words get similar vectors; nothing more.
class HashingEmbedder : public QueryEmbedder {
 public:
  explicit HashingEmbedder(int dim = 256) : dim_(dim) {}
  std::string model_name() const override { return "test-hashing-embedder"; }
  int dimension() const override { return dim_; }
  Result<std::vector<float>> embed_query(std::string_view text) override { return embed(text); }

  std::vector<float> embed(std::string_view text) const {
    std::vector<float> v(static_cast<size_t>(dim_), 0.0f);
    for (const WordToken& w : word_tokens(text)) {
      uint64_t h = 1469598103934665603ull;
      for (char c : w.stem) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      v[h % static_cast<uint64_t>(dim_)] += (h >> 63) ? 1.0f : -1.0f;
    }
    double norm = 0;
    for (float x : v) norm += double{x} * x;
    if (norm > 0)
      for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
    return v;
  }

 private:
  int dim_;
};

}  // namespace pw::rag::testing
