// Remembers the ids of words already encoded during one encode call: natural text repeats its
// words ("the", " of", "▁patient"), and a hash lookup is much cheaper than merging again.
//
//   WordCache cache(text.size());                     // sized for the text, bounded
//   if (!cache.append_cached(word, out)) { size_t n0 = out.size(); encode_word(word, out);
//                                          cache.remember(word, out.data() + n0, out.size() - n0); }
//
// Keys are views into the caller's text, which must outlive the cache. The cache stops taking
// new words when half full (no rehashing, no unbounded growth), and skips long words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pw::tokenizer {

class WordCache {
 public:
  explicit WordCache(size_t text_bytes);
  // Appends the remembered ids of `word` to `out`; false when it is not remembered.
  bool append_cached(std::string_view word, std::vector<int32_t>& out) const;
  void remember(std::string_view word, const int32_t* ids, size_t count);

  static constexpr size_t kMaxWordBytes = 48;

 private:
  struct Slot {
    const char* key = nullptr;
    uint32_t key_len = 0;
    uint32_t hash = 0;
    uint32_t first = 0;  // into ids_
    uint32_t count = 0;
  };
  std::vector<Slot> slots_;
  std::vector<int32_t> ids_;
  size_t mask_ = 0;
  size_t used_ = 0;
};

}  // namespace pw::tokenizer
