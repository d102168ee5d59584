#include "rag/retrieval/query_analysis.h"

#include <algorithm>
#include <unordered_set>

#include "rag/retrieval/word_tokens.h"

namespace pw::rag {
namespace {

// Function words and the verbs of asking. Kept to words that never name a topic: dropping a
// word that mattered costs more than keeping one that did not.
const std::unordered_set<std::string_view>& stopwords() {
  static const std::unordered_set<std::string_view> kWords = {
      "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
      "be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does",
      "doing", "don", "doesn", "didn", "during", "each", "either", "else", "even", "ever", "every",
      "explain", "for", "from", "further", "get", "give", "had", "has", "have", "he", "her", "here",
      "hers", "him", "his", "how", "i", "if", "in", "into", "is", "isn", "aren", "it", "its", "just",
      "let", "like", "many", "may", "me", "might", "more", "most", "much", "must", "my", "need", "no", "nor",
      "not", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "own",
      "please", "s", "same", "shall", "she", "should", "show", "so", "some", "such", "t", "tell",
      "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this",
      "those", "through", "to", "too", "us", "very", "was", "wasn", "we", "were", "weren", "what",
      "whatever", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why",
      "will", "with", "would", "you", "your", "yours", "describe", "list", "find", "know", "want",
      "according", "upon", "ll", "ve", "re", "d", "m"};
  return kWords;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Word {
  WordToken token;
  std::string raw;
  bool quoted = false;
  int group = -1;  // index of the compound ("carry-over", "1,600") this word belongs to
};

void add_phrase(AnalyzedQuery& q, const std::vector<const Word*>& words) {
  if (words.size() < 2 || q.phrases.size() >= kMaxQueryPhrases) return;
  QueryPhrase p;
  for (const Word* w : words) {
    if (p.raw.size() >= kMaxPhraseWords) break;
    p.raw.push_back(w->raw);
    p.stems.push_back(w->token.stem);
  }
  for (const auto& existing : q.phrases)
    if (existing.stems == p.stems) return;
  q.phrases.push_back(std::move(p));
}

}  // namespace

bool is_question_stopword(std::string_view word) { return stopwords().count(word) > 0; }

AnalyzedQuery analyze_query(std::string_view question) {
  AnalyzedQuery q;
  if (question.size() > 4096) question = question.substr(0, 4096);  // a question, not a book
  std::vector<WordToken> tokens = word_tokens(question, 256);

  // Quoted regions: between pairs of straight or curly double quotes.
  std::vector<std::pair<size_t, size_t>> quoted;
  {
    size_t open = std::string_view::npos;
    for (size_t i = 0; i < question.size(); ++i) {
      bool quote = question[i] == '"';
      size_t width = 1;
      if (!quote && i + 2 < question.size() && question.compare(i, 3, "\xE2\x80\x9C") == 0) quote = true, width = 3;
      if (!quote && i + 2 < question.size() && question.compare(i, 3, "\xE2\x80\x9D") == 0) quote = true, width = 3;
      if (!quote) continue;
      if (open == std::string_view::npos) {
        open = i + width;
      } else {
        quoted.emplace_back(open, i);
        open = std::string_view::npos;
      }
      i += width - 1;
    }
  }

  std::vector<Word> words;
  words.reserve(tokens.size());
  for (auto& t : tokens) {
    Word w;
    w.raw = std::string(question.substr(t.begin, t.end - t.begin));
    for (const auto& [b, e] : quoted)
      if (t.begin >= b && t.end <= e) w.quoted = true;
    w.token = std::move(t);
    words.push_back(std::move(w));
  }
  // Compounds: words joined by one hyphen, or digit groups joined by one ',' or '.'.
  int groups = 0;
  for (size_t i = 1; i < words.size(); ++i) {
    const Word& a = words[i - 1];
    const Word& b = words[i];
    if (b.token.begin != a.token.end + 1) continue;
    char sep = question[a.token.end];
    bool numeric = (sep == ',' || sep == '.') && all_digits(a.token.text) && all_digits(b.token.text);
    if (sep == '-' || sep == '/' || numeric) {
      if (words[i - 1].group < 0) words[i - 1].group = groups++;
      words[i].group = words[i - 1].group;
    }
  }

  // Phrases: quoted runs first, then compounds.
  for (const auto& [b, e] : quoted) {
    std::vector<const Word*> run;
    for (const Word& w : words)
      if (w.token.begin >= b && w.token.end <= e) run.push_back(&w);
    add_phrase(q, run);
  }
  for (int g = 0; g < groups; ++g) {
    std::vector<const Word*> run;
    for (const Word& w : words)
      if (w.group == g) run.push_back(&w);
    add_phrase(q, run);
  }

  // Terms: meaningful words, distinct by stem. Parts of a number compound ("1" of "1,600")
  // are not terms on their own: the phrase stands for them.
  auto is_numeric_part = [&](const Word& w) {
    if (w.group < 0) return false;
    for (const Word& o : words)
      if (o.group == w.group && !all_digits(o.token.text)) return false;
    return true;
  };
  std::unordered_set<std::string> seen;
  std::vector<QueryTerm> all;
  for (const Word& w : words) {
    if (is_numeric_part(w)) continue;
    if (!seen.insert(w.token.stem).second) continue;
    QueryTerm t{w.raw, w.token.text, w.token.stem, all_digits(w.token.text)};
    if (t.raw.size() > 64) continue;
    if (w.quoted || !is_question_stopword(t.text)) q.terms.push_back(t);
    all.push_back(std::move(t));
  }
  if (q.terms.empty() && q.phrases.empty() && !all.empty()) {
    q.terms = std::move(all);  // "What is it?" still searches for something
    q.only_stopwords = true;
  }
  if (q.terms.size() > kMaxQueryTerms) q.terms.resize(kMaxQueryTerms);
  return q;
}

namespace {

std::string quoted_phrase(const std::vector<std::string>& words) {
  std::string out = "\"";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += ' ';
    out += words[i];
  }
  return out + "\"";
}

}  // namespace

std::string fts_phrase_expression(const AnalyzedQuery& query) {
  std::string out;
  for (const auto& p : query.phrases) {
    if (!out.empty()) out += " OR ";
    out += quoted_phrase(p.raw);
  }
  return out;
}

std::string fts_any_expression(const AnalyzedQuery& query) {
  std::string out = fts_phrase_expression(query);
  for (const auto& t : query.terms) {
    if (!out.empty()) out += " OR ";
    out += "\"" + t.raw + "\"";
  }
  return out;
}

std::string fts_all_expression(const AnalyzedQuery& query) {
  if (query.terms.size() < 2) return {};
  std::string out;
  for (const auto& t : query.terms) {
    if (!out.empty()) out += " AND ";
    out += "\"" + t.raw + "\"";
  }
  return out;
}

}  // namespace pw::rag
