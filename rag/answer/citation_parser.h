// Citation markers in a streamed answer: "[1]", "[1, 3]", "[2-4]", "[Source 2]". Fed the
// model's output piece by piece, it releases the text that can be shown now, with markers of
// sources that were provided normalised ("[1, 3]") and markers of sources that were not
// removed (with the space before them).
//
//   pw::rag::CitationStreamParser parser(/*source_count=*/4);
//   show(parser.feed("Leave carries over [1"));   // "Leave carries over" (the rest is held)
//   show(parser.feed("][7]."));                   // " [1]."  ([7] was not a source: removed)
//   show(parser.finish());
//   parser.text();      // "Leave carries over [1]."
//   parser.marks();     // {begin 19, end 22, numbers {1}}
//   parser.dropped();   // {7}
//
// Held back at most: one bracket group (<= 48 bytes) and the spaces before it, so text
// streams with no visible delay. Anything in brackets that is not a list of numbers ("[sic]",
// "[a]") is ordinary text. Pieces may split a marker anywhere, even inside a UTF-8 character.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pw::rag {

struct CitationMark {
  size_t begin = 0;  // byte range of the normalised marker in text()
  size_t end = 0;
  std::vector<int> numbers;  // distinct, in the order written, all in 1..source_count
};

class CitationStreamParser {
 public:
  explicit CitationStreamParser(int source_count);

  // Returns the text released by this piece (may be empty while a marker is held).
  std::string feed(std::string_view piece);
  // Releases whatever is held (an unfinished bracket is text).
  std::string finish();

  const std::string& text() const { return text_; }
  const std::vector<CitationMark>& marks() const { return marks_; }
  const std::vector<int>& dropped() const { return dropped_; }

 private:
  void take(char c, std::string& released);
  void release(std::string_view s, std::string& released);
  void close_group(std::string& released);
  void abandon_group(std::string& released);

  int source_count_;
  std::string text_;
  std::vector<CitationMark> marks_;
  std::vector<int> dropped_;
  std::string held_spaces_;  // spaces not yet released (a removed marker takes them along)
  std::string group_;        // an open "[..." being read
  bool in_group_ = false;
  bool after_removed_ = false;  // the last thing was a removed marker
};

// Parses the inside of a bracket group ("1, 3", "Source 2", "2-4"); empty when it is not a
// citation. Ranges are expanded (at most 20 numbers).
std::vector<int> parse_citation_numbers(std::string_view inside);

}  // namespace pw::rag
