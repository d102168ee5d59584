#include "engine/tokenizer/pre_tokenizer.h"

#include <algorithm>

#include "engine/tokenizer/unicode.h"

namespace pw::tokenizer {

namespace {

using unicode::kCategoryMask;
using unicode::kWhitespaceBit;

// The text being split, with one property byte per code point (looked up once).
struct Text {
  const uint32_t* cp;
  const uint8_t* props;
  size_t end;  // the current fragment ends here; nothing past it is visible

  bool in(size_t i) const { return i < end; }
  uint8_t category(size_t i) const { return props[i] & kCategoryMask; }
  bool letter(size_t i) const { return i < end && category(i) == unicode::kLetter; }
  bool number(size_t i) const { return i < end && category(i) == unicode::kNumber; }
  bool space(size_t i) const { return i < end && (props[i] & kWhitespaceBit) != 0; }
  bool punctuation(size_t i) const { return i < end && category(i) == unicode::kPunctuation; }
  // [^\s\p{L}\p{N}]
  bool other(size_t i) const { return i < end && !space(i) && !letter(i) && !number(i); }
  bool newline(size_t i) const { return i < end && (cp[i] == '\r' || cp[i] == '\n'); }
  uint32_t at(size_t i) const { return i < end ? cp[i] : 0xFFFFFFFFu; }
  size_t run(size_t i, bool (Text::*pred)(size_t) const) const {
    while ((this->*pred)(i)) ++i;
    return i;
  }
};

uint32_t ascii_lower(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// 's|'t|'re|'ve|'m|'ll|'d at pos (case-insensitive when asked): the end, or pos.
size_t contraction(const Text& t, size_t pos, bool any_case) {
  if (t.at(pos) != '\'' || !t.in(pos + 1)) return pos;
  const auto norm = [&](uint32_t c) { return any_case ? ascii_lower(c) : c; };
  const uint32_t c1 = norm(t.at(pos + 1));
  if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return pos + 2;
  if (!t.in(pos + 2)) return pos;
  const uint32_t c2 = norm(t.at(pos + 2));
  if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) return pos + 3;
  return pos;
}

// The whitespace alternatives shared by the Llama-3 family: \s*[\r\n]+ | \s+(?!\S) | \s+.
// with_newlines = false drops the first (GPT-2). Returns pos when pos is not whitespace.
size_t whitespace(const Text& t, size_t pos, bool with_newlines) {
  const size_t run_end = t.run(pos, &Text::space);
  if (run_end == pos) return pos;
  if (with_newlines) {
    for (size_t i = run_end; i > pos; --i)
      if (t.newline(i - 1)) return i;  // ends after the last \r or \n of the run
  }
  if (run_end - pos > 1 && t.in(run_end)) return run_end - 1;  // leave one space for the next word
  return run_end;
}

// GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
size_t match_gpt2(const Text& t, size_t pos) {
  if (size_t e = contraction(t, pos, false); e != pos) return e;
  const size_t s = pos + (t.at(pos) == ' ' ? 1 : 0);  // llama.cpp looks past one leading space
  if (t.letter(s)) return t.run(s, &Text::letter);
  if (t.number(s)) return t.run(s, &Text::number);
  if (t.other(s)) return t.run(s, &Text::other);
  if (size_t e = whitespace(t, pos, false); e != pos) return e;
  return pos + 1;
}

// Llama 3 (max_digits 3) and Qwen2 (max_digits 1):
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
size_t match_llama3(const Text& t, size_t pos, size_t max_digits) {
  if (size_t e = contraction(t, pos, true); e != pos) return e;
  if (t.letter(pos)) return t.run(pos, &Text::letter);
  if (!t.newline(pos) && !t.number(pos) && t.letter(pos + 1)) return t.run(pos + 1, &Text::letter);
  if (t.number(pos)) return std::min(t.run(pos, &Text::number), pos + max_digits);
  const size_t s = pos + (t.at(pos) == ' ' ? 1 : 0);
  if (t.other(s)) return t.run(t.run(s, &Text::other), &Text::newline);
  if (t.at(pos) == ' ' && !t.in(pos + 1)) return pos + 1;  // a lone trailing space
  if (size_t e = whitespace(t, pos, true); e != pos) return e;
  return pos + 1;
}

// GPT-4o (contractions, max_digits 3) and Tekken (neither), as llama.cpp runs them:
//   [^\r\n\p{L}\p{N}]?U*W+C? | [^\r\n\p{L}\p{N}]?U+W*C? | \p{N}{1,N} | ?[^\s\p{L}\p{N}]+[\r\n/]* |
//   \s*[\r\n]+ | \s+(?!\S) | \s+
// with U = a letter other than a-z and W = a letter other than A-Z (a letter outside ASCII is
// both), and backtracking resolved the way an ECMAScript engine does.
size_t match_cased(const Text& t, size_t pos, bool contractions, size_t max_digits) {
  const auto upper = [&](size_t i) { return t.letter(i) && !(t.cp[i] >= 'a' && t.cp[i] <= 'z'); };
  const auto lower = [&](size_t i) { return t.letter(i) && !(t.cp[i] >= 'A' && t.cp[i] <= 'Z'); };
  const auto finish = [&](size_t e) {
    if (!contractions) return e;
    // (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?
    return contraction(t, e, true);
  };
  const bool lead = !t.newline(pos) && !t.letter(pos) && !t.number(pos);  // [^\r\n\p{L}\p{N}]
  const size_t s = lead ? pos + 1 : pos;
  size_t u_end = s;
  while (upper(u_end)) ++u_end;
  // U*W+: the longest U* after which a W follows.
  for (size_t k = u_end + 1; k-- > s;) {
    if (lower(k)) {
      size_t w_end = k;
      while (lower(w_end)) ++w_end;
      return finish(w_end);
    }
  }
  if (u_end > s) return finish(u_end);  // U+W* (W* is empty here: no W follows the U run)
  if (t.number(pos)) return std::min(t.run(pos, &Text::number), pos + max_digits);
  const size_t o = pos + (t.at(pos) == ' ' && t.other(pos + 1) ? 1 : 0);
  if (t.other(o)) {
    size_t e = t.run(o, &Text::other);
    while (t.newline(e) || t.at(e) == '/') ++e;
    return e;
  }
  if (size_t e = whitespace(t, pos, true); e != pos) return e;
  return pos + 1;
}

// Passes of llama.cpp's multi-expression splitters: each expression splits every fragment of
// the previous pass into matches and the gaps between them.
using GapMatcher = size_t (*)(const Text&, size_t);  // match end, or pos when none starts here

size_t match_punctuation_run(const Text& t, size_t pos) {  // [\p{P}\$\+<=>\^~\|]+
  const auto in_class = [&](size_t i) {
    if (!t.in(i)) return false;
    const uint32_t c = t.cp[i];
    return t.punctuation(i) || c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '~' || c == '|';
  };
  size_t e = pos;
  while (in_class(e)) ++e;
  return e;
}
size_t match_number_run(const Text& t, size_t pos) { return t.run(pos, &Text::number); }  // \p{N}+
size_t match_one_number(const Text& t, size_t pos) { return t.number(pos) ? pos + 1 : pos; }  // \p{N}
size_t match_three_digits(const Text& t, size_t pos) {  // [0-9][0-9][0-9]
  for (size_t i = 0; i < 3; ++i)
    if (!t.in(pos + i) || t.cp[pos + i] < '0' || t.cp[pos + i] > '9') return pos;
  return pos + 3;
}

void split_with_gaps(Text t, size_t begin, size_t end, GapMatcher match, std::vector<uint32_t>& out) {
  t.end = end;
  size_t gap = begin;
  for (size_t pos = begin; pos < end;) {
    const size_t e = match(t, pos);
    if (e == pos) {
      ++pos;
      continue;
    }
    if (pos > gap) out.push_back(static_cast<uint32_t>(pos));
    out.push_back(static_cast<uint32_t>(e));
    pos = gap = e;
  }
  if (end > gap) out.push_back(static_cast<uint32_t>(end));
}

template <typename Match>
void split_total(Text t, size_t begin, size_t end, Match match, std::vector<uint32_t>& out) {
  t.end = end;
  for (size_t pos = begin; pos < end;) {
    pos = match(t, pos);
    out.push_back(static_cast<uint32_t>(pos));
  }
}

}  // namespace

void pre_tokenize(PreTokenizerKind kind, std::span<const uint32_t> cps, std::vector<uint32_t>& ends) {
  const size_t n = cps.size();
  if (n == 0) return;
  std::vector<uint8_t> props(n);
  for (size_t i = 0; i < n; ++i) props[i] = unicode::properties(cps[i]);
  const Text text{cps.data(), props.data(), n};

  switch (kind) {
    case PreTokenizerKind::Gpt2:
      split_total(text, 0, n, match_gpt2, ends);
      return;
    case PreTokenizerKind::Llama3:
      split_total(text, 0, n, [](const Text& t, size_t p) { return match_llama3(t, p, 3); }, ends);
      return;
    case PreTokenizerKind::Qwen2:
      split_total(text, 0, n, [](const Text& t, size_t p) { return match_llama3(t, p, 1); }, ends);
      return;
    case PreTokenizerKind::Gpt4o:
      split_total(text, 0, n, [](const Text& t, size_t p) { return match_cased(t, p, true, 3); }, ends);
      return;
    case PreTokenizerKind::Tekken:
      split_total(text, 0, n, [](const Text& t, size_t p) { return match_cased(t, p, false, 1); }, ends);
      return;
    case PreTokenizerKind::StarCoder:
    case PreTokenizerKind::Default:
      break;
  }

  // Multi-pass splitters.
  std::vector<uint32_t> current{static_cast<uint32_t>(n)}, next;
  const auto gap_pass = [&](GapMatcher m) {
    next.clear();
    size_t begin = 0;
    for (uint32_t e : current) {
      split_with_gaps(text, begin, e, m, next);
      begin = e;
    }
    current.swap(next);
  };
  const auto gpt2_pass = [&] {
    next.clear();
    size_t begin = 0;
    for (uint32_t e : current) {
      split_total(text, begin, e, match_gpt2, next);
      begin = e;
    }
    current.swap(next);
  };
  if (kind == PreTokenizerKind::StarCoder) {
    gap_pass(match_one_number);
    gpt2_pass();
  } else {
    gap_pass(match_punctuation_run);
    gpt2_pass();
    gap_pass(match_number_run);
    gap_pass(match_three_digits);
  }
  ends.insert(ends.end(), current.begin(), current.end());
}

}  // namespace pw::tokenizer
