// The Porter (1980) suffix-stripping stemmer for English words, as used by SQLite FTS5's
// "porter" tokenizer: "connections", "connected", "connecting" -> "connect".
//
//   std::string s = pw::rag::porter_stem("carried");   // "carri"
//
// Input must be lower-case ASCII letters; anything else (digits, other scripts, words of one
// or two letters) is returned unchanged. Written from the published algorithm description
// (M.F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980).
#pragma once

#include <string>
#include <string_view>

namespace pw::rag {

std::string porter_stem(std::string_view word);

}  // namespace pw::rag
