// SentencePiece-style encoding (tokenizer.ggml.model = "llama"): pieces with scores, merged
// pairwise, best score first, with byte fallback for what no piece covers.
//
//   SpmEncoder spm(vocab);
//   spm.encode("\xE2\x96\x81Hello\xE2\x96\x81world", out);   // text already escaped: ' ' -> U+2581
//
// Algorithm (must match llama.cpp's llm_tokenizer_spm, the fixtures depend on it): the text is
// cut into UTF-8 characters by lead byte (no validation); every adjacent pair whose
// concatenation is a vocabulary piece is queued with that piece's score; the best pair (ties:
// the leftmost) is merged and its new neighbours queued, until none is left. Each remaining
// symbol is its piece's id, or one byte token per byte (<0xXX>) when it is not a piece.
// When no piece has U+2581 after another character (Vocab::spaces_only_start_pieces) no merge
// can cross the start of a word, so each word is merged on its own: identical ids, linear time.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocab.h"

namespace pw::tokenizer {

class SpmEncoder {
 public:
  explicit SpmEncoder(const Vocab& vocab) : vocab_(vocab) {}
  // Appends the ids of `text` to `out`. O(n log n) in the length of the text.
  void encode(std::string_view text, std::vector<int32_t>& out) const;

  struct Symbol {
    int32_t prev;
    int32_t next;
    uint32_t start;  // byte offset in the text
    uint32_t len;    // 0 once merged into its left neighbour
  };
  struct Bigram {
    int32_t left;
    int32_t right;
    float score;
    uint32_t size;
  };

 private:
  void encode_segment(std::string_view text, std::vector<Symbol>& symbols, size_t begin, size_t end,
                      std::vector<Bigram>& queue, std::vector<int32_t>& out) const;
  const Vocab& vocab_;
};

// ' ' -> U+2581 (what SentencePiece-style vocabularies store instead of spaces).
void escape_spaces(std::string_view text, std::string& out);

}  // namespace pw::tokenizer
