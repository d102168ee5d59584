#include "ingest/headings.h"

#include <algorithm>
#include <array>

#include "ingest/normalize.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

constexpr size_t kMaxPathText = 100;
constexpr size_t kMaxStandaloneBytes = 150;
constexpr int kMaxStandaloneWords = 12;
constexpr int kMaxInlineTitleWords = 8;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char32_t first_code_point(std::string_view s, size_t* length = nullptr) {
  if (s.empty()) return 0;
  size_t i = 0;
  char32_t cp;
  utf8::next(s, i, cp);
  if (length) *length = i;
  return cp;
}

bool is_opening_quote(char32_t cp) { return cp == '"' || cp == '\'' || cp == '(' || cp == 0x201C || cp == 0x2018; }

// Starts with a capital (or a letter of a script without case), after an opening quote.
bool starts_upper(std::string_view s) {
  size_t len;
  char32_t cp = first_code_point(s, &len);
  if (is_opening_quote(cp)) cp = first_code_point(s.substr(len));
  return is_upper_letter(cp) || (is_letter(cp) && !is_lower_letter(cp));
}

int word_count(std::string_view s) {
  int words = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

bool has_dot_leaders(std::string_view s) {
  return s.find(". . .") != std::string_view::npos || s.find("....") != std::string_view::npos ||
         s.find("\xE2\x80\xA6\xE2\x80\xA6") != std::string_view::npos ||  // "……"
         s.find("___") != std::string_view::npos;
}

// "Introduction 3": a table-of-contents entry (the title ends with a page number).
bool ends_with_page_number(std::string_view title) {
  const size_t space = title.rfind(' ');
  if (space == std::string_view::npos) return false;
  std::string_view last = title.substr(space + 1);
  if (last.empty()) return false;
  for (char c : last)
    if (!is_digit(c)) return false;
  return true;
}

// Every word of four or more letters starts with a capital, or the whole text is capitals.
bool is_title_case(std::string_view s) {
  bool any_letter = false;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    std::string_view word = s.substr(pos, end - pos);
    pos = end + 1;
    size_t i = 0;
    int letters = 0;
    char32_t first_letter = 0;
    while (i < word.size()) {
      char32_t cp;
      utf8::next(word, i, cp);
      if (is_letter(cp)) {
        if (!first_letter) first_letter = cp;
        ++letters;
      }
    }
    if (letters == 0) continue;
    any_letter = true;
    if (letters >= 4 && is_lower_letter(first_letter)) return false;
  }
  return any_letter;
}

