// Numbered section headings, which start new chunks and name them ("Leave policy > 4.2 Carry-over").
//
//   if (auto h = pw::ingest::detect_heading("4.2 Carry-over")) {
//     h->level;      // 5: deeper numbers give larger levels; only the order matters
//     h->path_text;  // "4.2 Carry-over"
//   }
//
// Recognised (the line must start with it):
//   Markdown      "## Carry-over"                         level = number of '#'
//   keywords      "Part II", "Chapter 3", "ARTICLE 7 - TERMINATION", "Section 4.2: Fees",
//                 "Schedule B", "Annex 1", "Appendix A", "Exhibit C"
//   section sign  "§3", "§ 4.2 Fees"
//   numbers       "1. Definitions", "4.2 Carry-over", "4.2(b) Unused days", "1 Introduction"
//   Roman         "IV. Remedies"
// A heading either stands alone on its line (short title, no sentence punctuation at the end)
// or runs into its paragraph ("2.1 Term. This Agreement shall ..."), in which case the title
// must be in Title Case or capitals. Rejected on purpose: table-of-contents lines with dot
// leaders or a trailing page number, list items written as sentences ("1. Take two tablets
// daily with food and water."), lower-case continuations ("Section 3 of this Agreement"),
// quantities ("4.5 million") and years ("2023 Annual Report").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pw::ingest {

struct Heading {
  int level = 0;           // 1..6 Markdown; Part 1, Chapter 2, Article/Section 3, numbers 3 + depth
  std::string label;       // "4.2(b)", "Article 7", "§3", "IV"; empty for Markdown headings
  std::string title;       // "Carry-over"; may be empty ("ARTICLE 7" alone on its line)
  std::string path_text;   // label and title as shown in a heading path, at most ~100 bytes
  bool standalone = true;  // false when body text follows on the same line
};

std::optional<Heading> detect_heading(std::string_view line);

// "Carry-over" -> path text; used when a bare label ("ARTICLE 7") takes its title from the
// next line.
void set_heading_title(Heading& heading, std::string_view title);

// True when `line` could be the title line under a bare label: short, starts with a capital,
// no sentence punctuation at the end.
bool looks_like_title_line(std::string_view line);

}  // namespace pw::ingest
