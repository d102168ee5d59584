// Numbered section headings, which start new chunks and name them ("Leave policy > 4.2 Carry-over").
//
//   if (auto h = pw::ingest::detect_heading("4.2 Carry-over")) {
//     h->level;      // 5: deeper numbers give larger levels; only the order matters
//     h->path_text;  // "4.2 Carry-over"
//   }
//
// Recognised (the line must start with it):
//   Markdown      "## Carry-over" (when asked)            level = number of '#'
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
#include <vector>

namespace pw::ingest {

struct Heading {
  int level = 0;           // 1..6 Markdown; Part 1, Chapter 2, Article/Section 3, numbers 3 + depth
  std::string label;       // "4.2(b)", "Article 7", "§3", "IV"; empty for Markdown headings
  std::string title;       // "Carry-over"; may be empty ("ARTICLE 7" alone on its line)
  std::string path_text;   // label and title as shown in a heading path, at most ~100 bytes
  bool standalone = true;  // false when body text follows on the same line
  std::vector<int> number; // {4, 2} for "4.2" and "4.2(b)"; empty for keyword/Markdown/Roman labels
  bool question = false;   // an FAQ question line (text_segments.h), not a labelled heading
};

// True when `inner` may sit under `outer` in a heading path. By level, and for two numbered
// headings also by number: "1.5.4" is not under "4." (a numbered list item that looked like a
// heading) even though its level is deeper.
bool heading_contains(const Heading& outer, const Heading& inner);

// `markdown`: also accept "## Title" lines. Only for Markdown and HTML documents: in PDFs and
// plain text a leading '#' is far more often a shell or config comment.
std::optional<Heading> detect_heading(std::string_view line, bool markdown = false);

// "4.2" or "1." alone on its line: a section number whose title is on the next line (TeX and
// DocBook PDFs often come out that way). Returns a heading with an empty title; the caller
// fills it in from the next line (set_heading_title) or drops it when no title follows. A
// bare "3" is not one: that is a page number.
std::optional<Heading> detect_bare_section_number(std::string_view line);

// "Carry-over" -> path text; used when a bare label ("ARTICLE 7") takes its title from the
// next line.
void set_heading_title(Heading& heading, std::string_view title);

// True when `line` could be the title line under a bare label: short, starts with a capital,
// no sentence punctuation at the end.
bool looks_like_title_line(std::string_view line);

}  // namespace pw::ingest
