#include "engine/tokenizer/bpe_encoder.h"

#include <algorithm>

#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/unicode.h"
#include "engine/tokenizer/word_cache.h"

namespace pw::tokenizer {

namespace {

constexpr uint64_t kMaxMerges = 1u << 24;

bool printable_latin1(uint32_t b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); }

struct CodepointTables {
  uint32_t to_cp[256];
  int16_t to_byte[256 + 68];
  CodepointTables() {
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) to_cp[b] = printable_latin1(b) ? b : next++;
    for (auto& v : to_byte) v = -1;
    for (uint32_t b = 0; b < 256; ++b) to_byte[to_cp[b]] = static_cast<int16_t>(b);
  }
};

const CodepointTables& tables() {
  static const CodepointTables t;
  return t;
}

uint64_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xFF51AFD7ED558CCDull;
  k ^= k >> 33;
  return k;
}

}  // namespace

uint32_t byte_to_codepoint(uint8_t b) { return tables().to_cp[b]; }

int codepoint_to_byte(uint32_t cp) { return cp < 256 + 68 ? tables().to_byte[cp] : -1; }

// Per-call working memory, reused across the words of one encode() call.
struct BpeScratch {
  struct Symbol {
    int32_t id;  // symbol id (vocabulary token, extra symbol, or -1)
    int32_t prev;
    int32_t next;
    uint32_t start;  // byte range in the word
    uint32_t len;
  };
  struct Pair {
    int32_t rank;
    int32_t left;
    int32_t left_id;
    int32_t right_id;
    int32_t result;
  };
  std::vector<Symbol> symbols;
  std::vector<Pair> heap;
  std::string encoded;  // the word in GPT-2 code points (for whole-word lookups)
  std::vector<uint32_t> cps;
  std::vector<uint32_t> byte_offset;
  std::vector<uint32_t> ends;
  std::string sanitized;
};

int32_t BpeEncoder::lookup_symbol(std::string_view text) const {
  const int32_t id = vocab_->find(text);
  if (id != kNoToken) return id;
  const int32_t extra = extra_symbols_.find(text);
  return extra == PieceTable::kAbsent ? -1 : vocab_->size() + extra;
}

int32_t BpeEncoder::intern_symbol(std::string_view text) {
  const int32_t id = lookup_symbol(text);
  if (id >= 0) return id;
  const auto [extra, added] = extra_symbols_.insert(text);
  if (extra == PieceTable::kAbsent || static_cast<int64_t>(extra) + vocab_->size() > INT32_MAX) return -1;
  return vocab_->size() + extra;
}

std::string_view BpeEncoder::symbol_text(int32_t id) const {
  return id < vocab_->size() ? vocab_->text(id) : extra_symbols_.text(id - vocab_->size());
}

const BpeEncoder::MergeSlot* BpeEncoder::find_merge(int32_t left, int32_t right) const {
  const uint64_t key = static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32 | static_cast<uint32_t>(right);
  for (size_t s = mix(key) & merge_mask_;; s = (s + 1) & merge_mask_) {
    const MergeSlot& slot = merges_[s];
    if (slot.key == key) return &slot;
    if (slot.key == kEmpty) return nullptr;
  }
}

void BpeEncoder::insert_merge(int32_t left, int32_t right, int32_t rank, int32_t result) {
  const uint64_t key = static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32 | static_cast<uint32_t>(right);
  for (size_t s = mix(key) & merge_mask_;; s = (s + 1) & merge_mask_) {
    MergeSlot& slot = merges_[s];
    if (slot.key == key) return;  // the first (lowest) rank of a pair wins
    if (slot.key == kEmpty) {
      slot = {key, rank, result};
      ++merge_count_;
      return;
    }
  }
}

Result<BpeEncoder> BpeEncoder::build(const Vocab& vocab, const gguf::GgufFile& file) {
  BpeEncoder bpe(vocab);
  for (int b = 0; b < 256; ++b) {
    unicode::append_utf8(bpe.byte_text_[b], byte_to_codepoint(static_cast<uint8_t>(b)));
    bpe.byte_symbol_[b] = vocab.find(bpe.byte_text_[b]);
  }

  auto merges = file.get_array("tokenizer.ggml.merges", gguf::GgufType::String);
  if (!merges) return merges.error().with_context("reading the BPE tokenizer");
  if (merges->size() > kMaxMerges)
    return Error(ErrorCode::ResourceLimit, file.name(),
                 "tokenizer.ggml.merges has " + std::to_string(merges->size()) + " entries (limit " + std::to_string(kMaxMerges) + ")");
  size_t capacity = 16;
  while (capacity < merges->size() * 2) capacity *= 2;
  bpe.merges_.assign(capacity, MergeSlot{kEmpty, 0, 0});
  bpe.merge_mask_ = capacity - 1;

  int32_t rank = 0;
  std::string joined;
  for (std::string_view merge : merges->strings()) {
    const int32_t this_rank = rank++;
    const size_t space = merge.size() > 1 ? merge.find(' ', 1) : std::string_view::npos;
    if (space == std::string_view::npos) continue;  // cannot match anything (as in llama.cpp)
    const std::string_view first = merge.substr(0, space), second = merge.substr(space + 1);
    if (second.empty()) continue;
    joined.assign(first).append(second);
    const int32_t left = bpe.intern_symbol(first), right = bpe.intern_symbol(second);
    const int32_t result = bpe.intern_symbol(joined);
    if (left < 0 || right < 0 || result < 0)
      return Error(ErrorCode::ResourceLimit, file.name(), "tokenizer.ggml.merges: too many distinct symbols");
    bpe.insert_merge(left, right, this_rank, result);
  }
  return bpe;
}

