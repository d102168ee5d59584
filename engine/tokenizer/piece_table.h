// A string -> dense id table for vocabularies: the texts live in one arena, lookups take a
// string_view and never allocate.
//
//   PieceTable t;
//   t.reserve(32000, 200000);
//   auto [id, added] = t.insert("hello");      // ids are 0, 1, 2, ... in insertion order
//   int32_t found = t.find("hello");           // -1 when absent
//   std::string_view s = t.text(id);
//
// Open addressing with linear probing over a power-of-two slot array kept at most half full,
// so a lookup is one hash of the key plus (on average) about one comparison. The table never
// holds more than 2^31 entries or 4 GiB of text (insert() reports that as failure; vocabularies
// are far smaller and the GGUF reader bounds them by the file size anyway).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pw::tokenizer {

// 64-bit hash of a byte string (multiply-xorshift over 8-byte words; fast for short keys).
inline uint64_t hash_bytes(const char* p, size_t n) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = 0x243F6A8885A308D3ull ^ (n * kMul);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  h = (h ^ tail ^ (static_cast<uint64_t>(n) << 56)) * kMul;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 29;
  return h;
}

class PieceTable {
 public:
  static constexpr int32_t kAbsent = -1;

  void reserve(size_t entries, size_t text_bytes);
  // Adds `text` with the next id. When it is already present: {existing id, false}. When the
  // table is full (2^31 entries or 4 GiB of text): {kAbsent, false}.
  std::pair<int32_t, bool> insert(std::string_view text);
  int32_t find(std::string_view text) const;
  std::string_view text(int32_t id) const {
    return std::string_view(arena_.data() + offsets_[static_cast<size_t>(id)],
                            offsets_[static_cast<size_t>(id) + 1] - offsets_[static_cast<size_t>(id)]);
  }
  size_t size() const { return offsets_.size() - 1; }
  size_t text_bytes() const { return arena_.size(); }

 private:
  void grow();
  size_t probe(std::string_view text, uint64_t hash) const;  // slot holding text, or the empty slot

  struct Slot {
    uint32_t hash;  // low 32 bits of the key's hash: most mismatches never touch the arena
    int32_t id;     // kAbsent when free
  };

  std::string arena_;
  std::vector<uint32_t> offsets_{0};  // id -> [offsets_[id], offsets_[id + 1])
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace pw::tokenizer
