// What an embedding model expects in front of a text, by family and role, from one table.
// Retrieval models are trained with these prefixes; leaving them out (or using another
// family's) costs recall, so the caller only says "query" or "passage".
//
//   const pw::embed::PrefixFamily& fam = pw::embed::prefix_family("nomic-bert", "nomic-embed-text-v1.5");
//   std::string q = std::string(fam.prefix(pw::embed::EmbedRole::Query)) + text;   // "search_query: ..."
//
// Families (matched on the architecture, then on words of general.name / basename / file name):
//   nomic   "search_query: "  / "search_document: "
//   e5      "query: "         / "passage: "
//   bge     "Represent this sentence for searching relevant passages: " / none
//   minilm, gte and anything unknown: none.
// EmbedRole::Raw embeds the text exactly as given.
#pragma once

#include <string_view>

namespace pw::embed {

enum class EmbedRole { Query, Passage, Raw };
const char* role_name(EmbedRole role);

struct PrefixFamily {
  std::string_view family;          // "nomic", "e5", "bge", "minilm", "gte", "none"
  std::string_view query_prefix;
  std::string_view passage_prefix;
  std::string_view prefix(EmbedRole role) const {
    return role == EmbedRole::Query ? query_prefix : role == EmbedRole::Passage ? passage_prefix : std::string_view{};
  }
};

// `architecture` is general.architecture; `names` any identifying strings (general.name,
// general.basename, the file name), searched word by word, case-insensitively.
const PrefixFamily& prefix_family(std::string_view architecture, std::initializer_list<std::string_view> names);

}  // namespace pw::embed
