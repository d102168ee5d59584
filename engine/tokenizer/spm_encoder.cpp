#include "engine/tokenizer/spm_encoder.h"

#include <algorithm>

#include "engine/tokenizer/unicode.h"
#include "engine/tokenizer/word_cache.h"

namespace pw::tokenizer {

namespace {

using Symbol = SpmEncoder::Symbol;
using Bigram = SpmEncoder::Bigram;

// Heap order: highest score on top, then the leftmost pair.
struct LowerPriority {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

void escape_spaces(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size() + text.size() / 4);
  for (char c : text) {
    if (c == ' ')
      out.append("\xE2\x96\x81");
    else
      out.push_back(c);
  }
}

void SpmEncoder::encode(std::string_view text, std::vector<int32_t>& out) const {
  if (text.empty()) return;
  static constexpr std::string_view kSpace = "\xE2\x96\x81";
  std::vector<Symbol> symbols;
  symbols.reserve(text.size());
  for (size_t offs = 0; offs < text.size();) {
    const size_t len = std::min(unicode::utf8_lead_length(static_cast<uint8_t>(text[offs])), text.size() - offs);
    symbols.push_back({0, 0, static_cast<uint32_t>(offs), static_cast<uint32_t>(len)});
    offs += len;
  }
  const auto is_space = [&](size_t i) { return text.substr(symbols[i].start, symbols[i].len) == kSpace; };

  // Segments that merges cannot cross (see Vocab::spaces_only_start_pieces): each starts at a
  // U+2581 that follows something else. Without that guarantee the text is one segment, as in
  // llama.cpp; with it the result is the same, only faster (small heaps, cache-friendly).
  std::vector<Bigram> queue;
  WordCache cache(vocab_.spaces_only_start_pieces ? text.size() : 0);
  size_t seg_begin = 0;
  for (size_t i = 1; i <= symbols.size(); ++i) {
    const bool cut = i == symbols.size() || (vocab_.spaces_only_start_pieces && is_space(i) && !is_space(i - 1));
    if (!cut) continue;
    const size_t byte_end = i == symbols.size() ? text.size() : symbols[i].start;
    const std::string_view segment = text.substr(symbols[seg_begin].start, byte_end - symbols[seg_begin].start);
    if (!cache.append_cached(segment, out)) {
      const size_t before = out.size();
      encode_segment(text, symbols, seg_begin, i, queue, out);
      cache.remember(segment, out.data() + before, out.size() - before);
    }
    seg_begin = i;
  }
}

void SpmEncoder::encode_segment(std::string_view text, std::vector<Symbol>& symbols, size_t begin, size_t end,
                                std::vector<Bigram>& queue, std::vector<int32_t>& out) const {
  for (size_t i = begin; i < end; ++i) {
    symbols[i].prev = i == begin ? -1 : static_cast<int32_t>(i - 1);
    symbols[i].next = i + 1 == end ? -1 : static_cast<int32_t>(i + 1);
  }
  queue.clear();
  const auto try_add = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[static_cast<size_t>(left)];
    const Symbol& r = symbols[static_cast<size_t>(right)];
    const std::string_view piece = text.substr(l.start, l.len + r.len);
    const int32_t id = vocab_.find(piece);
    if (id == kNoToken) return;
    queue.push_back({left, right, vocab_.score(id), static_cast<uint32_t>(piece.size())});
    std::push_heap(queue.begin(), queue.end(), LowerPriority{});
  };
  for (size_t i = begin + 1; i < end; ++i) try_add(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));

  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), LowerPriority{});
    const Bigram b = queue.back();
    queue.pop_back();
    Symbol& l = symbols[static_cast<size_t>(b.left)];
    Symbol& r = symbols[static_cast<size_t>(b.right)];
    if (l.len == 0 || r.len == 0 || l.len + r.len != b.size) continue;  // stale
    l.len += r.len;
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[static_cast<size_t>(r.next)].prev = b.left;
    try_add(l.prev, b.left);
    try_add(b.left, l.next);
  }

  for (auto i = static_cast<int32_t>(begin); i != -1; i = symbols[static_cast<size_t>(i)].next) {
    const Symbol& s = symbols[static_cast<size_t>(i)];
    const std::string_view piece = text.substr(s.start, s.len);
    const int32_t id = vocab_.find(piece);
    if (id != kNoToken) {
      out.push_back(id);
      continue;
    }
    // Byte fallback. A vocabulary without byte pieces gets [UNK] instead (llama.cpp aborts).
    for (char c : piece) {
      const int32_t byte_id = vocab_.byte_token(static_cast<uint8_t>(c));
      if (byte_id != kNoToken)
        out.push_back(byte_id);
      else if (vocab_.ids.unk != kNoToken)
        out.push_back(vocab_.ids.unk);
    }
  }
}

}  // namespace pw::tokenizer
