#include "rag/retrieval/relevance.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "rag/retrieval/library_queries.h"

namespace pw::rag {
namespace {
constexpr int64_t kDocumentFrequencyCap = 50000;
}

Result<std::vector<double>> query_term_weights(LibraryStore& store, const AnalyzedQuery& query) {
  std::vector<double> weights;
  auto total = library_chunk_count(store);
  if (!total) return total.error();
  const double n = static_cast<double>(std::max<int64_t>(*total, 1));
  auto idf = [&](int64_t df) {
    double d = static_cast<double>(df);
    return std::log(1.0 + (n - d + 0.5) / (d + 0.5));
  };
  for (const auto& t : query.terms) {
    auto df = fts_document_frequency(store, "\"" + t.raw + "\"", kDocumentFrequencyCap);
    if (!df) return df.error();
    weights.push_back(idf(*df));
  }
  for (const auto& p : query.phrases) {
    std::string expression = "\"";
    for (size_t i = 0; i < p.raw.size(); ++i) expression += (i ? " " : "") + p.raw[i];
    expression += "\"";
    auto df = fts_document_frequency(store, expression, kDocumentFrequencyCap);
    if (!df) return df.error();
    weights.push_back(idf(*df));
  }
  return weights;
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
