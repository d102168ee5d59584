#include "rag/retrieval/engine_query_embedder.h"

#include "rag/retrieval/vector_index.h"

namespace pw::rag {

Result<std::vector<float>> EngineQueryEmbedder::embed_query(std::string_view text) {
  auto e = embedder_->embed_query(text);
  if (!e) return e.error();
  return std::move(e->vector);
}

Status enable_semantic_search(LibraryStore& store, Retriever& retriever, QueryEmbedder& embedder) {
  auto record = store.embedding_model(embedder.model_name());
  if (!record) return record.error();
  if (!*record)
    return Error(ErrorCode::NotFound, store.path(),
                 "the library has no vectors of " + embedder.model_name() +
                     " (ingest with --embed-model " + embedder.model_name() + " first)");
  if ((*record)->dim != embedder.dimension())
    return Error(ErrorCode::Corrupt, store.path(),
                 "stored vectors of " + embedder.model_name() + " have " + std::to_string((*record)->dim) +
                     " dimensions, the model makes " + std::to_string(embedder.dimension()));
  auto index = VectorIndex::load(store, **record);
  if (!index) return index.error();
  return retriever.set_semantic(&embedder, std::make_shared<const VectorIndex>(std::move(*index)));
}

}  // namespace pw::rag
