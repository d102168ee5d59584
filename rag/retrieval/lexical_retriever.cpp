#include "rag/retrieval/lexical_retriever.h"

#include <algorithm>
#include <unordered_map>

namespace pw::rag {

Result<std::vector<LexicalHit>> lexical_search(LibraryStore& store, const AnalyzedQuery& query,
                                               const SearchFilter& filter, const LexicalOptions& options) {
  std::vector<LexicalHit> out;
  if (query.empty()) return out;
  auto any = fts_candidates(store, fts_any_expression(query), options.any_term_candidates, filter, options.columns);
  if (!any) return any.error();
  if (any->empty()) return out;

  // The pool: every candidate with its library-wide score G (unnormalised for now).
  std::unordered_map<int64_t, LexicalHit> pool;
  for (const FtsCandidate& c : *any) pool.emplace(c.chunk_id, LexicalHit{c.chunk_id, c.document_id, 0, c.score, 0, 0});
  const double floor_score = any->back().score;  // what a chunk outside the any-term top list gets
  const std::pair<std::string, int> extra_queries[] = {
      {fts_phrase_expression(query), options.phrase_candidates},
      {fts_all_expression(query), options.all_terms_candidates},
  };
  for (const auto& [expression, limit] : extra_queries) {
    if (expression.empty()) continue;
    auto extra = fts_candidates(store, expression, limit, filter, options.columns);
    if (!extra) return extra.error();
    for (const FtsCandidate& c : *extra) pool.emplace(c.chunk_id, LexicalHit{c.chunk_id, c.document_id, 0, floor_score, 0, 0});
  }

  double best = 0;
  for (const auto& [id, h] : pool) best = std::max(best, h.fts_score);
  if (best <= 0) best = 1;
  std::unordered_map<int64_t, double> document_score;
  for (auto& [id, h] : pool) {
    h.fts_score = std::max(0.0, h.fts_score / best);
    double& d = document_score[h.document_id];
    d = std::max(d, h.fts_score);
  }

  // The best documents, rescored with their own statistics.
  std::vector<std::pair<double, int64_t>> documents;
  for (const auto& [doc, s] : document_score) documents.emplace_back(s, doc);
  std::sort(documents.begin(), documents.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  if (documents.size() > static_cast<size_t>(std::max(0, options.documents_rescored)))
    documents.resize(static_cast<size_t>(std::max(0, options.documents_rescored)));
  PassageScorer scorer(query, options.passage);
  for (const auto& [dscore, doc] : documents) {
    auto record = store.document(doc);
    if (!record) return record.error();
    if (!*record) continue;
    std::vector<ChunkRecord> chunks;
    if ((*record)->chunk_count <= options.max_document_chunks) {
      auto all = store.document_chunks(doc);
      if (!all) return all.error();
      chunks = std::move(*all);
    } else {
      std::vector<int64_t> ids;
      for (const auto& [id, h] : pool)
        if (h.document_id == doc) ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      auto some = store.chunks(ids);
      if (!some) return some.error();
      chunks = std::move(*some);
    }
    std::vector<PassageText> texts;
    texts.reserve(chunks.size());
    for (const auto& c : chunks) texts.push_back(PassageText{c.text, c.heading_path});
    std::vector<PassageMatch> matches = scorer.score(texts);
    double local_best = 0;
    for (const auto& m : matches) local_best = std::max(local_best, m.score);
    if (local_best <= 0) continue;
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (matches[i].score <= 0) continue;
      auto [it, inserted] = pool.emplace(chunks[i].id, LexicalHit{chunks[i].id, doc, 0, 0, 0, 0});
      it->second.local_score = matches[i].score / local_best;
    }
  }

  out.reserve(pool.size());
  for (auto& [id, h] : pool) {
    h.document_score = document_score[h.document_id];
    h.score = options.document_weight * h.document_score + h.fts_score + h.local_score;
    out.push_back(h);
  }
  std::sort(out.begin(), out.end(), [](const LexicalHit& a, const LexicalHit& b) {
    return a.score != b.score ? a.score > b.score : a.chunk_id < b.chunk_id;
  });
  return out;
}

}  // namespace pw::rag
