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
};

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t'; }

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

}  // namespace

bool looks_like_table_row(std::string_view line) {
  if (line.empty() || line.size() > kMaxTableRow) return false;
  if (std::count(line.begin(), line.end(), '|') >= 2 || line.find('\t') != std::string_view::npos) return true;
  int cells = 0, numeric = 0;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    std::string_view token = line.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty() || token == "$") continue;
    ++cells;
    if (is_numeric_cell(token)) ++numeric;
  }
  return cells >= 3 && numeric >= 2 && numeric * 10 >= cells * 4;
}

std::vector<Block> segment_page(std::string_view text) {
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
    } else if (content.size() <= kMaxHeadingLine && (line.heading = detect_heading(content))) {
      line.kind = LineKind::Heading;
    } else if (looks_like_table_row(content)) {
      line.kind = LineKind::Row;
    } else {
      line.kind = LineKind::Text;
    }
    lines.push_back(std::move(line));
    if (eol == n) break;
    pos = static_cast<uint32_t>(eol + 1);
  }
  // A single table-like line is just text; tables need two rows.
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].kind != LineKind::Row) continue;
    const bool prev = i > 0 && lines[i - 1].kind == LineKind::Row;
    const bool next = i + 1 < lines.size() && lines[i + 1].kind == LineKind::Row;
    if (!prev && !next) lines[i].kind = LineKind::Text;
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
      block.kind = BlockKind::Heading;
      block.heading = std::move(line.heading);
      block.end = line.end;
      ++i;
      // "ARTICLE 7" alone, then "TERMINATION" on the next line: one heading.
      if (block.heading->title.empty() && i < lines.size() && lines[i].kind == LineKind::Text &&
          looks_like_title_line(text.substr(lines[i].start, lines[i].end - lines[i].start))) {
        set_heading_title(*block.heading, text.substr(lines[i].start, lines[i].end - lines[i].start));
        block.end = lines[i].end;
        ++i;
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
