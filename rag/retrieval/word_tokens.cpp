#include "rag/retrieval/word_tokens.h"

#include "ingest/utf8.h"
#include "rag/retrieval/porter_stemmer.h"

namespace pw::rag {
namespace {

// Latin-1 letters U+00C0..U+00FF without their diacritics, lower case ("" for × and ÷).
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF

// Latin Extended-A U+0100..U+017F: runs of code points sharing one base letter.
struct FoldRun {
  char32_t first, last;
  const char* base;
};
constexpr FoldRun kLatinExtendedAFold[] = {
    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"}, {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"}, {0x11C, 0x123, "g"},
    {0x124, 0x127, "h"}, {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"}, {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"}, {0x154, 0x159, "r"},
    {0x15A, 0x161, "s"}, {0x162, 0x167, "t"}, {0x168, 0x173, "u"}, {0x174, 0x175, "w"}, {0x176, 0x178, "y"},
    {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"}};

void append_folded(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
    return;
  }
  if (cp >= 0xC0 && cp <= 0xFF) {
    out += kLatin1Fold[cp - 0xC0];
    return;
  }
  if (cp >= 0x100 && cp <= 0x17F) {
    for (const FoldRun& run : kLatinExtendedAFold) {
      if (cp >= run.first && cp <= run.last) {
        out += run.base;
        return;
      }
    }
  }
  if (cp >= 0x300 && cp <= 0x36F) return;               // combining diacritical marks
  if (cp >= 0x391 && cp <= 0x3A9) cp += 0x20;             // Greek capitals
  else if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;        // Cyrillic capitals А..Я
  else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;        // Cyrillic Ѐ..Џ
  ingest::utf8::append(out, cp);
}

}  // namespace

bool is_word_code_point(char32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp <= 0xBF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;  // Latin-1 signs and spaces
  if (cp == 0xD7 || cp == 0xF7) return false;                    // × ÷
  if (cp == 0xFFFD) return false;                                 // replacement for bad bytes
  return !((cp >= 0x2000 && cp <= 0x206F) ||   // general punctuation: dashes, quotes, bullets
           (cp >= 0x20A0 && cp <= 0x20CF) ||   // currency signs
           (cp >= 0x2190 && cp <= 0x2BFF) ||   // arrows, maths, box drawing, shapes
           (cp >= 0x3000 && cp <= 0x303F) ||   // CJK punctuation
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
           (cp >= 0x1F000 && cp <= 0x1FAFF));  // emoji and pictographs
}

std::string normalize_word(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  size_t i = 0;
  while (i < word.size()) {
    char32_t cp;
    ingest::utf8::next(word, i, cp);
    append_folded(out, cp);
  }
  return out;
}

bool WordScanner::next() {
  const std::string_view text = text_;
  size_t i = at_;
  while (i < text.size()) {
    // Fast path over ASCII separators.
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80 && !is_word_code_point(c)) {
      ++i;
      continue;
    }
    size_t start = i;
    word_.clear();
    while (i < text.size()) {
      size_t at = i;
      char32_t cp;
      c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        cp = c;
        ++i;
      } else {
        ingest::utf8::next(text, i, cp);
      }
      if (!is_word_code_point(cp)) {
        i = at;
        break;
      }
      append_folded(word_, cp);
    }
    if (i == start) {  // a non-ASCII separator
      char32_t cp;
      ingest::utf8::next(text, i, cp);
      continue;
    }
    if (word_.empty()) continue;  // only combining marks
    begin_ = static_cast<uint32_t>(start);
    end_ = static_cast<uint32_t>(i);
    at_ = i;
    return true;
  }
  at_ = i;
  return false;
}

std::vector<WordToken> word_tokens(std::string_view text, size_t max_words) {
  std::vector<WordToken> out;
  WordScanner words(text);
  while (out.size() < max_words && words.next()) {
    WordToken t;
    t.begin = words.begin();
    t.end = words.end();
    t.stem = porter_stem(words.word());
    t.text = words.word();
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace pw::rag
