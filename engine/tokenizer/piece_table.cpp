#include "engine/tokenizer/piece_table.h"

#include <limits>

namespace pw::tokenizer {

void PieceTable::reserve(size_t entries, size_t text_bytes) {
  arena_.reserve(text_bytes);
  offsets_.reserve(entries + 1);
  size_t capacity = 16;
  while (capacity < entries * 2) capacity *= 2;
  if (capacity > slots_.size()) {
    std::vector<Slot> old(capacity, Slot{0, kAbsent});
    old.swap(slots_);
    mask_ = capacity - 1;
    for (const Slot& slot : old) {
      if (slot.id == kAbsent) continue;
      size_t s = slot.hash & mask_;
      while (slots_[s].id != kAbsent) s = (s + 1) & mask_;
      slots_[s] = slot;
    }
  }
}

void PieceTable::grow() { reserve(slots_.empty() ? 8 : slots_.size(), arena_.size()); }

size_t PieceTable::probe(std::string_view text, uint64_t hash) const {
  const auto h32 = static_cast<uint32_t>(hash);
  size_t s = hash & mask_;
  while (true) {
    const Slot& slot = slots_[s];
    if (slot.id == kAbsent) return s;
    if (slot.hash == h32 && this->text(slot.id) == text) return s;
    s = (s + 1) & mask_;
  }
}

std::pair<int32_t, bool> PieceTable::insert(std::string_view text) {
  if (slots_.empty() || (size() + 1) * 2 > slots_.size()) grow();
  const uint64_t hash = hash_bytes(text.data(), text.size());
  const size_t s = probe(text, hash);
  if (slots_[s].id != kAbsent) return {slots_[s].id, false};
  if (size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max()) ||
      arena_.size() + text.size() > std::numeric_limits<uint32_t>::max())
    return {kAbsent, false};
  const auto id = static_cast<int32_t>(size());
  arena_.append(text);
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  slots_[s] = Slot{static_cast<uint32_t>(hash), id};
  return {id, true};
}

int32_t PieceTable::find(std::string_view text) const {
  if (slots_.empty()) return kAbsent;
  return slots_[probe(text, hash_bytes(text.data(), text.size()))].id;
}

}  // namespace pw::tokenizer
