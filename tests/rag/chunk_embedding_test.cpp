// Embeddings in ingestion and retrieval with the real encoder (tiny-bert fixture): the worker
// embeds chunks while ingestion runs and activates the model, vectors are what the Embedder
// makes of each chunk's passage text, a model change backfills with the real encoder, and the
// retriever's semantic path runs on them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/embed/embedder.h"
#include "rag/library/chunk_embedding.h"
#include "rag/library/library.h"
#include "rag/retrieval/engine_query_embedder.h"
#include "rag/retrieval/retriever.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;

std::shared_ptr<pw::embed::Embedder> tiny_bert(const std::string& file = "tiny-bert-F16.gguf") {
  pw::embed::EmbedderOptions o;
  o.threads = 2;
  auto e = pw::embed::Embedder::load(pw::test::shared_path("fixtures/models/" + file), o);
  EXPECT_TRUE(static_cast<bool>(e)) << (e ? "" : e.error().describe());
  return e ? std::shared_ptr<pw::embed::Embedder>(std::move(*e)) : nullptr;
}

void write_docs(const fs::path& dir) {
  fs::create_directories(dir);
  const char* texts[] = {
      "# Leave policy\n\nUnused vacation days roll into the next year, up to five days.\n\n"
      "## Sick leave\n\nSick leave needs a note from a doctor after three days.\n",
      "# Dosing guide\n\nThe maximum paediatric dose is 5 mg per kilogram per day.\n\n"
      "Monitor blood pressure weekly during the first month of treatment.\n",
      "# Contract\n\nEither party may terminate this agreement with thirty days written notice.\n"};
  int i = 0;
  for (const char* t : texts) {
    const fs::path p = dir / ("doc" + std::to_string(i++) + ".md");
    pw::test::write_file(p, t, std::strlen(t));
  }
}

TEST(ChunkEmbedding, WorkerEmbedsEveryChunkDuringIngestionAndActivatesTheModel) {
  pw::test::TempDir tmp;
  write_docs(tmp / "docs");
  auto library = pw::rag::Library::open(tmp / "lib.sqlite3");
  ASSERT_TRUE(library) << library.error().describe();
  auto embedder = tiny_bert();
  ASSERT_TRUE(embedder);
  auto worker = pw::rag::ChunkEmbeddingWorker::start(library->path(), embedder);
  pw::rag::IngestOptions options;
  options.on_document = [w = worker.get()](const pw::rag::DocumentOutcome&) { w->notify(); };
  auto report = library->add_paths("docs", {tmp / "docs"}, options);
  ASSERT_TRUE(report) << report.error().describe();
  ASSERT_GT(report->chunks_written, 0);
  worker->ingestion_finished();
  const pw::Status s = worker->wait();
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(worker->embedded(), report->chunks_written);

  pw::rag::LibraryStore& store = library->store();
  auto active = store.active_embedding_model();
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->name, "tiny-bert-F16.gguf");
  EXPECT_EQ((*active)->dim, 256);
  auto missing = store.count_chunks_missing_embeddings((*active)->id);
  ASSERT_TRUE(missing);
  EXPECT_EQ(*missing, 0);

  // Each stored vector is the encoder's vector of the chunk's passage text (int8 storage).
  auto docs = store.list_documents();
  ASSERT_TRUE(docs);
  for (const auto& d : *docs) {
    auto chunks = store.document_chunks(d.id);
    ASSERT_TRUE(chunks);
    for (const auto& c : *chunks) {
      auto stored = store.embedding((*active)->id, c.id);
      ASSERT_TRUE(stored) << stored.error().describe();
      pw::rag::ChunkToEmbed ce{c.id, d.id, d.title, c.heading_path, c.text};
      auto expected = embedder->embed(std::vector<std::string>{pw::rag::passage_text(ce)}, pw::embed::EmbedRole::Passage);
      ASSERT_TRUE(expected);
      double dot = 0;
      for (size_t i = 0; i < stored->size(); ++i) dot += double((*stored)[i]) * expected->front().vector[i];
      EXPECT_GT(dot, 0.999) << c.text;
    }
  }

  // Semantic search runs on them through the QueryEmbedder.
  pw::rag::Retriever retriever(store);
  pw::rag::EngineQueryEmbedder query_embedder(embedder);
  auto on = retriever.use_library_vectors(query_embedder);
  ASSERT_TRUE(on) << on.error().describe();
  ASSERT_TRUE(*on);
  auto semantic = retriever.search({"vacation days next year", 3, {}, pw::rag::RetrievalMode::Semantic});
  ASSERT_TRUE(semantic) << semantic.error().describe();
  EXPECT_TRUE(semantic->semantic_used);
  EXPECT_FALSE(semantic->passages.empty());
  auto fused = retriever.search({"vacation days next year", 3, {}, pw::rag::RetrievalMode::Auto});
  ASSERT_TRUE(fused);
  EXPECT_TRUE(fused->semantic_used && fused->lexical_used);
  ASSERT_FALSE(fused->passages.empty());
  EXPECT_NE(fused->passages.front().text.find("vacation"), std::string::npos);
}

TEST(ChunkEmbedding, ModelChangeBackfillsWithTheRealEncoder) {
  pw::test::TempDir tmp;
  write_docs(tmp / "docs");
  auto library = pw::rag::Library::open(tmp / "lib.sqlite3");
  ASSERT_TRUE(library);
  auto report = library->add_paths("docs", {tmp / "docs"}, {});
  ASSERT_TRUE(report);
  auto embedder = tiny_bert("tiny-bert-Q4_K_M.gguf");
  ASSERT_TRUE(embedder);
  auto job = library->change_embedding_model(pw::rag::embedding_spec(*embedder),
                                             pw::rag::passage_embed_function(embedder));
  const pw::Status s = job->wait();
  ASSERT_TRUE(s.ok()) << s.error().describe();
  auto active = library->store().active_embedding_model();
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->name, "tiny-bert-Q4_K_M.gguf");
  EXPECT_EQ(job->embedded(), report->chunks_written);
}

TEST(ChunkEmbedding, LibraryWithoutVectorsOfTheModelStaysLexical) {
  pw::test::TempDir tmp;
  auto library = pw::rag::Library::open(tmp / "lib.sqlite3");
  ASSERT_TRUE(library);
  auto embedder = tiny_bert();
  ASSERT_TRUE(embedder);
  pw::rag::Retriever retriever(library->store());
  pw::rag::EngineQueryEmbedder q(embedder);
  auto on = retriever.use_library_vectors(q);
  ASSERT_TRUE(on) << on.error().describe();
  EXPECT_FALSE(*on);
  EXPECT_FALSE(retriever.has_semantic());
}

}  // namespace
