// Text extraction for one file: PDF (Poppler), plain text, Markdown and HTML.
//
//   pw::ingest::ExtractOptions options;
//   options.password = password_from_user;              // only for encrypted PDFs
//   pw::Result<pw::ingest::ExtractedDocument> doc = pw::ingest::extract(path, options);
//   if (!doc) { /* the extraction machinery failed (could not start a process): retry later */ }
//   else if (doc->status != pw::ingest::DocumentStatus::Ok) show(doc->error);   // and go on
//
// Problems of the document itself never come back as an error: they are a status with a
// plain-language message naming the file (ExtractedDocument::status / ::error):
//   encrypted    password-protected and no (or a wrong) password given
//   needs_ocr    no page, or fewer than half of the pages, has a text layer; the pages that
//                have text are still returned, pages_without_text lists the others
//   damaged      not readable as its type (broken PDF, the PDF reader crashed on it)
//   unsupported  not a type Pagewise reads (.docx, images, binary files)
//   unreadable   missing, a folder, no read permission, or an I/O error
//   too_large    over max_file_bytes / max_pages, or over the time or memory budget
// A document with status ok may still carry a note in `error` (e.g. "page 17 could not be
// read"), for pages lost to a reader crash while the rest of the file was fine.
//
// PDFs are read by Poppler in a child process (child_process.h) unless isolate_pdf is false:
// nothing a hostile file does to Poppler (crash, endless loop, huge allocation) can take the
// caller down; it becomes damaged or too_large. isolate_pdf = false is for tests and
// benchmarks on trusted files only.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "engine/util/status.h"
#include "ingest/document.h"

namespace pw::ingest {

struct ExtractOptions {
  std::string password;                                  // UTF-8; for encrypted PDFs
  std::chrono::milliseconds time_budget{60000};          // per document
  size_t memory_budget = size_t{1} << 30;                // bytes the PDF reader may allocate
  int max_pages = 10000;
  size_t max_file_bytes = size_t{1} << 30;               // larger files: too_large
  size_t max_text_file_bytes = size_t{64} << 20;         // TXT/MD/HTML are read into memory
  bool isolate_pdf = true;                               // see the header comment
};

Result<ExtractedDocument> extract(const std::filesystem::path& path, const ExtractOptions& options);

}  // namespace pw::ingest
