#include "rag/retrieval/relevance.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

namespace pw::rag {

std::vector<double> query_term_weights(const QueryFrequencies& frequencies) {
  const double n = static_cast<double>(std::max<int64_t>(frequencies.chunks, 1));
  auto idf = [&](int64_t df) {
    double d = std::min(static_cast<double>(df), n);
    return std::log(1.0 + (n - d + 0.5) / (d + 0.5));
  };
  std::vector<double> weights;
  for (int64_t df : frequencies.term_df) weights.push_back(idf(df));
  for (int64_t df : frequencies.phrase_df) weights.push_back(idf(df));
  return weights;
}

Result<std::vector<double>> query_term_weights(LibraryStore& store, const AnalyzedQuery& query) {
  FtsReader fts(store);
  auto f = query_frequencies(fts, query);
  if (!f) return f.error();
  return query_term_weights(*f);
}

double term_coverage(const AnalyzedQuery& query, std::span<const double> weights, std::span<const WordToken> words) {
  if (weights.size() != query.terms.size() + query.phrases.size()) return 0;
  std::unordered_set<std::string_view> stems;
  for (const WordToken& w : words) stems.insert(w.stem);
  double total = 0, found = 0;
  for (size_t t = 0; t < query.terms.size(); ++t) {
    total += weights[t];
    if (stems.count(query.terms[t].stem)) found += weights[t];
  }
  for (size_t p = 0; p < query.phrases.size(); ++p) {
    const auto& stems_p = query.phrases[p].stems;
    double w = weights[query.terms.size() + p];
    total += w;
    for (size_t i = 0; i + stems_p.size() <= words.size(); ++i) {
      size_t k = 0;
      while (k < stems_p.size() && words[i + k].stem == stems_p[k]) ++k;
      if (k == stems_p.size()) {
        found += w;
        break;
      }
    }
  }
  return total > 0 ? found / total : 0;
}

}  // namespace pw::rag
