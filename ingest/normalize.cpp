#include "ingest/normalize.h"

#include "ingest/latin_compose.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

bool is_dropped(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return true;    // controls left after the mapping below
  if (cp >= 0x80 && cp <= 0x9F) return true;   // C1 controls
  switch (cp) {
    case 0x00AD:  // soft hyphen (handled before this check when it ends a line)
    case 0x200B:  // zero-width space
    case 0x200E:  // left-to-right mark
    case 0x200F:  // right-to-left mark
    case 0x2060:  // word joiner
    case 0xFEFF:  // byte order mark / zero-width no-break space
    case 0xFFFE:
    case 0xFFFF:
      return true;
    default:
      break;
  }
  if (cp >= 0xE000 && cp <= 0xF8FF) return true;  // private use: glyph codes of broken fonts
  if (cp >= 0xF0000) return true;                  // supplementary private use planes
  return false;
}

bool is_space_like(char32_t cp) {
  return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

const char* ligature(char32_t cp) {
  switch (cp) {
    case 0xFB00: return "ff";
    case 0xFB01: return "fi";
    case 0xFB02: return "fl";
    case 0xFB03: return "ffi";
    case 0xFB04: return "ffl";
    case 0xFB05: return "st";  // long s + t
    case 0xFB06: return "st";
    default: return nullptr;
  }
}

bool is_horizontal_space(char c) { return c == ' ' || c == '\t'; }

// First pass: one code point at a time, mapping or dropping. Spaces and newlines are
// collapsed afterwards by collapse_whitespace().
std::string map_code_points(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + 16);
  size_t last_start = kNone;  // where the last emitted letter starts, for accent composition
  char32_t last_cp = 0;
  size_t i = 0;
  const size_t n = raw.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(raw[i]);
    if (b >= 0x20 && b < 0x7F) {  // printable ASCII: the common case
      last_start = out.size();
      last_cp = b;
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    char32_t cp;
    if (b < 0x80) {
      cp = b;
      ++i;
    } else {
      utf8::next(raw, i, cp);  // invalid bytes come back as U+FFFD
    }
    if (cp == '\r') {
      if (i < n && raw[i] == '\n') ++i;
      cp = '\n';
    } else if (cp == '\f' || cp == '\v' || cp == 0x0085 || cp == 0x2028 || cp == 0x2029) {
      cp = '\n';
    } else if (cp == '\t' || is_space_like(cp)) {
      cp = ' ';
    }
    if (cp == '\n' || cp == ' ') {
      out.push_back(static_cast<char>(cp));
      last_start = kNone;
      continue;
    }
    if (cp == 0x00AD) {
      // A soft hyphen before a line break marks a word split across lines: join the halves.
      size_t j = i;
      while (j < n && is_horizontal_space(raw[j])) ++j;
      if (j < n && (raw[j] == '\n' || raw[j] == '\r')) {
        j += (raw[j] == '\r' && j + 1 < n && raw[j + 1] == '\n') ? 2 : 1;
        while (j < n && is_horizontal_space(raw[j])) ++j;
        i = j;
      }
      continue;
    }
    if (cp >= 0x0300 && cp <= 0x036F) {  // combining accent: compose with the previous letter
      if (last_start != kNone) {
        if (char32_t composed = compose_latin(last_cp, cp)) {
          out.resize(last_start);
          utf8::append(out, composed);
          last_cp = composed;
          continue;
        }
      }
      utf8::append(out, cp);
      last_start = kNone;
      continue;
    }
    if (is_dropped(cp)) continue;
    if (const char* lig = ligature(cp)) {
      out.append(lig);
      last_start = out.size() - 1;
      last_cp = static_cast<unsigned char>(out.back());
      continue;
    }
    last_start = out.size();
    last_cp = cp;
    utf8::append(out, cp);
  }
  return out;
}

// Second pass: trims lines, collapses space runs and keeps at most one blank line.
std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  int pending_newlines = 0;
  bool pending_space = false;
  bool at_line_start = true;
  for (char c : text) {
    if (c == '\n') {
      ++pending_newlines;
      pending_space = false;
      at_line_start = true;
      continue;
    }
    if (c == ' ') {
      if (!at_line_start) pending_space = true;
      continue;
    }
    if (!out.empty()) {
      if (pending_newlines > 0)
        out.append(pending_newlines >= 2 ? "\n\n" : "\n");
      else if (pending_space)
        out.push_back(' ');
    }
    pending_newlines = 0;
    pending_space = false;
    at_line_start = false;
    out.push_back(c);
  }
  return out;
}

// The code point that ends just before `end`, and where it starts.
char32_t code_point_before(std::string_view s, size_t end, size_t& start) {
  start = utf8::floor_boundary(s, end - 1);
  size_t i = start;
  char32_t cp;
  utf8::next(s, i, cp);
  return cp;
}

// Lower-cased run of letters ending at `end` (exclusive).
std::string letters_before(std::string_view s, size_t end) {
  size_t pos = end;
  while (pos > 0) {
    size_t start;
    if (!is_letter(code_point_before(s, pos, start))) break;
    pos = start;
  }
  return to_lower_utf8(s.substr(pos, end - pos));
}

