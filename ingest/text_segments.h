// Splits a normalised page into blocks (paragraphs, headings, tables) and paragraphs into
// sentences, keeping byte offsets into the page text. The chunker packs these into chunks.
//
//   for (const pw::ingest::Block& b : pw::ingest::segment_page(page.text)) {
//     std::string_view text = std::string_view(page.text).substr(b.start, b.end - b.start);
//     if (b.kind == pw::ingest::BlockKind::Table) ...;      // keep together when it fits
//   }
//   for (auto [s, e] : pw::ingest::sentence_spans(text, b.start, b.end)) ...;
//
// Numbered headings are ignored on a table-of-contents page (five or more lines, at least 40%,
// ending in a page number or with dot leaders) and where they would continue a sentence (the
// line before ends in a lower-case letter, a comma or a hyphen: a wrapped "Section 9.6").
// FAQ question lines are headings too (Heading::question, level 7: below numbered ones): a
// question that starts with a question word ("What", "How", "Can", ...) and stands alone at
// the start of a paragraph, possibly wrapped over up to three lines, with an answer after it.
// A numbered line that reads like a sentence and continues in lower case on the next line is
// a wrapped list item, not a heading.
// Blocks cover every non-blank line of the page, in order, and never overlap. Offsets never
// point inside a UTF-8 sequence; block ends exclude trailing whitespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/headings.h"

namespace pw::ingest {

enum class BlockKind {
  Text,     // a paragraph (may start with a run-in heading, see Block::heading)
  Heading,  // a heading line (plus its title line when the label stood alone: "ARTICLE 7\nTERMINATION")
  Table,    // two or more consecutive table-like lines
};

struct Block {
  BlockKind kind = BlockKind::Text;
  uint32_t start = 0;
  uint32_t end = 0;  // exclusive
  std::optional<Heading> heading;
};

// `markdown`: recognise "## Title" headings (Markdown and HTML documents only, see headings.h).
std::vector<Block> segment_page(std::string_view page_text, bool markdown = false);

// A line that looks like a table row: cells separated by '|' or tabs, or a row of figures
// ("Net sales $ 3,909 3,673 14,544"): at least two numbers, and either 40% of the cells are
// numbers or the line ends with two of them (a long label, then the figures).
bool looks_like_table_row(std::string_view line);

// Sentence spans within [start, end) of text: cut after . ! ? (and closing quotes/brackets)
// followed by a space or newline and a capital, digit or opening quote, but not after common
// abbreviations ("e.g.", "Dr.", "Inc.", "No.", single initials). Spans are trimmed and
// cover all non-blank text of the range.
std::vector<std::pair<uint32_t, uint32_t>> sentence_spans(std::string_view text, uint32_t start, uint32_t end);

}  // namespace pw::ingest
