#include "ingest/text_segments.h"

#include <algorithm>
#include <array>
#include <string>

#include "ingest/normalize.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

constexpr size_t kMaxHeadingLine = 1000;  // longer lines are paragraphs, never headings
constexpr size_t kMaxTableRow = 400;

enum class LineKind { Blank, Heading, Row, Text };

struct Line {
  uint32_t start = 0;
  uint32_t end = 0;
  LineKind kind = LineKind::Blank;
  std::optional<Heading> heading;
  bool bare_number = false;  // "4.2" alone: a heading only if a title line follows
  size_t last_line = 0;      // a heading wrapped over several lines ends on this line (0: itself)
};

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t'; }

// Level of a question heading: below every numbered or keyword heading, so an FAQ inside
// "4. Leave" gets the path "4. Leave > Can I carry days over?".
constexpr int kQuestionHeadingLevel = 7;
constexpr size_t kMaxQuestionBytes = 200;
constexpr size_t kMaxQuestionLines = 3;

// "What ...", "How ...", "Can I ...": a question asks from its first word ("Doctors often ask
// how old ... ?" is a statement wrapped over lines).
bool starts_with_question_word(std::string_view line) {
  static constexpr std::string_view kWords[] = {
      "What", "How", "Why",  "When",  "Where", "Who",    "Whom",  "Whose", "Which", "Is",   "Are",
      "Was",  "Were", "Am",  "Can",   "Could", "Do",     "Does",  "Did",   "Should", "Would", "Will",
      "Shall", "May", "Might", "Must", "Has",  "Have",   "Had"};
  const size_t end = std::min(line.find(' '), line.size());
  const std::string_view word = line.substr(0, end);
  for (std::string_view w : kWords)
    if (word == w) return true;
  return false;
}

// The line before could end a paragraph (so the next line may start a new one).
bool ends_paragraph(std::string_view line) {
  if (line.empty()) return true;
  const char c = line.back();
  return c == '.' || c == '!' || c == '?' || c == ':' || c == ')' || c == '"';
}

// FAQ-style sections (health leaflets, HR and product FAQs): a question standing alone at the
// start of a paragraph, possibly wrapped over a few lines, with its answer after it.
// "What is (are) Noonan syndrome?" / "How many people are affected by ...\ndisease?" Returns
// the index of the line that ends the question, nothing when lines[i] starts none.
std::optional<size_t> question_heading_end(std::string_view text, const std::vector<Line>& lines, size_t i) {
  auto content = [&](size_t k) { return text.substr(lines[k].start, lines[k].end - lines[k].start); };
  if (lines[i].kind != LineKind::Text) return std::nullopt;
  const std::string_view first = content(i);
  if (first.empty() || first.front() < 'A' || first.front() > 'Z' || !starts_with_question_word(first))
    return std::nullopt;
  if (i > 0 && lines[i - 1].kind == LineKind::Text && !ends_paragraph(content(i - 1))) return std::nullopt;
  size_t bytes = 0;
  for (size_t k = i; k < lines.size() && k < i + kMaxQuestionLines; ++k) {
    if (lines[k].kind != LineKind::Text) return std::nullopt;
    const std::string_view line = content(k);
    bytes += line.size() + 1;
    if (bytes > kMaxQuestionBytes) return std::nullopt;
    // One sentence only: no sentence end before the question mark.
    for (size_t c = 0; c + 1 < line.size(); ++c)
      if ((line[c] == '.' || line[c] == '?' || line[c] == '!') && line[c + 1] == ' ') return std::nullopt;
    if (line.back() != '?') continue;
    // An answer must follow (on this page, or the page ends with the question).
    size_t next = k + 1;
    while (next < lines.size() && lines[next].kind == LineKind::Blank) ++next;
    if (next < lines.size() && lines[next].kind != LineKind::Text && lines[next].kind != LineKind::Row)
      return std::nullopt;
    return k;
  }
  return std::nullopt;
}

// The text with every whitespace run as one space (a wrapped heading on one line).
std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}