// Lower-cased run of letters starting at `begin`.
std::string letters_after(std::string_view s, size_t begin) {
  size_t i = begin;
  while (i < s.size()) {
    size_t next = i;
    char32_t cp;
    utf8::next(s, next, cp);
    if (!is_letter(cp)) break;
    i = next;
  }
  return to_lower_utf8(s.substr(begin, i - begin));
}

}  // namespace

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp <= 0x024F) return true;                      // Latin-1 letters, Latin Extended A/B
  if (cp >= 0x0370 && cp <= 0x052F) return cp != 0x037E && cp != 0x0387;  // Greek, Cyrillic
  if (cp >= 0x0531 && cp <= 0x0587) return true;      // Armenian
  if (cp >= 0x05D0 && cp <= 0x05EA) return true;      // Hebrew
  if (cp >= 0x0620 && cp <= 0x064A) return true;      // Arabic
  if (cp >= 0x0671 && cp <= 0x06D3) return true;
  if (cp >= 0x0900 && cp <= 0x0DFF) return true;      // Indic scripts (marks included)
  if (cp >= 0x0E01 && cp <= 0x0E4E) return true;      // Thai
  if (cp >= 0x10A0 && cp <= 0x11FF) return true;      // Georgian, Hangul Jamo
  if (cp >= 0x1E00 && cp <= 0x1FFF) return true;      // Latin Extended Additional, Greek Extended
  if (cp >= 0x3040 && cp <= 0x30FF) return true;      // Kana
  if (cp >= 0x3400 && cp <= 0x9FFF) return true;      // CJK
  if (cp >= 0xAC00 && cp <= 0xD7AF) return true;      // Hangul syllables
  if (cp >= 0xF900 && cp <= 0xFAFF) return true;      // CJK compatibility
  return false;
}

bool is_upper_letter(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp >= 0x0100 && cp <= 0x017F) return cp % 2 == 0 && cp != 0x0138;
  if (cp >= 0x0391 && cp <= 0x03A9) return true;
  if (cp >= 0x0400 && cp <= 0x042F) return true;
  return false;
}

bool is_lower_letter(char32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  if (cp >= 0xDF && cp <= 0xFF) return cp != 0xF7;
  if (cp >= 0x0100 && cp <= 0x017F) return cp % 2 == 1 || cp == 0x0138;
  if (cp >= 0x03AC && cp <= 0x03CE) return true;
  if (cp >= 0x0430 && cp <= 0x045F) return true;
  return false;
}

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp >= 0x0100 && cp <= 0x017F && cp % 2 == 0 && cp != 0x0138) return cp + 1;
  if (cp >= 0x0391 && cp <= 0x03A9) return cp + 32;
  if (cp >= 0x0410 && cp <= 0x042F) return cp + 32;
  if (cp >= 0x0400 && cp <= 0x040F) return cp + 80;
  return cp;
}

std::string to_lower_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    char32_t cp;
    utf8::next(s, i, cp);
    utf8::append(out, to_lower(cp));
  }
  return out;
}

std::string normalize_text(std::string_view raw) { return collapse_whitespace(map_code_points(raw)); }

void HyphenationLexicon::add_text(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    // Skip to the start of a word.
    size_t word_start = i;
    char32_t cp;
    size_t next = i;
    utf8::next(text, next, cp);
    if (!is_letter(cp)) {
      i = next;
      continue;
    }
    // A word: letters, with single hyphens between letters.
    bool hyphenated = false;
    bool broken_at_line_end = false;
    size_t end = next;
    while (end < n) {
      size_t after = end;
      utf8::next(text, after, cp);
      if (is_letter(cp)) {
        end = after;
        continue;
      }
      if (cp == '-' && after < n) {
        size_t after2 = after;
        char32_t cp2;
        utf8::next(text, after2, cp2);
        if (is_letter(cp2)) {
          hyphenated = true;
          end = after2;
          continue;
        }
        if (cp2 == '\n') broken_at_line_end = true;
      }
      break;
    }
    i = end;
    if (broken_at_line_end) continue;  // "employ-" is half a word
    std::string word = to_lower_utf8(text.substr(word_start, end - word_start));
    if (hyphenated)
      hyphenated_.insert(std::move(word));
    else
      plain_.insert(std::move(word));
  }
}

bool has_line_end_hyphen(std::string_view text) {
  for (size_t pos = text.find("-\n"); pos != std::string_view::npos; pos = text.find("-\n", pos + 2)) {
    if (pos == 0) continue;
    size_t start;
    if (is_letter(code_point_before(text, pos, start))) return true;
  }
  return false;
}

std::string join_hyphenated_lines(std::string_view text, const HyphenationLexicon* lexicon) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = n;
    out.append(text.substr(pos, eol - pos));
    if (eol == n) break;
    pos = eol + 1;
    // out ends with the current line (possibly several joined lines); text[pos] starts the next.
    if (out.size() >= 2 && out.back() == '-' && pos < n && text[pos] != '\n') {
      size_t letter_start;
      const char32_t before = code_point_before(out, out.size() - 1, letter_start);
      size_t probe = pos;
      char32_t first;
      utf8::next(text, probe, first);
      const bool digit = first >= '0' && first <= '9';
      if (is_letter(before) && (is_letter(first) || digit)) {
        bool keep_hyphen = digit || is_upper_letter(first);
        if (!keep_hyphen && lexicon) {
          const std::string head = letters_before(out, out.size() - 1);
          const std::string tail = letters_after(text, pos);
          keep_hyphen = lexicon->has_hyphenated(head + "-" + tail) && !lexicon->has_plain(head + tail);
        }
        if (!keep_hyphen) out.pop_back();
        continue;  // the next line continues this one
      }
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace pw::ingest
