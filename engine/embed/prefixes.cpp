#include "engine/embed/prefixes.h"

#include <array>
#include <cctype>
#include <initializer_list>
#include <string>

namespace pw::embed {
namespace {

// The one table. `word` is matched against the words of the model's names.
struct Row {
  std::string_view word;
  PrefixFamily family;
};
constexpr std::array<Row, 6> kTable{{
    {"nomic", {"nomic", "search_query: ", "search_document: "}},
    {"e5", {"e5", "query: ", "passage: "}},
    {"bge", {"bge", "Represent this sentence for searching relevant passages: ", ""}},
    {"minilm", {"minilm", "", ""}},
    {"gte", {"gte", "", ""}},
    {"", {"none", "", ""}},
}};

bool has_word(std::string_view text, std::string_view word) {
  // Words are runs of letters and digits: "multilingual-e5-small" -> multilingual, e5, small;
  // "all-MiniLM-L6-v2" -> all, minilm, l6, v2.
  std::string current;
  auto done = [&] { return !current.empty() && current == word; };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      current += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (done()) return true;
      current.clear();
    }
  }
  return done();
}

}  // namespace

const char* role_name(EmbedRole role) {
  switch (role) {
    case EmbedRole::Query: return "query";
    case EmbedRole::Passage: return "passage";
    case EmbedRole::Raw: return "raw";
  }
  return "?";
}

const PrefixFamily& prefix_family(std::string_view architecture, std::initializer_list<std::string_view> names) {
  if (architecture == "nomic-bert") return kTable[0].family;
  for (const Row& row : kTable) {
    if (row.word.empty()) break;
    for (std::string_view name : names)
      if (has_word(name, row.word)) return row.family;
  }
  return kTable.back().family;
}

}  // namespace pw::embed