// "Go back to page 9 to check how many": five words or more, two of them lower-case words
// of four letters or more (a title is short or in Title Case: "Scope", "Annual Leave Policy").
bool reads_like_sentence(std::string_view title) {
  int words = 0, lower = 0;
  size_t pos = 0;
  while (pos < title.size()) {
    size_t end = title.find(' ', pos);
    if (end == std::string_view::npos) end = title.size();
    const std::string_view w = title.substr(pos, end - pos);
    pos = end + 1;
    if (w.empty()) continue;
    ++words;
    if (w.size() >= 4 && w.front() >= 'a' && w.front() <= 'z') ++lower;
  }
  return words >= 5 && lower >= 2;
}

bool is_numeric_cell(std::string_view token) {
  if (token == "-" || token == "\xE2\x80\x94" || token == "\xE2\x80\x93") return true;  // empty cell: - — –
  size_t b = 0, e = token.size();
  while (b < e && (token[b] == '$' || token[b] == '(' || token[b] == '+' || token[b] == '-')) ++b;
  if (token.substr(b, 3) == "\xE2\x82\xAC") b += 3;  // €
  if (token.substr(b, 2) == "\xC2\xA3") b += 2;      // £
  while (e > b && (token[e - 1] == ')' || token[e - 1] == '%' || token[e - 1] == ',' || token[e - 1] == '*')) --e;
  if (b >= e) return false;
  bool digit = false;
  for (size_t i = b; i < e; ++i) {
    const char c = token[i];
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c != ',' && c != '.')
      return false;
  }
  return digit;
}

// "2.1 Engagement .......... 6" or "ARTICLE II ENGAGEMENT OF OPERATOR 6": an entry of a table of
// contents (two words or more, ending in a page number or with dot leaders).
bool looks_like_contents_entry(std::string_view line) {
  if (line.find(". . .") != std::string_view::npos || line.find("....") != std::string_view::npos) return true;
  const size_t space = line.rfind(' ');
  if (space == std::string_view::npos || space == 0) return false;
  const std::string_view last = line.substr(space + 1);
  if (last.empty() || last.size() > 4) return false;
  for (char c : last)
    if (c < '0' || c > '9') return false;
  return line.find(' ') < space;  // at least two words before the number
}

bool looks_like_contents_page(std::string_view text, const std::vector<Line>& lines) {
  int non_blank = 0, entries = 0;
  for (const Line& line : lines) {
    if (line.kind == LineKind::Blank) continue;
    ++non_blank;
    entries += looks_like_contents_entry(text.substr(line.start, line.end - line.start));
  }
  return entries >= 5 && entries * 10 >= non_blank * 4;
}

}  // namespace

bool looks_like_table_row(std::string_view line) {
  if (line.empty() || line.size() > kMaxTableRow) return false;
  if (std::count(line.begin(), line.end(), '|') >= 2 || line.find('\t') != std::string_view::npos) return true;
  int cells = 0, numeric = 0, trailing_numeric = 0;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    std::string_view token = line.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty() || token == "$") continue;
    ++cells;
    if (is_numeric_cell(token)) {
      ++numeric;
      ++trailing_numeric;
    } else {
      trailing_numeric = 0;
    }
  }
  // "Net gain on disposal of businesses and investments — (220)": a long label, then figures.
  return cells >= 3 && numeric >= 2 && (numeric * 10 >= cells * 4 || trailing_numeric >= 2);
}

