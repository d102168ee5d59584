// Turns whatever a user typed into a safe FTS5 MATCH expression.
//
//   std::string m = pw::rag::fts_match_expression("What's the carry-over rule?");
//   // m == "\"carry-over\" OR \"rule\""   (stopwords dropped, every term quoted)
//   if (m.empty()) return {};             // nothing searchable: no hits, not an error
//
// Why: FTS5 has its own query syntax (AND, OR, NOT, NEAR, column filters, ^, *, quotes,
// parentheses). Passing user text through unquoted makes "C++" or "NOT" or an apostrophe
// a syntax error or a different query. Must not change: every term is emitted inside double
// quotes with no quote inside, so the result is always a valid expression; the tokenizer
// then splits the quoted text exactly as it split the indexed text ("carry-over" becomes
// the phrase "carry over").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pw::rag {

enum class FtsMatch {
  AnyTerm,   // OR: ranks chunks by how many and how rare the matched terms are (default)
  AllTerms,  // AND: every term must occur
};

// The quoted terms, in order, without duplicates (case-insensitive for ASCII). Common English
// stopwords are dropped unless nothing else is left. At most kMaxFtsTerms terms, each cut to
// kMaxFtsTermBytes at a UTF-8 boundary. Control characters and quotes act as spaces.
std::vector<std::string> fts_terms(std::string_view user_text);

// The terms joined with OR / AND, each as "term". Empty when there are no terms.
std::string fts_match_expression(std::string_view user_text, FtsMatch match = FtsMatch::AnyTerm);

inline constexpr size_t kMaxFtsTerms = 32;
inline constexpr size_t kMaxFtsTermBytes = 128;

}  // namespace pw::rag
