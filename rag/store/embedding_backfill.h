// Fills in the vectors of an embedding model for every chunk that lacks one, in the
// background, without blocking search or ingestion; switches the library's active model to it
// once nothing is missing.
//
//   auto job = pw::rag::EmbeddingBackfill::start(store_path, {"bge-small.Q8_0.gguf", 384,
//                                                pw::rag::VectorEncoding::Int8}, embed_fn);
//   ... searches keep using the old active model meanwhile ...
//   job->cancel();                 // or let it finish
//   pw::Status s = job->wait();    // Cancelled, an error, or ok (new model active)
//
// How it stays out of the way: it has its own connection (own thread), reads a small batch
// of chunks, runs the embedder with no transaction open, then writes that batch in one short
// transaction. In WAL mode readers never wait for a writer, and other writers (ingestion) wait
// at most one batch write. Chunks re-ingested meanwhile are skipped (their new versions are
// picked up by a later batch), so the loop ends when a final check inside a write
// transaction finds nothing missing; the model becomes active in that same transaction.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "engine/util/status.h"
#include "rag/store/library_store.h"

namespace pw::rag {

// Turns chunks into vectors, one per chunk, in order (the engine's encoder behind it). Called
// on the backfill thread.
using EmbedFunction = std::function<Result<std::vector<std::vector<float>>>(std::span<const ChunkToEmbed>)>;

struct EmbeddingModelSpec {
  std::string name;
  int dim = 0;
  VectorEncoding encoding = VectorEncoding::Float32;
};

struct BackfillOptions {
  int batch_size = 16;              // chunks per embedder call and per write transaction
  bool activate_when_done = true;   // make the model the active one when complete
};

// (chunks embedded so far, chunks that were missing when the run started)
using BackfillProgress = std::function<void(int64_t embedded, int64_t total)>;

// The synchronous loop, for callers already on a worker thread (e.g. right after ingestion).
// `cancel` may be null. Returns Cancelled when stopped early; what was written stays.
Status embed_missing_chunks(LibraryStore& store, int64_t model_id, const EmbedFunction& embed,
                            const BackfillOptions& options, const std::atomic<bool>* cancel = nullptr,
                            const BackfillProgress& progress = {});

class EmbeddingBackfill {
 public:
  // Starts the thread; the library is opened on it (errors come back from wait()).
  static std::unique_ptr<EmbeddingBackfill> start(std::filesystem::path library_path, EmbeddingModelSpec model,
                                                  EmbedFunction embed, BackfillOptions options = {});
  ~EmbeddingBackfill();  // cancels and waits
  EmbeddingBackfill(const EmbeddingBackfill&) = delete;
  EmbeddingBackfill& operator=(const EmbeddingBackfill&) = delete;

  void cancel() { cancel_.store(true); }
  // Waits for the thread and returns how it ended. Call once or more; later calls repeat it.
  Status wait();
  bool finished() const { return finished_.load(); }
  int64_t embedded() const { return embedded_.load(); }
  int64_t total() const { return total_.load(); }

 private:
  EmbeddingBackfill() = default;
  void run(std::filesystem::path library_path, EmbeddingModelSpec model, EmbedFunction embed, BackfillOptions options);

  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_{false};
  std::atomic<int64_t> embedded_{0};
  std::atomic<int64_t> total_{0};
  std::mutex mutex_;
  Status result_;
  std::thread thread_;
};

}  // namespace pw::rag
