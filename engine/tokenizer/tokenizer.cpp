#include "engine/tokenizer/tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "engine/tokenizer/bpe_encoder.h"
#include "engine/tokenizer/spm_encoder.h"
#include "engine/tokenizer/unicode.h"
#include "engine/tokenizer/wordpiece_encoder.h"

namespace pw::tokenizer {

namespace {

// A piece of the input: either raw text [begin, end) or one special token.
struct Fragment {
  int32_t token;  // kNoToken for text
  size_t begin;
  size_t end;
};

bool c_isspace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

}  // namespace

struct Tokenizer::Impl {
  Vocab vocab;
  std::optional<BpeEncoder> bpe;
  std::string pieces;                 // token_to_piece(id, render_special = true), concatenated
  std::vector<uint32_t> piece_offset;  // id -> [piece_offset[id], piece_offset[id + 1])

  void build_pieces();
  std::string piece_of(int32_t id) const;
  std::vector<Fragment> partition(std::string_view text, bool parse_special) const;
  // Pieces start with a space for a new word (SPM's " " + text, WordPiece's word marker).
  bool marks_word_starts() const;
  // One slice of the text; BOS/CLS before it when begin_special, EOS/SEP after it when end_special.
  void encode_slice(std::string_view text, bool parse_special, bool begin_special, bool end_special,
                    std::vector<int32_t>& out) const;
};

std::string Tokenizer::Impl::piece_of(int32_t id) const {
  const uint16_t attrs = vocab.attrs(id);
  const std::string_view text = vocab.text(id);
  if (attrs & (kAttrUnknown | kAttrControl | kAttrUserDefined)) return std::string(text);
  if (attrs & kAttrNormal) {
    std::string out;
    if (vocab.kind == VocabKind::Bpe) {
      // GPT-2 code points back to bytes; llama.cpp marks anything else inside the text.
      for (size_t i = 0; i < text.size();) {
        const unicode::Utf8Char c = unicode::decode_utf8(text, i);
        const int b = c.valid ? codepoint_to_byte(c.cp) : -1;
        if (b >= 0) {
          out.push_back(static_cast<char>(b));
        } else {
          out += "[UNK_BYTE_0x";
          for (uint32_t k = 0; k < c.len; ++k) {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned>(static_cast<uint8_t>(text[i + k])));
            out += hex;
          }
          out.append(text);
          out += "]";
        }
        i += c.len;
      }
    } else {
      for (size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "\xE2\x96\x81") == 0) {
          out.push_back(' ');
          i += 2;
        } else {
          out.push_back(text[i]);
        }
      }
    }
    return out;
  }
  if (attrs & kAttrByte) {
    const int b = vocab.byte_value(id);
    if (b < 0) return std::string(text);  // not "<0xXX>": show what it says
    return std::string(1, static_cast<char>(b));
  }
  return {};  // unused / undefined tokens render as nothing
}

void Tokenizer::Impl::build_pieces() {
  piece_offset.reserve(static_cast<size_t>(vocab.size()) + 1);
  piece_offset.push_back(0);
  for (int32_t id = 0; id < vocab.size(); ++id) {
    pieces += piece_of(id);
    piece_offset.push_back(static_cast<uint32_t>(pieces.size()));
  }
}