std::vector<Block> segment_page(std::string_view text, bool markdown) {
  std::vector<Line> lines;
  uint32_t pos = 0;
  const auto n = static_cast<uint32_t>(text.size());
  while (pos <= n) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = n;
    Line line;
    line.start = pos;
    line.end = static_cast<uint32_t>(eol);
    while (line.end > line.start && is_space(text[line.end - 1])) --line.end;
    while (line.start < line.end && is_space(text[line.start])) ++line.start;
    std::string_view content = text.substr(line.start, line.end - line.start);
    if (content.empty()) {
      line.kind = LineKind::Blank;
    } else if (content.size() <= kMaxHeadingLine && (line.heading = detect_heading(content, markdown))) {
      line.kind = LineKind::Heading;
    } else if ((line.heading = detect_bare_section_number(content))) {
      line.kind = LineKind::Heading;
      line.bare_number = true;
    } else if (looks_like_table_row(content)) {
      line.kind = LineKind::Row;
    } else {
      line.kind = LineKind::Text;
    }
    lines.push_back(std::move(line));
    if (eol == n) break;
    pos = static_cast<uint32_t>(eol + 1);
  }
  // On a table-of-contents page the numbered lines are entries, not headings.
  if (looks_like_contents_page(text, lines)) {
    for (Line& line : lines)
      if (line.kind == LineKind::Heading && !line.heading->label.empty()) {
        line.heading.reset();
        line.kind = looks_like_table_row(text.substr(line.start, line.end - line.start)) ? LineKind::Row : LineKind::Text;
      }
  }
  // A heading cannot continue a sentence: "... shall be addressed under\nSection 9.6. Nothing"
  // is a wrapped line, not section 9.6.
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].kind != LineKind::Heading || lines[i].heading->label.empty()) continue;
    const Line& prev = lines[i - 1];
    if (prev.kind != LineKind::Text || prev.end == prev.start) continue;
    const char last = text[prev.end - 1];
    if ((last >= 'a' && last <= 'z') || last == ',' || last == '-') {
      lines[i].heading.reset();
      lines[i].kind = LineKind::Text;
    }
  }
  // Nor can it be the first line of a wrapped sentence: "1. How many servings of grains,
  // cereals, pasta, and\nstarchy vegetables do you eat?" is a list item (a worksheet's, a
  // questionnaire's) when the next line carries on in lower case; a title's next line starts
  // a new paragraph or another heading.
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i].kind != LineKind::Heading || !lines[i].heading->standalone || lines[i].bare_number ||
        lines[i].heading->title.empty() || lines[i].heading->number.empty())
      continue;
    const Line& next = lines[i + 1];
    if (next.kind != LineKind::Text || next.end == next.start || !reads_like_sentence(lines[i].heading->title)) continue;
    const char first = text[next.start];
    if (first >= 'a' && first <= 'z') {
      lines[i].heading.reset();
      lines[i].kind = LineKind::Text;
    }
  }
  // A single table-like line is just text; tables need two rows.
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].kind != LineKind::Row) continue;
    const bool prev = i > 0 && lines[i - 1].kind == LineKind::Row;
    const bool next = i + 1 < lines.size() && lines[i + 1].kind == LineKind::Row;
    if (!prev && !next) lines[i].kind = LineKind::Text;
  }

  // Question headings of FAQ-style text.
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::optional<size_t> last = question_heading_end(text, lines, i);
    if (!last) continue;
    Heading h;
    h.level = kQuestionHeadingLevel;
    h.question = true;
    set_heading_title(h, one_line(text.substr(lines[i].start, lines[*last].end - lines[i].start)));
    lines[i].kind = LineKind::Heading;
    lines[i].heading = std::move(h);
    lines[i].last_line = *last;
    i = *last;
  }

  std::vector<Block> blocks;
  size_t i = 0;
  while (i < lines.size()) {
    Line& line = lines[i];
    if (line.kind == LineKind::Blank) {
      ++i;
      continue;
    }
    Block block;
    block.start = line.start;
    if (line.kind == LineKind::Heading && line.heading->standalone) {
      // "ARTICLE 7" or "4.2" alone, then "TERMINATION" on the next line (after at most one
      // blank line): one heading.
      size_t title = i + 1;
      if (title < lines.size() && lines[title].kind == LineKind::Blank) ++title;
      const bool has_title_line = line.heading->title.empty() && title < lines.size() &&
                                  lines[title].kind == LineKind::Text &&
                                  looks_like_title_line(text.substr(lines[title].start, lines[title].end - lines[title].start));
      if (line.bare_number && !has_title_line) {
        line.kind = LineKind::Text;  // just a number: read it as text below
        line.heading.reset();
        continue;
      }
      block.kind = BlockKind::Heading;
      block.heading = std::move(line.heading);
      block.end = line.end;
      ++i;
      if (line.last_line > 0) {  // a wrapped question
        block.end = lines[line.last_line].end;
        i = line.last_line + 1;
      } else if (has_title_line) {
        set_heading_title(*block.heading, text.substr(lines[title].start, lines[title].end - lines[title].start));
        block.end = lines[title].end;
        i = title + 1;
      }
    } else if (line.kind == LineKind::Row) {
      block.kind = BlockKind::Table;
      while (i < lines.size() && lines[i].kind == LineKind::Row) block.end = lines[i++].end;
    } else {
      block.kind = BlockKind::Text;
      if (line.kind == LineKind::Heading) block.heading = std::move(line.heading);  // run-in heading
      block.end = line.end;
      ++i;
      while (i < lines.size() && lines[i].kind == LineKind::Text) block.end = lines[i++].end;
    }
    blocks.push_back(std::move(block));
  }
  return blocks;
}

