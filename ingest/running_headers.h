// Running headers and footers: lines repeated at the top or bottom of most pages ("ACME Corp
// - Confidential", "Page 3 of 12", "Debian Reference   xx"). They are removed from the pages
// (so they do not pollute every chunk and every search) and kept once as document metadata.
//
//   std::vector<std::string> pages = ...;                  // normalised page texts
//   pw::ingest::RunningText rt = pw::ingest::remove_running_text(pages);
//   doc.running_header = rt.header;                        // "ACME Corp - Confidential"
//
// A line counts as running text when, with digit runs (and a lone Roman numeral) replaced by
// '#', it appears among the first (header) or last (footer) kRunningTextZoneLines non-blank
// lines (on a short page: its first half, and the rest) of at least 40% of the pages that have
// text, and of at least 3 pages. 40% rather than "most":
// books alternate the left and right running heads, so each is on about half of the pages.
// Page-number-only lines are removed but not kept as metadata. Nothing is removed when that
// would leave most pages empty: then the repeated lines are the content.
#pragma once

#include <string>
#include <vector>

namespace pw::ingest {

struct RunningText {
  std::string header;  // removed header lines, once each, '\n'-separated (page numbers left out)
  std::string footer;
  int lines_removed = 0;
};

inline constexpr int kRunningTextZoneLines = 3;

RunningText remove_running_text(std::vector<std::string>& pages);

// "Page 12 of 40" -> "page # of #": the comparison key (exposed for tests).
std::string running_text_key(const std::string& line);

}  // namespace pw::ingest
