#include "ingest/token_estimate.h"

#include <cmath>

#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

// Weights from the calibration described in the header.
constexpr double kPerAsciiLetter = 0.09;
constexpr double kPerWord = 0.87;
constexpr double kPerDigit = 1.0;
constexpr double kPerAsciiPunctuation = 0.1;
constexpr double kPerCjk = 0.8;
constexpr double kPerOtherNonAscii = 0.37;

bool is_cjk(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
         (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

}  // namespace

int estimate_tokens(std::string_view text) {
  size_t letters = 0, words = 0, digits = 0, punctuation = 0, cjk = 0, other = 0;
  bool in_word = false;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      const bool space = b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f' || b == '\v';
      if (!space && !in_word) ++words;
      in_word = !space;
      if (space) continue;
      if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')
        ++letters;
      else if (b >= '0' && b <= '9')
        ++digits;
      else if (b > 0x20)
        ++punctuation;
      continue;
    }
    char32_t cp;
    utf8::next(text, i, cp);
    if (!in_word) ++words;
    in_word = true;
    if (is_cjk(cp))
      ++cjk;
    else
      ++other;
  }
  if (words == 0) return 0;
  const double estimate = kPerAsciiLetter * letters + kPerWord * words + kPerDigit * digits +
                          kPerAsciiPunctuation * punctuation + kPerCjk * cjk + kPerOtherNonAscii * other;
  const long rounded = std::lround(estimate);
  return rounded < 1 ? 1 : static_cast<int>(rounded);
}

}  // namespace pw::ingest
