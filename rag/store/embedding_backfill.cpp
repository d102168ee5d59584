#include "rag/store/embedding_backfill.h"

#include "engine/util/log.h"

namespace pw::rag {

Status embed_missing_chunks(LibraryStore& store, int64_t model_id, const EmbedFunction& embed,
                            const BackfillOptions& options, const std::atomic<bool>* cancel,
                            const BackfillProgress& progress) {
  if (!embed) return Error(ErrorCode::InvalidArgument, "no embedder given");
  const int batch_size = std::max(1, options.batch_size);
  auto total = store.count_chunks_missing_embeddings(model_id);
  if (!total) return total.error();
  int64_t embedded = 0;
  if (progress) progress(0, *total);
  std::vector<int64_t> previous_ids;
  for (;;) {
    if (cancel && cancel->load()) return Error(ErrorCode::Cancelled, "re-embedding stopped");
    auto batch = store.chunks_missing_embeddings(model_id, batch_size);
    if (!batch) return batch.error();
    if (batch->empty()) {
      // Confirm inside a write transaction, so no chunk can slip in between the check and
      // the switch; otherwise go round again.
      if (!options.activate_when_done) return ok_status();
      auto tx = sqlite::Transaction::begin(store.database());
      if (!tx) return tx.error();
      auto missing = store.count_chunks_missing_embeddings(model_id);
      if (!missing) return missing.error();
      if (*missing > 0) continue;  // the transaction rolls back at scope exit
      PW_TRY(store.set_active_embedding_model(model_id));
      PW_TRY(tx->commit());
      pw::log::info("embedding model {} is complete ({} chunks embedded) and now active", model_id, embedded);
      return ok_status();
    }
    std::vector<int64_t> ids;
    for (const auto& c : *batch) ids.push_back(c.chunk_id);
    if (ids == previous_ids) {
      // Written last round yet still missing: something is wrong; never spin.
      return Error(ErrorCode::Internal, store.path(), "embeddings were written but the chunks still lack them");
    }
    previous_ids = ids;

    auto vectors = embed(*batch);
    if (!vectors) return vectors.error().with_context("embedding chunks");
    if (vectors->size() != batch->size()) {
      return Error(ErrorCode::Internal, "the embedder returned " + std::to_string(vectors->size()) +
                                            " vectors for " + std::to_string(batch->size()) + " chunks");
    }
    std::vector<ChunkEmbedding> rows;
    rows.reserve(batch->size());
    for (size_t i = 0; i < batch->size(); ++i) rows.push_back(ChunkEmbedding{ids[i], std::move((*vectors)[i])});
    auto written = store.put_embeddings(model_id, rows);
    if (!written) return written.error();
    embedded += *written;
    if (progress) progress(embedded, *total);
  }
}

std::unique_ptr<EmbeddingBackfill> EmbeddingBackfill::start(std::filesystem::path library_path,
                                                            EmbeddingModelSpec model, EmbedFunction embed,
                                                            BackfillOptions options) {
  std::unique_ptr<EmbeddingBackfill> job(new EmbeddingBackfill());
  job->thread_ = std::thread(&EmbeddingBackfill::run, job.get(), std::move(library_path), std::move(model),
                             std::move(embed), options);
  return job;
}

void EmbeddingBackfill::run(std::filesystem::path library_path, EmbeddingModelSpec model, EmbedFunction embed,
                            BackfillOptions options) {
  Status status = [&]() -> Status {
    auto store = LibraryStore::open(library_path);
    if (!store) return store.error();
    auto record = store->ensure_embedding_model(model.name, model.dim, model.encoding);
    if (!record) return record.error();
    return embed_missing_chunks(*store, record->id, embed, options, &cancel_, [this](int64_t done, int64_t total) {
      embedded_.store(done);
      total_.store(total);
    });
  }();
  if (!status.ok() && status.error().code() != ErrorCode::Cancelled) {
    pw::log::warn("re-embedding with {} failed: {}", model.name, status.error().describe());
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = status;
  }
  finished_.store(true);
}

Status EmbeddingBackfill::wait() {
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

EmbeddingBackfill::~EmbeddingBackfill() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

}  // namespace pw::rag
