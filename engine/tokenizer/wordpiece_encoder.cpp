#include "engine/tokenizer/wordpiece_encoder.h"

#include <algorithm>
#include <string>

#include "engine/tokenizer/unicode.h"

namespace pw::tokenizer {

void WordPieceEncoder::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  // `word` starts with the U+2581 marker.
  const size_t n = word.size();
  const size_t before = out.size();
  for (size_t i = 0; i < n;) {
    const size_t longest = std::min(n, i + vocab_.max_token_bytes);
    bool matched = false;
    for (size_t j = longest; j > i; --j) {
      const int32_t id = vocab_.find(word.substr(i, j - i));
      if (id != kNoToken) {
        out.push_back(id);
        i = j;
        matched = true;
        break;
      }
    }
    if (!matched) {
      out.resize(before);
      break;
    }
  }
  if (out.size() == before) out.push_back(vocab_.ids.unk);
}

void WordPieceEncoder::encode(std::string_view text, std::vector<int32_t>& out) const {
  static constexpr std::string_view kMarker = "\xE2\x96\x81";
  std::string word(kMarker);
  const auto flush = [&] {
    if (word.size() > kMarker.size()) encode_word(word, out);
    word.resize(kMarker.size());
  };
  for (size_t i = 0; i < text.size();) {
    const unicode::Utf8Char c = unicode::decode_utf8(text, i);
    i += c.len;
    uint32_t cp = c.cp;
    if (vocab_.strip_accents) cp = unicode::nfd_first(cp);
    const uint8_t props = unicode::properties(cp);
    if (props & unicode::kWhitespaceBit) {
      flush();
      continue;
    }
    const auto category = static_cast<unicode::Category>(props & unicode::kCategoryMask);
    if (cp == 0 || cp == unicode::kReplacementChar || category == unicode::kControl) continue;
    if (vocab_.strip_accents && category == unicode::kMark) continue;
    const uint32_t out_cp = vocab_.lowercase ? unicode::to_lower(cp) : cp;
    if (category == unicode::kPunctuation || (cp < 0x7F && category == unicode::kSymbol) || unicode::is_cjk_ideograph(cp)) {
      flush();
      unicode::append_utf8(word, out_cp);
      flush();
    } else {
      unicode::append_utf8(word, out_cp);
    }
  }
  flush();
}

}  // namespace pw::tokenizer
