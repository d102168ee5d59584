// Poppler, in the calling process: opens a PDF and streams its metadata and page texts.
// Nothing here is protected against Poppler crashing or hanging on a hostile file; callers
// use pdf_extractor.h, which runs this in a child process (see child_process.h).
//
//   pw::ingest::read_pdf(path, password, /*max_pages=*/10000, /*first_page=*/1,
//       [&](const pw::ingest::PdfInfo& info) { ...; return true; },
//       [&](pw::ingest::PdfPageText page) { ...; return true; });   // false stops reading
// first_page (1-based) skips the pages before it, to resume after a page that crashed the reader.
//
// Text comes in reading order (Poppler's non-raw, non-physical layout: columns one after the
// other). A page whose reading-order text is mostly lone numbers (a financial table that came
// out one cell per line) is read again in physical layout, which keeps each table row on one
// line. Poppler's own error messages are captured (the first one explains a damaged file)
// instead of going to stderr.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace pw::ingest {

enum class PdfOpenOutcome {
  Opened = 0,
  NeedsPassword = 1,  // encrypted with a user password, none given
  WrongPassword = 2,  // a password was given and it does not open the file
  Damaged = 3,        // Poppler could not open it as a PDF
  TooManyPages = 4,   // over max_pages
  NoPages = 5,        // opened, but the page tree holds no page
};

struct PdfInfo {
  PdfOpenOutcome outcome = PdfOpenOutcome::Damaged;
  int page_count = 0;
  std::string title;   // metadata, UTF-8, may be empty
  std::string author;
  std::string detail;  // Poppler's first error message, if any
};

struct PdfPageText {
  int number = 0;       // 1-based
  std::string label;    // printed label, or the number as text
  std::string text;     // raw UTF-8 from Poppler (not normalised)
  bool physical_layout = false;  // re-read in physical layout because it looked like a table
};

void read_pdf(const std::string& path, const std::string& password, int max_pages, int first_page,
              const std::function<bool(const PdfInfo&)>& on_info,
              const std::function<bool(PdfPageText)>& on_page);

// True when reading-order text looks like a table that lost its rows: at least 8 lines that
// are a lone number, making up at least a quarter of the lines.
bool looks_like_scattered_table(std::string_view raw_text);

}  // namespace pw::ingest
