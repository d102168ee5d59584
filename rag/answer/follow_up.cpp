#include "rag/answer/follow_up.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "ingest/utf8.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/retrieval/word_tokens.h"

namespace pw::rag {
namespace {

// Words that point back to something said before.
bool refers_back(std::string_view word) {
  static constexpr std::array<std::string_view, 19> kWords = {
      "it", "its", "itself", "this", "that", "these", "those", "they", "them", "their", "theirs",
      "there", "he", "she", "him", "her", "his", "such", "same"};
  for (std::string_view w : kWords)
    if (word == w) return true;
  return false;
}

// Openings that continue the previous question ("and for children?", "what about ...").
bool continues(const std::vector<WordToken>& words) {
  if (words.empty()) return false;
  const std::string& a = words[0].text;
  if (a == "and" || a == "also" || a == "or" || a == "but" || a == "so" || a == "then") return true;
  if (words.size() >= 2) {
    const std::string& b = words[1].text;
    if ((a == "what" || a == "how") && b == "about") return true;
    if (a == "what" && b == "if") return true;
  }
  return false;
}

}  // namespace

bool is_follow_up(std::string_view question) {
  std::vector<WordToken> words = word_tokens(question, 256);
  if (words.empty()) return false;
  if (continues(words)) return true;
  for (const WordToken& w : words)
    if (refers_back(w.text)) return true;
  AnalyzedQuery q = analyze_query(question);
  size_t meaningful = q.only_stopwords ? 0 : q.terms.size();
  return meaningful <= 2;
}

std::string standalone_question(std::string_view question, std::span<const ChatMessage> history) {
  // The user turns before this one, each made standalone in turn (one pass, oldest first).
  std::string previous;
  for (const ChatMessage& m : history) {
    if (m.role != "user" || m.content.empty()) continue;
    std::string made = (!previous.empty() && is_follow_up(m.content))
                           ? m.content + " (follow-up to: " + previous + ")"
                           : m.content;
    // A long chain keeps only its latest topics, cut at a character boundary.
    if (made.size() > 600) made.resize(ingest::utf8::floor_boundary(made, 600));
    previous = std::move(made);
  }
  if (previous.empty() || !is_follow_up(question)) return std::string(question);
  return std::string(question) + " (follow-up to: " + previous + ")";
}

void prefer_follow_up_words(std::string_view follow_up, std::vector<Passage>& passages) {
  AnalyzedQuery own = analyze_query(follow_up);
  if (own.only_stopwords || own.terms.empty()) return;
  std::unordered_set<std::string> stems;
  for (const QueryTerm& t : own.terms) stems.insert(t.stem);
  auto has_new_part = [&](const Passage& p) {
    std::unordered_set<std::string> seen;
    for (const WordToken& w : word_tokens(p.document_title + "\n" + p.heading_path + "\n" + p.full_text(), 1u << 16))
      if (stems.count(w.stem)) seen.insert(w.stem);
    return 2 * seen.size() >= stems.size();
  };
  std::stable_partition(passages.begin(), passages.end(), has_new_part);
}

}  // namespace pw::rag
