#include "rag/retrieval/passage_scorer.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace pw::rag {

struct PassageScorer::Counts {
  std::vector<double> term_tf;    // per query term, heading occurrences weighted
  std::vector<double> phrase_tf;  // per phrase
  double length = 0;              // words in text + weighted heading words
};

PassageScorer::PassageScorer(const AnalyzedQuery& query, PassageScorerOptions options)
    : query_(query), options_(options) {
  for (size_t t = 0; t < query_.terms.size(); ++t) term_by_stem_.emplace(query_.terms[t].stem, t);
}

namespace {

// Occurrences of a phrase (consecutive stems) among the words.
int phrase_count(const std::vector<std::string>& stems, std::span<const WordToken> words) {
  if (stems.empty() || words.size() < stems.size()) return 0;
  int n = 0;
  for (size_t i = 0; i + stems.size() <= words.size(); ++i) {
    size_t k = 0;
    while (k < stems.size() && words[i + k].stem == stems[k]) ++k;
    if (k == stems.size()) ++n;
  }
  return n;
}

void add_counts(const AnalyzedQuery& q, const std::unordered_map<std::string, size_t>& term_by_stem,
                std::span<const WordToken> words, double weight, std::vector<double>& term_tf,
                std::vector<double>& phrase_tf) {
  for (const WordToken& w : words) {
    auto it = term_by_stem.find(w.stem);
    if (it != term_by_stem.end()) term_tf[it->second] += weight;
  }
  for (size_t p = 0; p < q.phrases.size(); ++p) phrase_tf[p] += weight * phrase_count(q.phrases[p].stems, words);
}

}  // namespace

PassageScorer::Counts PassageScorer::count(const PassageText& p) const {
  Counts c;
  c.term_tf.assign(query_.terms.size(), 0.0);
  c.phrase_tf.assign(query_.phrases.size(), 0.0);
  std::vector<WordToken> text = word_tokens(p.text);
  std::vector<WordToken> heading = word_tokens(p.heading, 256);
  add_counts(query_, term_by_stem_, text, 1.0, c.term_tf, c.phrase_tf);
  add_counts(query_, term_by_stem_, heading, options_.heading_weight, c.term_tf, c.phrase_tf);
  c.length = static_cast<double>(text.size()) + options_.heading_weight * static_cast<double>(heading.size());
  return c;
}

std::vector<PassageMatch> PassageScorer::score(std::span<const PassageText> passages) const {
  return score(passages, PassageStatistics{});
}

std::vector<PassageMatch> PassageScorer::score(std::span<const PassageText> passages,
                                               const PassageStatistics& set) const {
  std::vector<PassageMatch> out(passages.size());
  if (passages.empty() || query_.empty()) return out;
  std::vector<Counts> counts;
  counts.reserve(passages.size());
  double total_length = 0;
  for (const auto& p : passages) {
    counts.push_back(count(p));
    total_length += counts.back().length;
  }
  const bool external = set.passages > 0 && set.term_df.size() == query_.terms.size() &&
                        set.phrase_df.size() == query_.phrases.size();
  const double n = external ? std::max(set.passages, static_cast<double>(passages.size()))
                            : static_cast<double>(passages.size());
  double avg_length = total_length / static_cast<double>(passages.size());
  if (external && set.average_length > 0) {
    avg_length = set.average_length;
  } else if (external && set.average_tokens > 0) {
    double tokens = 0, length = 0;
    for (size_t i = 0; i < passages.size(); ++i) {
      if (passages[i].tokens <= 0) continue;
      tokens += passages[i].tokens;
      length += counts[i].length;
    }
    if (tokens > 0) avg_length = set.average_tokens * length / tokens;
  }
  avg_length = std::max(1.0, avg_length);
  auto idf = [&](double df) { return std::log(1.0 + (n - df + 0.5) / (df + 0.5)); };

  std::vector<double> term_df(query_.terms.size(), 0.0), phrase_df(query_.phrases.size(), 0.0);
  for (const Counts& c : counts) {
    for (size_t t = 0; t < c.term_tf.size(); ++t) term_df[t] += c.term_tf[t] > 0;
    for (size_t p = 0; p < c.phrase_tf.size(); ++p) phrase_df[p] += c.phrase_tf[p] > 0;
  }
  if (external) {
    // The set's counts, never fewer than the passages seen here hold.
    for (size_t t = 0; t < term_df.size(); ++t) term_df[t] = std::min(n, std::max(term_df[t], set.term_df[t]));
    for (size_t p = 0; p < phrase_df.size(); ++p) phrase_df[p] = std::min(n, std::max(phrase_df[p], set.phrase_df[p]));
  }
  const double k1 = options_.k1, b = options_.b;
  for (size_t i = 0; i < counts.size(); ++i) {
    const Counts& c = counts[i];
    const double norm = k1 * (1.0 - b + b * c.length / avg_length);
    double s = 0;
    for (size_t t = 0; t < c.term_tf.size(); ++t) {
      double tf = c.term_tf[t];
      if (tf <= 0) continue;
      s += idf(term_df[t]) * tf * (k1 + 1.0) / (tf + norm);
      if (t < 64) out[i].terms_present |= uint64_t{1} << t;
    }
    for (size_t p = 0; p < c.phrase_tf.size(); ++p) {
      double tf = c.phrase_tf[p];
      if (tf <= 0) continue;
      s += options_.phrase_weight * idf(phrase_df[p]) * tf * (k1 + 1.0) / (tf + norm);
      if (p < 32) out[i].phrases_present |= uint32_t{1} << p;
    }
    out[i].score = s;
  }
  return out;
}

uint64_t terms_present(const AnalyzedQuery& query, std::span<const WordToken> words) {
  uint64_t bits = 0;
  for (const WordToken& w : words)
    for (size_t t = 0; t < query.terms.size() && t < 64; ++t)
      if (w.stem == query.terms[t].stem) bits |= uint64_t{1} << t;
  return bits;
}

}  // namespace pw::rag
