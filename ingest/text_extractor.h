// Plain text, Markdown and HTML files to ExtractedDocument: one "page" per file, headings kept
// as lines the chunker recognises ("# Title", "4.2 Carry-over").
//
//   std::string bytes = read_whole_file(path);          // extract() does this, bounded
//   pw::ingest::ExtractedDocument doc =
//       pw::ingest::extract_text_document(path, bytes, pw::ingest::FileKind::Markdown);
//
// Character set: a UTF-8 or UTF-16 byte order mark decides; else valid UTF-8 is UTF-8 and
// anything else is read as Windows-1252 (Latin-1 plus the printable 0x80-0x9F range), which is
// what legacy Western files almost always are. Markdown: a YAML front matter block gives the
// title and author and is not indexed; "Title\n=====" (setext) headings become "# Title".
// HTML: see html_text.h. Then the usual normalisation (normalize.h). Title: <title> or front
// matter, else the first heading, else the first title-like line, else the file name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "ingest/document.h"
#include "ingest/file_type.h"

namespace pw::ingest {

ExtractedDocument extract_text_document(const std::filesystem::path& path, std::string_view bytes, FileKind kind);

// Bytes of a text file to UTF-8 (BOM, else UTF-8 if valid, else Windows-1252).
std::string decode_text_bytes(std::string_view bytes);

}  // namespace pw::ingest