// Ends where a sentence cannot: a comma or hyphen, or a word that needs more after it ("3. I
// will eat this many servings at" is a wrapped list item; a title never ends in "at" or "and").
bool ends_like_sentence_fragment(std::string_view s) {
  if (s.empty()) return false;
  const char last = s.back();
  if (last == ',' || last == ';' || last == '-') return true;
  const size_t space = s.rfind(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view word = s.substr(space + 1);
  static constexpr std::string_view kContinuing[] = {"a",  "an",   "and", "at",   "by",   "for",  "from", "in",
                                                     "of", "on",   "or",  "the",  "to",   "with", "than", "that"};
  for (std::string_view w : kContinuing)
    if (word == w) return true;
  return false;
}

// A title that stands alone on its line. `strict` for weaker label shapes ("1 Introduction",
// "IV. Remedies") that are easily confused with table rows and list items.
bool standalone_title_ok(std::string_view title, bool strict) {
  if (title.empty() || title.size() > kMaxStandaloneBytes) return false;
  const int words = word_count(title);
  if (words > (strict ? 8 : kMaxStandaloneWords)) return false;
  if (!starts_upper(title) || ends_like_sentence_fragment(title)) return false;
  if (has_dot_leaders(title) || ends_with_page_number(title)) return false;
  const char last = title.back();
  if (last == '.' || last == '!' || last == '?') {
    // "Definitions." is a heading; "Take two tablets daily with food." is a list item.
    if (strict || words > 6 || !is_title_case(title)) return false;
  }
  return true;
}

// "Term. This Agreement ..." -> title "Term" when the run-in title is short and in Title Case.
std::optional<std::string_view> inline_title(std::string_view rest) {
  size_t best = std::string_view::npos;
  for (std::string_view sep : {". ", ": "}) {
    const size_t p = rest.find(sep);
    if (p != std::string_view::npos && p < best) best = p;
  }
  if (best == std::string_view::npos || best == 0 || best > kMaxStandaloneBytes) return std::nullopt;
  std::string_view title = trim(rest.substr(0, best));
  std::string_view body = trim(rest.substr(best + 2));
  if (title.empty() || body.empty()) return std::nullopt;
  if (word_count(title) > kMaxInlineTitleWords || !starts_upper(title) || !is_title_case(title))
    return std::nullopt;
  if (has_dot_leaders(title) || ends_with_page_number(title)) return std::nullopt;
  const char32_t body_first = first_code_point(body);
  if (!(starts_upper(body) || is_digit(static_cast<char>(body_first < 0x80 ? body_first : 0)) ||
        is_opening_quote(body_first)))
    return std::nullopt;
  return title;
}

// Reads "4", "4.2", "4.2.1" (each part 1-3 digits). Returns the number of parts (0: none).
int read_dotted_number(std::string_view s, size_t& i) {
  int parts = 0;
  size_t pos = i;
  while (true) {
    size_t start = pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    const size_t digits = pos - start;
    if (digits == 0 || digits > 3) return 0;
    ++parts;
    if (pos + 1 < s.size() && s[pos] == '.' && is_digit(s[pos + 1])) {
      ++pos;
      continue;
    }
    break;
  }
  i = pos;
  return parts;
}

bool is_roman_char(char c) { return c == 'I' || c == 'V' || c == 'X' || c == 'L' || c == 'C'; }

Heading make_heading(int level, std::string_view label, std::string_view title, bool standalone) {
  Heading h;
  h.level = level;
  h.label = std::string(label);
  h.standalone = standalone;
  set_heading_title(h, title);
  return h;
}

// What follows a label: a standalone title, a run-in title, or nothing.
// `bare_ok`: the label alone is a heading ("ARTICLE 7"); `body_ok`: label + body text without
// a title is a heading ("Section 2. The Company shall ...").
std::optional<Heading> finish(int level, std::string_view label, std::string_view rest, bool strict, bool bare_ok,
                              bool body_ok) {
  rest = trim(rest);
  for (std::string_view sep : {"\xE2\x80\x93", "\xE2\x80\x94", "-", ":", "."}) {  // – — - : .
    if (rest.substr(0, sep.size()) == sep) {
      rest = trim(rest.substr(sep.size()));
      break;
    }
  }
  if (rest.empty()) {
    if (!bare_ok) return std::nullopt;
    return make_heading(level, label, "", true);
  }
  // "ARTICLE II ENGAGEMENT OF OPERATOR 6": a table-of-contents entry, not the section itself.
  if (ends_with_page_number(rest) && word_count(rest) <= kMaxStandaloneWords) return std::nullopt;
  if (standalone_title_ok(rest, strict)) return make_heading(level, label, rest, true);
  if (strict) return std::nullopt;
  if (auto title = inline_title(rest)) return make_heading(level, label, *title, false);
  if (body_ok && starts_upper(rest)) return make_heading(level, label, "", false);
  return std::nullopt;
}

std::optional<Heading> markdown_heading(std::string_view line) {
  size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 6 || hashes >= line.size() || line[hashes] != ' ') return std::nullopt;
  std::string_view title = trim(line.substr(hashes + 1));
  while (!title.empty() && title.back() == '#') title.remove_suffix(1);  // closing "##"
  title = trim(title);
  if (title.empty()) return std::nullopt;
  return make_heading(static_cast<int>(hashes), "", title, true);
}