std::vector<Fragment> Tokenizer::Impl::partition(std::string_view text, bool parse_special) const {
  std::vector<Fragment> current, next;
  if (!text.empty()) current.push_back({kNoToken, 0, text.size()});
  for (int32_t id : vocab.specials_longest) {
    const uint16_t attrs = vocab.attrs(id);
    if (!parse_special && (attrs & (kAttrControl | kAttrUnknown))) continue;
    const std::string_view special = vocab.text(id);
    bool any = false;
    next.clear();
    for (const Fragment& f : current) {
      if (f.token != kNoToken) {
        next.push_back(f);
        continue;
      }
      size_t pos = f.begin;
      while (true) {
        const std::string_view window = text.substr(0, f.end);
        const size_t match = window.find(special, pos);
        if (match == std::string_view::npos) {
          if (pos < f.end) next.push_back({kNoToken, pos, f.end});
          break;
        }
        any = true;
        size_t left_end = match;
        if (attrs & kAttrLstrip)
          while (left_end > pos && c_isspace(text[left_end - 1])) --left_end;
        if (left_end > pos) next.push_back({kNoToken, pos, left_end});
        next.push_back({id, 0, 0});
        pos = match + special.size();
        if (attrs & kAttrRstrip)
          while (pos < f.end && c_isspace(text[pos])) ++pos;
      }
    }
    if (any) current.swap(next);
  }
  return current;
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::from_gguf(const gguf::GgufFile& file) {
  auto impl = std::make_unique<Impl>();
  auto vocab = load_vocab(file);
  if (!vocab) return vocab.error();
  impl->vocab = std::move(*vocab);
  if (impl->vocab.kind == VocabKind::Bpe) {
    auto bpe = BpeEncoder::build(impl->vocab, file);
    if (!bpe) return bpe.error();
    impl->bpe.emplace(std::move(*bpe));
  }
  impl->build_pieces();
  return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

void Tokenizer::encode_into(std::string_view text, EncodeOptions options, std::vector<int32_t>& out) const {
  // The encoders index bytes with 32 bits. Text beyond 1 GiB (never a real prompt or page) is
  // encoded in slices cut after a newline or space where possible, never inside a character.
  constexpr size_t kSlice = size_t{1} << 30;
  bool first = true;
  do {
    size_t cut = text.size();
    if (cut > kSlice) {
      cut = kSlice;
      const size_t space = text.substr(0, cut).find_last_of("\n ");
      if (space != std::string_view::npos && space > kSlice / 2) cut = space + 1;
      while (cut > 1 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
    }
    const bool last = cut == text.size();
    impl_->encode_slice(text.substr(0, cut), options.parse_special, options.add_special && first,
                        options.add_special && last, out);
    text.remove_prefix(cut);
    first = false;
  } while (!text.empty());
}

void Tokenizer::Impl::encode_slice(std::string_view text, bool parse_special, bool begin_special, bool end_special,
                                   std::vector<int32_t>& out) const {
  const Vocab& v = vocab;
  const std::vector<Fragment> fragments = partition(text, parse_special);
  const auto raw = [&](const Fragment& f) { return text.substr(f.begin, f.end - f.begin); };
  switch (v.kind) {
    case VocabKind::Spm: {
      if (begin_special && v.add_bos) out.push_back(v.ids.bos);
      const SpmEncoder spm(v);
      std::string escaped;
      bool prev_special = true;  // the text starts as if after a special token: gets the space prefix
      for (const Fragment& f : fragments) {
        if (f.token != kNoToken) {
          out.push_back(f.token);
          prev_special = true;
          continue;
        }
        escaped.clear();
        if (v.add_space_prefix && prev_special) escaped.append("\xE2\x96\x81");
        escape_spaces(raw(f), escaped);
        spm.encode(escaped, out);
        prev_special = false;
      }
      if (end_special && v.add_eos) out.push_back(v.ids.eos);
      break;
    }
    case VocabKind::Bpe: {
      if (begin_special && v.add_bos) out.push_back(v.ids.bos);
      for (const Fragment& f : fragments) {
        if (f.token != kNoToken)
          out.push_back(f.token);
        else
          bpe->encode(raw(f), out);
      }
      if (end_special && v.add_eos) out.push_back(v.ids.eos);
      break;
    }
    case VocabKind::WordPiece: {
      if (begin_special) out.push_back(v.ids.bos);
      const WordPieceEncoder wpm(v);
      for (const Fragment& f : fragments) {
        if (f.token != kNoToken)
          out.push_back(f.token);
        else
          wpm.encode(raw(f), out);
      }
      if (end_special) out.push_back(v.ids.sep);
      break;
    }
  }
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, EncodeOptions options) const {
  std::vector<int32_t> out;
  out.reserve(text.size() / 3 + 4);
  encode_into(text, options, out);
  return out;
}

size_t Tokenizer::count_tokens(std::string_view text) const {
  return encode(text, EncodeOptions{.add_special = false, .parse_special = false}).size();
}

std::string_view Tokenizer::token_to_piece(int32_t id, bool render_special) const {
  const Vocab& v = impl_->vocab;
  if (!v.valid(id)) return {};
  if (!render_special && v.has_attr(id, kAttrUnknown | kAttrControl)) return {};
  const size_t i = static_cast<size_t>(id);
  return std::string_view(impl_->pieces).substr(impl_->piece_offset[i], impl_->piece_offset[i + 1] - impl_->piece_offset[i]);
}

bool Tokenizer::Impl::marks_word_starts() const { return vocab.add_space_prefix || vocab.kind == VocabKind::WordPiece; }

std::string Tokenizer::decode(std::span<const int32_t> ids, DecodeOptions options) const {
  std::string out;
  bool strip = options.strip_space_prefix && impl_->marks_word_starts();
  for (int32_t id : ids) {
    std::string_view piece = token_to_piece(id, options.render_special);
    if (piece.empty()) continue;
    if (strip && piece.front() == ' ') piece.remove_prefix(1);
    strip = false;
    out.append(piece);
  }
  return out;
}

std::string_view Tokenizer::token_text(int32_t id) const { return impl_->vocab.valid(id) ? impl_->vocab.text(id) : std::string_view(); }
int32_t Tokenizer::find_token(std::string_view text) const { return impl_->vocab.find(text); }
int32_t Tokenizer::bos() const { return impl_->vocab.ids.bos; }
int32_t Tokenizer::eos() const { return impl_->vocab.ids.eos; }
int32_t Tokenizer::eot() const { return impl_->vocab.ids.eot; }
int32_t Tokenizer::unk() const { return impl_->vocab.ids.unk; }
int32_t Tokenizer::sep() const { return impl_->vocab.ids.sep; }
int32_t Tokenizer::pad() const { return impl_->vocab.ids.pad; }
bool Tokenizer::is_end_of_generation(int32_t id) const {
  const auto& eog = impl_->vocab.eog_ids;
  return id != kNoToken && std::binary_search(eog.begin(), eog.end(), id);
}
std::span<const int32_t> Tokenizer::end_of_generation_ids() const { return impl_->vocab.eog_ids; }
bool Tokenizer::is_control(int32_t id) const { return impl_->vocab.valid(id) && impl_->vocab.has_attr(id, kAttrControl); }
bool Tokenizer::is_byte(int32_t id) const { return impl_->vocab.valid(id) && impl_->vocab.has_attr(id, kAttrByte); }
size_t Tokenizer::vocab_size() const { return static_cast<size_t>(impl_->vocab.size()); }
VocabKind Tokenizer::kind() const { return impl_->vocab.kind; }
PreTokenizerKind Tokenizer::pre_tokenizer() const { return impl_->vocab.pre; }
const std::string& Tokenizer::model_name() const { return impl_->vocab.model_name; }
const std::string& Tokenizer::pre_name() const { return impl_->vocab.pre_name; }
bool Tokenizer::add_bos() const { return impl_->vocab.add_bos; }
bool Tokenizer::add_eos() const { return impl_->vocab.add_eos; }
const Vocab& Tokenizer::vocab() const { return impl_->vocab; }

}  // namespace pw::tokenizer
