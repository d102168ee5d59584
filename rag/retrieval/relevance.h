// How much of a question a passage covers, and the weights that measure it.
//
//   std::vector<double> w = *pw::rag::query_term_weights(store, query);  // IDF per term, then per phrase
//   double c = pw::rag::term_coverage(query, w, passage_words);          // 0..1
//
// Coverage is the IDF-weighted share of the question's terms (and phrases) that occur in the
// passage (text, heading path, document title). It is what decides "not found": a question
// whose rare words occur nowhere near the best passages is not answered from them, whatever
// its BM25 rank. Unlike BM25 it does not grow with the library, so one threshold holds for
// small and large libraries (calibrated by `pagewise-bench retrieval-eval`).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "rag/retrieval/lexical_retriever.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/retrieval/word_tokens.h"
#include "rag/store/library_store.h"

namespace pw::rag {

// IDF of each term then each phrase over the whole library: log(1 + (N - df + 0.5) / (df + 0.5)),
// with df from fts5vocab for terms and counted up to a cap for phrases.
Result<std::vector<double>> query_term_weights(LibraryStore& store, const AnalyzedQuery& query);
// The same from frequencies already read (the retriever reads them once per search).
std::vector<double> query_term_weights(const QueryFrequencies& frequencies);

// Share (0..1) of the total weight whose term or phrase occurs among `words`. 0 for an empty query.
double term_coverage(const AnalyzedQuery& query, std::span<const double> weights, std::span<const WordToken> words);

}  // namespace pw::rag