struct Keyword {
  std::string_view word;   // as capitalised; the all-capitals spelling is accepted too
  std::string_view upper;
  int level;
};

constexpr std::array<Keyword, 9> kKeywords{{
    {"Part", "PART", 1},
    {"Chapter", "CHAPTER", 2},
    {"Article", "ARTICLE", 3},
    {"Section", "SECTION", 3},
    {"Schedule", "SCHEDULE", 3},
    {"Annex", "ANNEX", 3},
    {"Appendix", "APPENDIX", 3},
    {"Exhibit", "EXHIBIT", 3},
    {"Clause", "CLAUSE", 3},
}};

std::optional<Heading> keyword_heading(std::string_view line) {
  for (const Keyword& k : kKeywords) {
    std::string_view word;
    if (line.substr(0, k.word.size()) == k.word)
      word = k.word;
    else if (line.substr(0, k.upper.size()) == k.upper)
      word = k.upper;
    else
      continue;
    size_t i = word.size();
    if (i >= line.size() || line[i] != ' ') return std::nullopt;
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t id_start = i;
    int depth = 1;
    if (i < line.size() && is_digit(line[i])) {
      depth = read_dotted_number(line, i);
      if (depth == 0) return std::nullopt;
    } else {
      while (i < line.size() && is_roman_char(line[i]) && i - id_start < 7) ++i;
      if (i == id_start && i < line.size() && line[i] >= 'A' && line[i] <= 'Z') ++i;  // "Appendix A"
      if (i == id_start) return std::nullopt;
    }
    // The identifier must end here ("Part IIa" or "Section 3rd" are words, not labels).
    if (i < line.size() && line[i] != ' ' && line[i] != '.' && line[i] != ':' && line[i] != '-') return std::nullopt;
    const size_t label_end = i;
    const std::string label = std::string(word) + " " + std::string(line.substr(id_start, label_end - id_start));
    return finish(k.level + depth - 1, label, line.substr(label_end), false, true, true);
  }
  return std::nullopt;
}

std::optional<Heading> section_sign_heading(std::string_view line) {
  constexpr std::string_view kSign = "\xC2\xA7";  // §
  if (line.substr(0, kSign.size()) != kSign) return std::nullopt;
  size_t i = kSign.size();
  while (i < line.size() && line[i] == ' ') ++i;
  const size_t number_start = i;
  const int depth = read_dotted_number(line, i);
  if (depth == 0) return std::nullopt;
  if (i < line.size() && line[i] >= 'a' && line[i] <= 'z') ++i;  // "§3a"
  if (i < line.size() && line[i] != ' ' && line[i] != '.' && line[i] != ':') return std::nullopt;
  const std::string label = "\xC2\xA7" + std::string(line.substr(number_start, i - number_start));
  return finish(3 + depth - 1, label, line.substr(i), false, true, true);
}

std::vector<int> parse_numbers(std::string_view label) {
  std::vector<int> numbers;
  int value = -1;
  for (char c : label) {
    if (is_digit(c)) {
      value = (value < 0 ? 0 : value * 10) + (c - '0');
    } else {
      if (value >= 0) numbers.push_back(value);
      value = -1;
      if (c != '.') break;
    }
  }
  if (value >= 0) numbers.push_back(value);
  return numbers;
}

std::optional<Heading> with_numbers(std::optional<Heading> h) {
  if (h) h->number = parse_numbers(h->label);
  return h;
}

