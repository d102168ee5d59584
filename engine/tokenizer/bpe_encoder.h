// Byte-level BPE encoding (tokenizer.ggml.model = "gpt2"): pre-tokenise into words, map each
// byte to its GPT-2 "printable" code point, then merge adjacent symbols by merge rank.
//
//   auto bpe = BpeEncoder::build(vocab, file);       // reads tokenizer.ggml.merges
//   if (!bpe) return bpe.error();
//   bpe->encode("Hello world", out);                 // text: one fragment, no special tokens
//
// Speed: merges live in a hash map from (left symbol id, right symbol id) to (rank, merged id),
// so merging never builds strings; every word is merged on a small reused linked list with a
// heap of candidate pairs. Symbols that are not vocabulary tokens (a merge whose result is not
// in the vocabulary, a byte whose code point is missing) get ids past the vocabulary, so odd
// vocabularies behave exactly as in llama.cpp (whose llm_tokenizer_bpe this must match:
// lowest rank first, ties to the leftmost pair; a word that is itself a token is emitted whole
// when the vocabulary says ignore_merges; a final symbol that is not a token becomes the
// one-byte tokens of its text).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/piece_table.h"
#include "engine/tokenizer/vocab.h"
#include "engine/util/status.h"

namespace pw::tokenizer {

// The GPT-2 byte <-> code point mapping: printable Latin-1 bytes map to themselves, the other
// 68 to U+0100.. in byte order.
uint32_t byte_to_codepoint(uint8_t b);
// -1 when cp is not one of the 256 code points of the mapping.
int codepoint_to_byte(uint32_t cp);

class BpeEncoder {
 public:
  static Result<BpeEncoder> build(const Vocab& vocab, const gguf::GgufFile& file);

  // Appends the ids of `text` (one fragment without special tokens) to `out`.
  void encode(std::string_view text, std::vector<int32_t>& out) const;

  size_t merge_count() const { return merge_count_; }

 private:
  struct MergeSlot {
    uint64_t key;    // left << 32 | right; kEmpty when free
    int32_t rank;
    int32_t result;  // symbol id of the merged text
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  explicit BpeEncoder(const Vocab& vocab) : vocab_(&vocab) {}
  int32_t lookup_symbol(std::string_view text) const;
  int32_t intern_symbol(std::string_view text);
  std::string_view symbol_text(int32_t id) const;
  const MergeSlot* find_merge(int32_t left, int32_t right) const;
  void insert_merge(int32_t left, int32_t right, int32_t rank, int32_t result);
  void encode_word(std::string_view word, struct BpeScratch& scratch, std::vector<int32_t>& out) const;

  const Vocab* vocab_;
  PieceTable extra_symbols_;  // merge parts that are not tokens; symbol id = vocab size + index
  std::vector<MergeSlot> merges_;
  size_t merge_mask_ = 0;
  size_t merge_count_ = 0;
  int32_t byte_symbol_[256] = {};
  std::string byte_text_[256];  // UTF-8 of byte_to_codepoint(b)
};

}  // namespace pw::tokenizer
