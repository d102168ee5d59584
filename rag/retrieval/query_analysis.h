// What a question asks for, as search terms: the meaningful words (stop words dropped), the
// phrases that must match as a whole, and the FTS5 expressions built from them.
//
//   pw::rag::AnalyzedQuery q = pw::rag::analyze_query("Can I carry over 5 days of \"annual leave\"?");
//   q.terms     -> carry, over, 5, days, annual, leave   (stems "carri", "over", ...)
//   q.phrases   -> ["annual leave"]                        (typed in quotes)
//   fts_phrase_expression(q) == "\"annual leave\""
//   fts_all_expression(q)    == "\"carry\" AND \"over\" AND ..."
//   fts_any_expression(q)    == "\"annual leave\" OR \"carry\" OR \"over\" OR ..."
//
// Phrases: text the user put in double quotes, hyphenated compounds ("carry-over",
// "COVID-19") and numbers with separators ("1,600", "2.5"), which the FTS tokenizer splits.
// Must not change: every FTS term or phrase is emitted in double quotes and contains only word
// characters and single spaces, so the expressions are always valid FTS5 syntax whatever the
// user typed; terms keep the user's spelling so FTS5 folds and stems them exactly as it did
// the indexed text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pw::rag {

struct QueryTerm {
  std::string raw;   // as typed (for FTS5), e.g. "Leave"
  std::string text;  // normalised: "leave"
  std::string stem;  // Porter stem: "leav"
  bool number = false;
};

struct QueryPhrase {
  std::vector<std::string> raw;    // words as typed
  std::vector<std::string> stems;  // their stems, for matching in passages
};

struct AnalyzedQuery {
  std::vector<QueryTerm> terms;      // distinct by stem, in question order
  std::vector<QueryPhrase> phrases;  // distinct, in question order
  bool only_stopwords = false;       // nothing meaningful: `terms` then holds every word

  bool empty() const { return terms.empty() && phrases.empty(); }
};

inline constexpr size_t kMaxQueryTerms = 32;
inline constexpr size_t kMaxQueryPhrases = 8;
inline constexpr size_t kMaxPhraseWords = 8;

AnalyzedQuery analyze_query(std::string_view question);

// True for words that carry no topic in a question ("what", "the", "does", "please").
// `word` must be normalised (normalize_word).
bool is_question_stopword(std::string_view word);

// Phrases and terms joined with OR (empty when the query is empty).
std::string fts_any_expression(const AnalyzedQuery& query);
// Terms joined with AND; empty when there are fewer than two terms.
std::string fts_all_expression(const AnalyzedQuery& query);
// The phrases joined with OR; empty when there are none.
std::string fts_phrase_expression(const AnalyzedQuery& query);

}  // namespace pw::rag
