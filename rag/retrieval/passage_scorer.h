// BM25 over a small set of passages (the chunks of one document), with term statistics taken
// from that set, plus which query terms and phrases each passage contains.
//
//   pw::rag::PassageScorer scorer(query, {.heading_weight = 2.0});
//   std::vector<pw::rag::PassageMatch> m = scorer.score(chunks);   // one per chunk, same order
//   m[i].score;            // higher is better, comparable within this call only
//   m[i].terms_present;    // bit i set when query.terms[i] occurs in chunk i (text or heading)
//
//   m = scorer.score(some_chunks, {.passages = 120, .term_df = {...}, .phrase_df = {...}});
//
// Why local statistics: a question that names a contract's parties ("Purolator", "Dynamex")
// finds the contract through those names, but they occur in nearly every chunk of it; inside
// the document, only the words that are rare there ("governed", "laws") tell the clauses
// apart. Scoring with the document's own statistics does exactly that.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rag/retrieval/query_analysis.h"
#include "rag/retrieval/word_tokens.h"

namespace pw::rag {

struct PassageScorerOptions {
  double heading_weight = 2.0;  // a heading-path occurrence counts as this many text ones
  double phrase_weight = 1.0;   // a phrase match adds this many times the phrase's BM25 term
  double k1 = 1.2;
  double b = 0.75;
};

// One passage to score: its text and heading path.
struct PassageText {
  std::string_view text;
  std::string_view heading;
  int tokens = 0;  // the chunk's stored token count, when known (PassageStatistics::average_tokens)
};

// Term statistics of a larger set than the passages scored (a whole document of which only
// some chunks are read): its size, per-term and per-phrase passage frequencies, mean length.
struct PassageStatistics {
  double passages = 0;
  std::vector<double> term_df;    // per query term
  std::vector<double> phrase_df;  // per query phrase
  double average_length = 0;      // 0: the mean of the passages scored ...
  // ... or, when set and the passages carry their token counts, the set's mean token count
  // times the passages' words per token: the set's mean length without reading all of it.
  double average_tokens = 0;
};

struct PassageMatch {
  double score = 0;
  uint64_t terms_present = 0;    // bit i: query.terms[i] occurs (first 64 terms)
  uint32_t phrases_present = 0;  // bit i: query.phrases[i] occurs
};

class PassageScorer {
 public:
  PassageScorer(const AnalyzedQuery& query, PassageScorerOptions options = {});
  std::vector<PassageMatch> score(std::span<const PassageText> passages) const;
  // With the statistics of the set the passages come from (sizes must match the query's).
  std::vector<PassageMatch> score(std::span<const PassageText> passages, const PassageStatistics& set) const;

 private:
  struct Counts;
  Counts count(const PassageText& p) const;
  void add_counts(std::string_view text, size_t max_words, double weight, Counts& c) const;

  const AnalyzedQuery& query_;
  PassageScorerOptions options_;
  // Every stem of the query (terms and phrase words), its term index (-1: phrase word only),
  // and the first letters they start with: Porter stemming only rewrites a word's ending, so a
  // word whose first byte starts no query stem is counted without being stemmed.
  std::vector<std::string> stems_;
  std::vector<int> term_of_stem_;
  std::vector<std::vector<int>> phrase_stems_;  // per phrase: indexes into stems_
  size_t longest_phrase_ = 0;
  bool first_byte_[256] = {};
};

// Which query terms (bits as in PassageMatch::terms_present) occur among these words.
uint64_t terms_present(const AnalyzedQuery& query, std::span<const WordToken> words);

}  // namespace pw::rag