std::optional<Heading> numbered_heading(std::string_view line) {
  size_t i = 0;
  int depth = read_dotted_number(line, i);
  if (depth == 0) return std::nullopt;
  bool dot = false;
  if (i < line.size() && line[i] == '.') {
    dot = true;
    ++i;
  }
  int parens = 0;
  while (i < line.size() && line[i] == '(') {  // "4.2(b)", "7(a)(iii)"
    size_t close = line.find(')', i);
    if (close == std::string_view::npos || close - i - 1 == 0 || close - i - 1 > 4) return std::nullopt;
    for (size_t k = i + 1; k < close; ++k) {
      const char c = line[k];
      if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return std::nullopt;
    }
    ++parens;
    i = close + 1;
  }
  if (parens > 0 && i < line.size() && line[i] == '.') ++i;
  if (i >= line.size() || line[i] != ' ') return std::nullopt;  // a bare number is a page number
  const std::string_view label = line.substr(0, (line[i - 1] == '.' && depth > 1 && parens == 0) ? i - 1 : i);
  // "1 Introduction" (no dot, one part) is easily a table row or a quantity: be strict.
  const bool strict = depth == 1 && !dot && parens == 0;
  return with_numbers(finish(3 + depth + parens, label, line.substr(i), strict, false, false));
}

std::optional<Heading> roman_heading(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && is_roman_char(line[i]) && i < 7) ++i;
  if (i == 0 || i + 1 >= line.size() || line[i] != '.' || line[i + 1] != ' ') return std::nullopt;
  // A lone "L." or "C." is more often an initial ("C. Smith") than 50 or 100.
  if (i == 1 && line[0] != 'I' && line[0] != 'V' && line[0] != 'X') return std::nullopt;
  return finish(3, line.substr(0, i + 1), line.substr(i + 1), true, false, false);
}

}  // namespace

void set_heading_title(Heading& heading, std::string_view title) {
  title = trim(title);
  while (!title.empty() && (title.back() == '.' || title.back() == ':')) title.remove_suffix(1);  // "Term." -> "Term"
  heading.title = std::string(trim(title));
  std::string text = heading.label;
  if (!heading.title.empty()) {
    if (!text.empty()) text.push_back(' ');
    text += heading.title;
  }
  if (text.size() > kMaxPathText) {
    size_t cut = utf8::floor_boundary(text, kMaxPathText);
    const size_t space = text.rfind(' ', cut);
    if (space != std::string::npos && space > kMaxPathText / 2) cut = space;
    text.resize(cut);
  }
  heading.path_text = std::move(text);
}

std::optional<Heading> detect_bare_section_number(std::string_view line) {
  line = trim(line);
  size_t i = 0;
  const int depth = read_dotted_number(line, i);
  if (depth == 0) return std::nullopt;
  const bool dot = i < line.size() && line[i] == '.';
  if (dot) ++i;
  if (i != line.size() || (depth == 1 && !dot)) return std::nullopt;
  return with_numbers(make_heading(3 + depth, line.substr(0, depth > 1 && dot ? i - 1 : i), "", true));
}

bool heading_contains(const Heading& outer, const Heading& inner) {
  if (outer.level >= inner.level) return false;
  if (outer.number.empty() || inner.number.empty()) return true;
  return outer.number.size() <= inner.number.size() &&  // "4.2" holds "4.2(b)" (same numbers, deeper level)
         std::equal(outer.number.begin(), outer.number.end(), inner.number.begin());
}

bool looks_like_title_line(std::string_view line) {
  line = trim(line);
  return standalone_title_ok(line, false) && word_count(line) <= 10 && line.back() != '.';
}

std::optional<Heading> detect_heading(std::string_view line, bool markdown) {
  line = trim(line);
  if (line.empty()) return std::nullopt;
  const char c = line.front();
  if (c == '#') return markdown ? markdown_heading(line) : std::nullopt;
  if (is_digit(c)) return numbered_heading(line);
  if (static_cast<unsigned char>(c) == 0xC2) return section_sign_heading(line);
  if (auto h = keyword_heading(line)) return h;
  if (is_roman_char(c)) return roman_heading(line);
  return std::nullopt;
}

}  // namespace pw::ingest