void BpeEncoder::encode_word(std::string_view word, BpeScratch& s, std::vector<int32_t>& out) const {
  if (vocab_->ignore_merges) {
    s.encoded.clear();
    for (char c : word) s.encoded.append(byte_text_[static_cast<uint8_t>(c)]);
    const int32_t id = vocab_->find(s.encoded);
    if (id != kNoToken) {
      out.push_back(id);
      return;
    }
  }

  auto& sym = s.symbols;
  sym.clear();
  for (size_t i = 0; i < word.size(); ++i) {
    const auto idx = static_cast<int32_t>(i);
    sym.push_back({byte_symbol_[static_cast<uint8_t>(word[i])], idx - 1, i + 1 == word.size() ? -1 : idx + 1,
                   static_cast<uint32_t>(i), 1});
  }

  // Heap order: lowest rank on top, then the leftmost pair.
  const auto lower_priority = [](const BpeScratch::Pair& a, const BpeScratch::Pair& b) {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  };
  auto& heap = s.heap;
  heap.clear();
  const auto add_pair = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const int32_t a = sym[static_cast<size_t>(left)].id, b = sym[static_cast<size_t>(right)].id;
    if (a < 0 || b < 0) return;
    const MergeSlot* m = find_merge(a, b);
    if (!m) return;
    heap.push_back({m->rank, left, a, b, m->result});
    std::push_heap(heap.begin(), heap.end(), lower_priority);
  };
  for (size_t i = 1; i < sym.size(); ++i) add_pair(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));

  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), lower_priority);
    const BpeScratch::Pair p = heap.back();
    heap.pop_back();
    auto& l = sym[static_cast<size_t>(p.left)];
    if (l.len == 0 || l.id != p.left_id || l.next < 0) continue;  // stale
    auto& r = sym[static_cast<size_t>(l.next)];
    if (r.len == 0 || r.id != p.right_id) continue;
    l.id = p.result;
    l.len += r.len;
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) sym[static_cast<size_t>(r.next)].prev = p.left;
    add_pair(l.prev, p.left);
    add_pair(p.left, l.next);
  }

  for (int32_t i = 0; i != -1; i = sym[static_cast<size_t>(i)].next) {
    const auto& x = sym[static_cast<size_t>(i)];
    if (x.id >= 0 && x.id < vocab_->size()) {
      out.push_back(x.id);
      continue;
    }
    // Not a token: llama.cpp emits the one-byte tokens among the bytes of the symbol's text.
    std::string_view text;
    if (x.id >= 0) {
      text = symbol_text(x.id);
    } else {
      s.encoded.clear();
      for (uint32_t k = 0; k < x.len; ++k) s.encoded.append(byte_text_[static_cast<uint8_t>(word[x.start + k])]);
      text = s.encoded;
    }
    for (char c : text) {
      const int32_t id = vocab_->find(std::string_view(&c, 1));
      if (id != kNoToken) out.push_back(id);
    }
  }
}

void BpeEncoder::encode(std::string_view text, std::vector<int32_t>& out) const {
  if (text.empty()) return;
  BpeScratch s;
  // Code points as llama.cpp decodes them: malformed bytes become U+FFFD (whose UTF-8 is then
  // what gets tokenised), overlong forms their code point's shortest form.
  s.cps.reserve(text.size());
  s.byte_offset.reserve(text.size() + 1);
  bool changed = false;
  size_t out_pos = 0;
  for (size_t i = 0; i < text.size();) {
    const unicode::Utf8Char c = unicode::decode_utf8(text, i);
    s.cps.push_back(c.cp);
    s.byte_offset.push_back(static_cast<uint32_t>(out_pos));
    const size_t len = unicode::utf8_length(c.cp);
    if (!c.valid || len != c.len) changed = true;
    out_pos += len;
    i += c.len;
  }
  s.byte_offset.push_back(static_cast<uint32_t>(out_pos));
  if (changed) {
    s.sanitized.reserve(out_pos);
    for (uint32_t cp : s.cps) unicode::append_utf8(s.sanitized, cp);
    text = s.sanitized;
  }

  pre_tokenize(vocab_->pre, s.cps, s.ends);
  WordCache cache(text.size());
  uint32_t begin = 0;
  for (uint32_t end : s.ends) {
    const uint32_t b0 = s.byte_offset[begin], b1 = s.byte_offset[end];
    const std::string_view word = text.substr(b0, b1 - b0);
    begin = end;
    if (cache.append_cached(word, out)) continue;
    const size_t before = out.size();
    encode_word(word, s, out);
    cache.remember(word, out.data() + before, out.size() - before);
  }
}

}  // namespace pw::tokenizer
