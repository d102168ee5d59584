#include "rag/library/chunk_embedding.h"

#include <chrono>

#include "engine/util/log.h"

namespace pw::rag {

std::string passage_text(const ChunkToEmbed& chunk) {
  std::string s;
  if (!chunk.document_title.empty()) s += chunk.document_title;
  if (!chunk.heading_path.empty()) s += (s.empty() ? "" : " — ") + chunk.heading_path;
  if (!s.empty()) s += "\n";
  s += chunk.text;
  return s;
}

EmbedFunction passage_embed_function(std::shared_ptr<embed::Embedder> embedder) {
  return [embedder](std::span<const ChunkToEmbed> chunks) -> Result<std::vector<std::vector<float>>> {
    std::vector<std::string> texts;
    texts.reserve(chunks.size());
    for (const ChunkToEmbed& c : chunks) texts.push_back(passage_text(c));
    auto out = embedder->embed(texts, embed::EmbedRole::Passage);
    if (!out) return out.error();
    std::vector<std::vector<float>> vectors;
    vectors.reserve(out->size());
    for (embed::Embedding& e : *out) vectors.push_back(std::move(e.vector));
    return vectors;
  };
}

EmbeddingModelSpec embedding_spec(const embed::Embedder& embedder) {
  return EmbeddingModelSpec{embedder.model_name(), embedder.dimension(), VectorEncoding::Int8};
}

std::unique_ptr<ChunkEmbeddingWorker> ChunkEmbeddingWorker::start(std::filesystem::path library_path,
                                                                  std::shared_ptr<embed::Embedder> embedder,
                                                                  BackfillOptions options) {
  std::unique_ptr<ChunkEmbeddingWorker> w(new ChunkEmbeddingWorker());
  w->thread_ = std::thread(&ChunkEmbeddingWorker::run, w.get(), std::move(library_path), std::move(embedder), options);
  return w;
}

void ChunkEmbeddingWorker::run(std::filesystem::path library_path, std::shared_ptr<embed::Embedder> embedder,
                               BackfillOptions options) {
  Status status = [&]() -> Status {
    auto store = LibraryStore::open(library_path);
    if (!store) return store.error();
    const EmbeddingModelSpec spec = embedding_spec(*embedder);
    auto record = store->ensure_embedding_model(spec.name, spec.dim, spec.encoding);
    if (!record) return record.error();
    const EmbedFunction embed_fn = passage_embed_function(embedder);
    const EmbedFunction timed = [&](std::span<const ChunkToEmbed> chunks) {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = embed_fn(chunks);
      busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
      return r;
    };
    int64_t before = 0;
    auto progress = [&](int64_t done, int64_t) { embedded_.store(before + done); };
    for (;;) {
      const bool last_round = finished_ingest_.load();
      BackfillOptions round = options;
      round.activate_when_done = last_round;
      before = embedded_.load();
      Status s = embed_missing_chunks(*store, record->id, timed, round, &cancel_, progress);
      if (!s.ok()) return s;
      if (last_round) return ok_status();
      // Caught up with ingestion: sleep until more chunks are saved (notify) or a short poll.
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(200), [&] { return cancel_.load() || finished_ingest_.load(); });
    }
  }();
  if (!status.ok() && status.error().code() != ErrorCode::Cancelled)
    pw::log::warn("embedding chunks with {} failed: {}", embedder->model_name(), status.error().describe());
  std::lock_guard lock(mutex_);
  result_ = status;
}

void ChunkEmbeddingWorker::ingestion_finished() {
  finished_ingest_.store(true);
  wake_.notify_all();
}

void ChunkEmbeddingWorker::notify() { wake_.notify_all(); }

void ChunkEmbeddingWorker::cancel() {
  cancel_.store(true);
  wake_.notify_all();
}

Status ChunkEmbeddingWorker::wait() {
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return result_;
}

ChunkEmbeddingWorker::~ChunkEmbeddingWorker() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

}  // namespace pw::rag