namespace {

constexpr std::array<std::string_view, 40> kAbbreviations = {
    "e.g", "i.e", "vs", "cf", "al", "approx", "no", "nos", "fig", "figs", "sec", "art", "para", "dr",
    "mr", "mrs", "ms", "prof", "inc", "ltd", "co", "corp", "st", "jr", "sr", "p", "pp", "vol", "ed",
    "u.s", "u.k", "ca", "dept", "mt", "jan", "feb", "aug", "sept", "oct", "nov"};

// The word that ends with the '.' at `dot`, lower-cased, without the dot.
bool is_abbreviation(std::string_view text, uint32_t from, uint32_t dot) {
  uint32_t b = dot;
  while (b > from && !is_space(text[b - 1]) && text[b - 1] != '(' && text[b - 1] != '"') --b;
  std::string word(text.substr(b, dot - b));
  if (word.empty()) return false;
  if (word.size() == 1 && word[0] >= 'A' && word[0] <= 'Z') return true;  // an initial: "J. Smith"
  for (char& c : word) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
}

// Length of a closing quote or bracket at text[i] ("'")]’”), 0 if none.
size_t closing_mark(std::string_view text, size_t i) {
  const char c = text[i];
  if (c == '"' || c == '\'' || c == ')' || c == ']') return 1;
  if (text.substr(i, 3) == "\xE2\x80\x99" || text.substr(i, 3) == "\xE2\x80\x9D") return 3;
  return 0;
}

bool starts_sentence(std::string_view text, size_t i) {
  size_t k = i;
  char32_t cp;
  utf8::next(text, k, cp);
  if (cp == '"' || cp == '(' || cp == 0x201C || cp == 0x2018 || cp == 0x2022) return true;  // quote, bullet
  if (cp >= '0' && cp <= '9') return true;
  return is_upper_letter(cp) || (is_letter(cp) && !is_lower_letter(cp));
}

}  // namespace

std::vector<std::pair<uint32_t, uint32_t>> sentence_spans(std::string_view text, uint32_t start, uint32_t end) {
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  uint32_t s = start;
  while (s < end && is_space(text[s])) ++s;
  for (uint32_t i = s; i < end; ++i) {
    const char c = text[i];
    if (c != '.' && c != '!' && c != '?') continue;
    uint32_t j = i + 1;
    while (j < end) {
      const size_t m = closing_mark(text, j);
      if (m == 0) break;
      j += static_cast<uint32_t>(m);
    }
    if (j >= end || !is_space(text[j])) continue;
    uint32_t k = j;
    while (k < end && is_space(text[k])) ++k;
    if (k >= end || !starts_sentence(text, k)) continue;
    if (c == '.' && is_abbreviation(text, s, i)) continue;
    spans.emplace_back(s, j);
    s = k;
    i = k - 1;
  }
  uint32_t e = end;
  while (e > s && is_space(text[e - 1])) --e;
  if (e > s) spans.emplace_back(s, e);
  return spans;
}

}  // namespace pw::ingest
