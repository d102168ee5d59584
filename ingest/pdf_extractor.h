// PDF files to ExtractedDocument: Poppler in a child process (or in-process when asked),
// then normalisation, running header/footer removal, line-end hyphenation, the pages without
// a text layer, the status and the title.
//
//   pw::Result<pw::ingest::ExtractedDocument> doc = pw::ingest::extract_pdf(path, options);
//
// Called by extract() (extract.h), which has already checked that the file exists, is
// readable and is not over max_file_bytes. A reader crash on one page does not lose the
// document: the child is started again after that page (at most kMaxReaderRestarts times)
// and the page is reported in `error` and left empty.
#pragma once

#include <filesystem>
#include <vector>

#include "engine/util/status.h"
#include "ingest/document.h"
#include "ingest/extract.h"
#include "ingest/pdf_reader.h"

namespace pw::ingest {

inline constexpr int kMaxReaderRestarts = 3;

// A page counts as having a text layer when it has at least this many letters or digits
// (after running headers and footers are removed, so a lone page number does not count).
inline constexpr int kMinTextCharsPerPage = 4;

Result<ExtractedDocument> extract_pdf(const std::filesystem::path& path, const ExtractOptions& options);

// The part after Poppler, shared by both ways of running it (exposed for tests): `pages` as
// read (raw text), `lost_pages` the pages the reader crashed on.
ExtractedDocument build_pdf_document(const std::filesystem::path& path, const PdfInfo& info,
                                     std::vector<PdfPageText> pages, const std::vector<int>& lost_pages);

// "3, 5-9, 12": page numbers as short ranges, for messages.
std::string page_ranges(const std::vector<int>& pages);

}  // namespace pw::ingest
