#include "rag/retrieval/retriever.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "rag/retrieval/relevance.h"

namespace pw::rag {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

Retriever::Retriever(LibraryStore& store, RetrieverOptions options)
    : store_(store), options_(options), fts_(std::make_unique<FtsReader>(store)) {}

Status Retriever::set_semantic(QueryEmbedder* embedder, std::shared_ptr<const VectorIndex> index) {
  if ((embedder == nullptr) != (index == nullptr))
    return Error(ErrorCode::InvalidArgument, "semantic search needs both an embedder and a vector index");
  if (embedder && embedder->dimension() != index->dim())
    return Error(ErrorCode::InvalidArgument, embedder->model_name(),
                 "the embedding model's dimension (" + std::to_string(embedder->dimension()) +
                     ") differs from the library's vectors (" + std::to_string(index->dim()) + ")");
  embedder_ = embedder;
  index_ = std::move(index);
  return ok_status();
}

Result<bool> Retriever::use_library_vectors(QueryEmbedder& embedder) {
  auto model = store_.embedding_model(embedder.model_name());
  if (!model) return model.error();
  if (!*model) return false;
  if ((*model)->dim != embedder.dimension())
    return Error(ErrorCode::Corrupt, store_.path(),
                 "the library's vectors of " + embedder.model_name() + " have " + std::to_string((*model)->dim) +
                     " dimensions, the model makes " + std::to_string(embedder.dimension()) +
                     " (re-embed the library with this model)");
  auto index = VectorIndex::load(store_, **model);
  if (!index) return index.error();
  if (index->size() == 0) return false;
  PW_TRY(set_semantic(&embedder, std::make_shared<const VectorIndex>(std::move(*index))));
  return true;
}

Result<RetrievalResult> Retriever::search(const RetrievalRequest& request) {
  const auto start = Clock::now();
  RetrievalResult result;
  result.query = analyze_query(request.query);
  const bool want_lexical = request.mode != RetrievalMode::Semantic;
  const bool want_semantic =
      embedder_ != nullptr && (request.mode == RetrievalMode::Auto || request.mode == RetrievalMode::Semantic);
  const size_t n = static_cast<size_t>(std::max(1, options_.fused_candidates));

  std::vector<RankedList> lists;
  int lexical_list = -1, semantic_list = -1;

  // Semantic search (query embedding + vector scan) runs on its own thread while the lexical
  // search runs on this one: on two cores the fused wall time is then about the slower of the
  // two, not their sum. Neither touches the other's state (the embedder and the index are only
  // used by this search; the FTS reader and the store only by this thread).
  struct SemanticOutcome {
    Status status = ok_status();
    RankedList list{"semantic", 1.0, {}};
    double ms = 0;
  };
  SemanticOutcome semantic;
  auto run_semantic = [&]() {
    auto t = Clock::now();
    auto vector = embedder_->embed_query(request.query);
    if (!vector) {
      semantic.status = vector.error().with_context("embedding the question");
      return;
    }
    semantic.list.weight = options_.semantic_weight;
    for (const VectorHit& h : index_->search(*vector, n, request.filter))
      semantic.list.hits.push_back(RankedHit{h.chunk_id, h.document_id, h.similarity});
    semantic.ms = ms_since(t);
  };
  std::thread semantic_thread;
  const bool concurrent = want_semantic && want_lexical && !result.query.empty();
  if (concurrent) semantic_thread = std::thread(run_semantic);
  // Joins the semantic thread on every way out of this function (errors included).
  struct Joiner {
    std::thread& t;
    ~Joiner() {
      if (t.joinable()) t.join();
    }
  } joiner{semantic_thread};

  // Library-wide term frequencies, read once: the lexical candidates and the relevance
  // weights both use them.
  auto t_lexical = Clock::now();
  auto frequencies = query_frequencies(*fts_, result.query);
  if (!frequencies) return frequencies.error();
  if (want_lexical && !result.query.empty()) {
    auto t = t_lexical;
    auto hits = lexical_search(*fts_, store_, result.query, *frequencies, request.filter, options_.lexical);
    if (!hits) return hits.error();
    RankedList list{"lexical", options_.lexical_weight, {}};
    for (const LexicalHit& h : *hits) {
      if (list.hits.size() >= n) break;
      list.hits.push_back(RankedHit{h.chunk_id, h.document_id, h.score});
    }
    lexical_list = static_cast<int>(lists.size());
    lists.push_back(std::move(list));
    result.lexical_used = true;
    result.timings.lexical_ms = ms_since(t);
  }
  if (want_semantic) {
    if (concurrent) semantic_thread.join();
    else run_semantic();
    if (!semantic.status.ok()) return semantic.status.error();
    if (!semantic.list.hits.empty()) result.best_similarity = semantic.list.hits.front().score;
    semantic_list = static_cast<int>(lists.size());
    lists.push_back(std::move(semantic.list));
    result.semantic_used = true;
    result.timings.semantic_ms = semantic.ms;
  }

  auto t_fusion = Clock::now();
  std::vector<FusedHit> fused;
  if (lists.size() == 1) {
    // One retriever: its own order and scores (fusion of one list would only rename them).
    const RankedList& only = lists.front();
    int rank = 0;
    for (const RankedHit& h : only.hits) {
      FusedHit f{h.chunk_id, h.document_id, h.score, {++rank}, {h.score}};
      fused.push_back(std::move(f));
    }
  } else if (lists.size() > 1) {
    fused = reciprocal_rank_fusion(lists, options_.rank_constant, n * lists.size());
  }
  result.timings.fusion_ms = ms_since(t_fusion);

  auto t_passages = Clock::now();
  result.term_weights = query_term_weights(*frequencies);
  PassageOptions passage_options = options_.passages;
  passage_options.max_passages = request.k;
  PW_TRY(assemble_passages(store_, fused, result.query, result.term_weights, lexical_list, semantic_list,
                           passage_options, result.passages));
  result.timings.passages_ms = ms_since(t_passages);

  const size_t verdict = std::min(result.passages.size(), static_cast<size_t>(std::max(1, options_.verdict_passages)));
  for (size_t i = 0; i < verdict; ++i)
    result.best_term_coverage = std::max(result.best_term_coverage, result.passages[i].term_coverage);
  result.relevant = !result.passages.empty() && (result.best_term_coverage >= options_.min_term_coverage ||
                                                 (result.semantic_used && result.best_similarity >= options_.min_semantic_similarity));
  result.timings.total_ms = ms_since(start);
  return result;
}

}  // namespace pw::rag
