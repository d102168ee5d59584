#include "engine/tokenizer/word_cache.h"

#include <algorithm>

#include "engine/tokenizer/piece_table.h"

namespace pw::tokenizer {

WordCache::WordCache(size_t text_bytes) {
  // About one slot per 2 bytes of text for short texts, at most 64 Ki slots (1.5 MiB).
  size_t capacity = 16;
  while (capacity < text_bytes / 2 && capacity < (size_t{1} << 16)) capacity *= 2;
  slots_.resize(capacity);
  mask_ = capacity - 1;
}

bool WordCache::append_cached(std::string_view word, std::vector<int32_t>& out) const {
  if (word.size() > kMaxWordBytes) return false;
  const uint64_t h = hash_bytes(word.data(), word.size());
  for (size_t s = h & mask_;; s = (s + 1) & mask_) {
    const Slot& slot = slots_[s];
    if (slot.key == nullptr) return false;
    if (slot.hash == static_cast<uint32_t>(h) && std::string_view(slot.key, slot.key_len) == word) {
      out.insert(out.end(), ids_.begin() + slot.first, ids_.begin() + slot.first + slot.count);
      return true;
    }
  }
}

void WordCache::remember(std::string_view word, const int32_t* ids, size_t count) {
  if (word.size() > kMaxWordBytes || (used_ + 1) * 2 > slots_.size()) return;
  const uint64_t h = hash_bytes(word.data(), word.size());
  size_t s = h & mask_;
  while (slots_[s].key != nullptr) {
    if (slots_[s].hash == static_cast<uint32_t>(h) && std::string_view(slots_[s].key, slots_[s].key_len) == word) return;
    s = (s + 1) & mask_;
  }
  slots_[s] = Slot{word.data(), static_cast<uint32_t>(word.size()), static_cast<uint32_t>(h),
                   static_cast<uint32_t>(ids_.size()), static_cast<uint32_t>(count)};
  ids_.insert(ids_.end(), ids, ids + count);
  ++used_;
}

}  // namespace pw::tokenizer
