// What semantic search needs from an embedding model: one vector per query. The engine's
// encoder implements it; retrieval never depends on a particular model.
//
//   class EngineQueryEmbedder : public pw::rag::QueryEmbedder { ... };   // in the engine layer
//   retriever.set_semantic(&embedder, index);   // index built from the same model's vectors
//
// Must not change: model_name() is the name the library's vectors were stored under
// (LibraryStore::ensure_embedding_model), so a query is never compared with vectors of
// another model; embed_query() applies whatever query prefix or pooling the model needs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"

namespace pw::rag {

class QueryEmbedder {
 public:
  virtual ~QueryEmbedder() = default;
  virtual std::string model_name() const = 0;
  virtual int dimension() const = 0;
  // A vector of dimension() finite values for the query text.
  virtual Result<std::vector<float>> embed_query(std::string_view text) = 0;
};

}  // namespace pw::rag
