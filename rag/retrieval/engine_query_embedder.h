// The retrieval QueryEmbedder over the engine's encoder (engine/embed/embedder.h).
//
//   auto embedder = pw::embed::Embedder::load("bge-small-en-v1.5-q8_0.gguf");
//   pw::rag::EngineQueryEmbedder query_embedder(std::shared_ptr<pw::embed::Embedder>(std::move(*embedder)));
//   auto on = retriever.use_library_vectors(query_embedder);   // false: no vectors of it yet
//
// Queries get the family's query prefix (prefixes.h). model_name() is the file name, the key
// stored vectors are kept under (rag/library/chunk_embedding.h uses the same).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/embed/embedder.h"
#include "rag/retrieval/query_embedder.h"

namespace pw::rag {

class EngineQueryEmbedder : public QueryEmbedder {
 public:
  explicit EngineQueryEmbedder(std::shared_ptr<embed::Embedder> embedder) : embedder_(std::move(embedder)) {}
  std::string model_name() const override { return embedder_->model_name(); }
  int dimension() const override { return embedder_->dimension(); }
  Result<std::vector<float>> embed_query(std::string_view text) override;
  embed::Embedder& embedder() { return *embedder_; }

 private:
  std::shared_ptr<embed::Embedder> embedder_;
};

}  // namespace pw::rag
