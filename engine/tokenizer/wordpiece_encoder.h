// WordPiece encoding (tokenizer.ggml.model = "bert"), as BERT's tokenizer and llama.cpp's
// llm_tokenizer_wpm do it.
//
//   WordPieceEncoder wpm(vocab);
//   wpm.encode("Hello, World!", out);    // -> hello , world !   (ids; no [CLS]/[SEP] here)
//
// Normalise: NFD (first code point only: accents fall away) when strip_accents, drop control
// characters, U+0000, U+FFFD and (when strip_accents) combining marks, lowercase when asked.
// Split on whitespace; punctuation, ASCII symbols and CJK ideographs become one-character
// words. Each word gets the word-start marker U+2581 (the GGUF converter stores "##" pieces
// without a prefix and word-initial pieces with U+2581), then the longest vocabulary piece is
// taken greedily from the left, byte by byte; a word that cannot be covered becomes [UNK].
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocab.h"

namespace pw::tokenizer {

class WordPieceEncoder {
 public:
  explicit WordPieceEncoder(const Vocab& vocab) : vocab_(vocab) {}
  void encode(std::string_view text, std::vector<int32_t>& out) const;

 private:
  void encode_word(std::string_view word, std::vector<int32_t>& out) const;
  const Vocab& vocab_;
};

}  // namespace pw::tokenizer
