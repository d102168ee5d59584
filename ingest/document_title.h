// The title shown for a document: metadata title, else the first heading, else the file name.
//
//   doc.title = pw::ingest::choose_title(pdf_info.title, doc.pages, path, /*markdown=*/false);
//
// Metadata titles are often junk left by the authoring tool; these are ignored: empty or
// fewer than three letters ("0000764478-23-000041"), "untitled"/"title"/"document", or a file
// name ("report.docx"). A "Microsoft Word - " prefix is dropped and the rest used. The first
// heading is the first Markdown heading (md/html) of the first page with text, else its first line
// that looks like a title (2..15 words, at most 150 bytes, mostly letters, one word of 3+
// letters).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/document.h"

namespace pw::ingest {

// `markdown`: look for "# Title" lines (Markdown and HTML documents).
std::string choose_title(std::string_view metadata_title, const std::vector<Page>& pages,
                         const std::filesystem::path& path, bool markdown);

// The cleaned metadata title, or empty when it is junk (see above). Exposed for tests.
std::string clean_metadata_title(std::string_view title);

}  // namespace pw::ingest
