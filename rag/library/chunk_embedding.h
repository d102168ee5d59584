// Chunk vectors from the engine's encoder: the EmbedFunction the store's backfill calls, and
// the worker that embeds chunks while ingestion is still extracting more.
//
//   auto embedder = std::shared_ptr<pw::embed::Embedder>(std::move(*pw::embed::Embedder::load(model_path)));
//   auto worker = pw::rag::ChunkEmbeddingWorker::start(library.path(), embedder);   // own thread + connection
//   auto report = library.add_paths("HR", paths, options);     // extraction in parallel, one writer
//   worker->ingestion_finished();                               // then it drains what is left
//   pw::Status s = worker->wait();                              // model active when complete
//   // or, for a model change without ingestion:
//   library.change_embedding_model(embedding_spec(*embedder), passage_embed_function(embedder));
//
// Why a worker thread: extraction and chunking are cheap next to the encoder, so the encoder
// sets the pace; it must never wait for extraction. The worker polls the library for chunks
// without vectors of its model, embeds them in batches (texts packed into one forward pass)
// with no transaction open, and writes each batch in one short transaction, so ingestion's
// writer waits at most one batch write. When ingestion has finished and nothing is missing,
// the model becomes the library's active one (embedding_backfill.h: checked inside a write
// transaction). Passage text = title, heading path and chunk text, with the family's passage
// prefix; unchanged chunks keep their vectors across re-ingestion (LibraryStore).
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/embed/embedder.h"
#include "engine/util/status.h"
#include "rag/store/embedding_backfill.h"

namespace pw::rag {

// The text a chunk is embedded as (without the role prefix, which the Embedder adds).
std::string passage_text(const ChunkToEmbed& chunk);

// Embeds chunks as passages with `embedder` (kept alive by the function).
EmbedFunction passage_embed_function(std::shared_ptr<embed::Embedder> embedder);

// The store's record of this model: its file name, dimension, stored as int8 + scale.
EmbeddingModelSpec embedding_spec(const embed::Embedder& embedder);

class ChunkEmbeddingWorker {
 public:
  static std::unique_ptr<ChunkEmbeddingWorker> start(std::filesystem::path library_path,
                                                     std::shared_ptr<embed::Embedder> embedder,
                                                     BackfillOptions options = {});
  ~ChunkEmbeddingWorker();  // cancels and waits
  ChunkEmbeddingWorker(const ChunkEmbeddingWorker&) = delete;
  ChunkEmbeddingWorker& operator=(const ChunkEmbeddingWorker&) = delete;

  // No more chunks will come: finish what is missing, activate the model, stop.
  void ingestion_finished();
  // Wakes the worker early (new chunks were saved); it also polls on its own.
  void notify();
  void cancel();
  Status wait();
  int64_t embedded() const { return embedded_.load(); }
  // Time the encoder spent embedding, and the time since start (how busy it was kept).
  double busy_seconds() const { return busy_us_.load() / 1e6; }

 private:
  ChunkEmbeddingWorker() = default;
  void run(std::filesystem::path library_path, std::shared_ptr<embed::Embedder> embedder, BackfillOptions options);

  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_ingest_{false};
  std::atomic<int64_t> embedded_{0};
  std::atomic<int64_t> busy_us_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  Status result_;
  std::thread thread_;
};

}  // namespace pw::rag
