// The small markup the sample documents are written in (resources/samples/src/*.txt).
//
//   pw::sample_pdf::Document doc;  std::string error;
//   if (!pw::sample_pdf::parse_markup(text, "handbook.txt", doc, error)) { print(error); }
//
// The markup, one construct per line (a blank line ends a paragraph, bullet or notice):
//   // comment                      ignored
//   @title TEXT  @author TEXT       PDF metadata (Title, Author); @subject TEXT likewise
//   @header TEXT                    running header printed at the top of every page
//   @pagebreak                      start a new page
//   # TEXT  ## TEXT  ### TEXT       headings (document title, section, subsection)
//   - TEXT                          bullet item; following lines indented by 2 spaces continue it
//   > TEXT                          notice: a shaded box (consecutive > lines join)
//   | a | b | c |                   table row; the first row is the header; |---| rows are ignored
//   anything else                   paragraph text; consecutive lines join with a space
// Text is UTF-8 and must be showable in WinAnsiEncoding; otherwise parsing fails naming the
// file and line. All text in a Document is already WinAnsi-encoded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pw::sample_pdf {

struct Block {
  enum class Kind { heading1, heading2, heading3, paragraph, bullet, notice, table, page_break };
  Kind kind = Kind::paragraph;
  std::string text;                             // WinAnsi; empty for tables and page breaks
  std::vector<std::vector<std::string>> rows;   // tables only: rows[0] is the header row
};

struct Document {
  std::string title;    // UTF-8 (metadata)
  std::string author;   // UTF-8 (metadata)
  std::string subject;  // UTF-8 (metadata), may be empty
  std::string header;   // WinAnsi, running header
  std::vector<Block> blocks;
};

bool parse_markup(std::string_view text, const std::string& file_name, Document& doc, std::string& error);

}  // namespace pw::sample_pdf
