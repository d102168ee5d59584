#include "rag/retrieval/engine_query_embedder.h"

namespace pw::rag {

Result<std::vector<float>> EngineQueryEmbedder::embed_query(std::string_view text) {
  auto e = embedder_->embed_query(text);
  if (!e) return e.error();
  return std::move(e->vector);
}

}  // namespace pw::rag
