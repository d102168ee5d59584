#include "rag/retrieval/passage_scorer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "rag/retrieval/porter_stemmer.h"

namespace pw::rag {

struct PassageScorer::Counts {
  std::vector<double> term_tf;    // per query term, heading occurrences weighted
  std::vector<double> phrase_tf;  // per phrase
  double length = 0;              // words in text + weighted heading words
};

PassageScorer::PassageScorer(const AnalyzedQuery& query, PassageScorerOptions options)
    : query_(query), options_(options) {
  auto stem_index = [&](const std::string& stem) {
    for (size_t i = 0; i < stems_.size(); ++i)
      if (stems_[i] == stem) return static_cast<int>(i);
    stems_.push_back(stem);
    term_of_stem_.push_back(-1);
    if (!stem.empty()) first_byte_[static_cast<unsigned char>(stem[0])] = true;
    return static_cast<int>(stems_.size() - 1);
  };
  for (size_t t = 0; t < query_.terms.size(); ++t) {
    int i = stem_index(query_.terms[t].stem);
    if (term_of_stem_[static_cast<size_t>(i)] < 0) term_of_stem_[static_cast<size_t>(i)] = static_cast<int>(t);
  }
  for (const QueryPhrase& p : query_.phrases) {
    std::vector<int> ids;
    for (const std::string& stem : p.stems) ids.push_back(stem_index(stem));
    longest_phrase_ = std::max(longest_phrase_, ids.size());
    phrase_stems_.push_back(std::move(ids));
  }
}

// Occurrences of the query's terms and phrases among the words of `text` (at most max_words),
// each counting `weight`; adds the number of words to c.length (unweighted).
void PassageScorer::add_counts(std::string_view text, size_t max_words, double weight, Counts& c) const {
  // The stem ids of the last longest_phrase_ words (-1: not a query stem), for phrase matches.
  std::vector<int> recent(std::max<size_t>(longest_phrase_, 1), -1);
  size_t words = 0;
  WordScanner scanner(text);
  while (words < max_words && scanner.next()) {
    int id = -1;
    const std::string& w = scanner.word();
    if (first_byte_[static_cast<unsigned char>(w[0])]) {
      const std::string stem = porter_stem(w);
      for (size_t i = 0; i < stems_.size(); ++i)
        if (stems_[i] == stem) {
          id = static_cast<int>(i);
          break;
        }
    }
    recent[words % recent.size()] = id;
    ++words;
    if (id < 0) continue;
    if (int t = term_of_stem_[static_cast<size_t>(id)]; t >= 0) c.term_tf[static_cast<size_t>(t)] += weight;
    for (size_t p = 0; p < phrase_stems_.size(); ++p) {
      const std::vector<int>& ids = phrase_stems_[p];
      if (ids.empty() || ids.size() > words || ids.back() != id) continue;
      bool all = true;
      for (size_t k = 0; k < ids.size() && all; ++k)  // ids[size-1-k] against the word k back
        all = recent[(words - 1 - k) % recent.size()] == ids[ids.size() - 1 - k];
      if (all) c.phrase_tf[p] += weight;
    }
  }
  c.length += weight * static_cast<double>(words);
}

PassageScorer::Counts PassageScorer::count(const PassageText& p) const {
  Counts c;
  c.term_tf.assign(query_.terms.size(), 0.0);
  c.phrase_tf.assign(query_.phrases.size(), 0.0);
  add_counts(p.text, size_t{1} << 20, 1.0, c);
  add_counts(p.heading, 256, options_.heading_weight, c);
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
