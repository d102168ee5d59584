// What ingestion produces: a document's pages and its chunks. Shared by ingest/ (which fills
// them) and rag/store (which saves them). Plain values, no behaviour.
//
//   pw::Result<pw::ingest::ExtractedDocument> doc = pw::ingest::extract(path, options);
//   std::vector<pw::ingest::Chunk> chunks = pw::ingest::chunk_document(*doc, chunk_options);
//   store.replace_document(record, *doc, chunks);   // one transaction
//
// Page numbers are 1-based physical page indices; `label` is what the PDF prints ("iv", "A-3").
// Character offsets are byte offsets into the normalised UTF-8 page text that is stored, so a
// citation can highlight exactly the cited passage later. Must not change: offsets always
// refer to Page::text as stored, never to the raw extraction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pw::ingest {

// Final state of one document after ingestion. Stored as text ("ok", "encrypted", ...): append
// new values, never renumber.
enum class DocumentStatus {
  Ok,           // text extracted and chunked
  Encrypted,    // needs a password
  NeedsOcr,     // some or all pages have no text layer (see ExtractedDocument::pages_without_text)
  Damaged,      // the file is malformed and nothing usable could be read
  Unsupported,  // not a type we read
  Unreadable,   // permissions or I/O
  TooLarge,     // over the per-document time or memory budget
};

const char* to_string(DocumentStatus status);  // "ok", "encrypted", "needs_ocr", "damaged", ...

struct Page {
  int number = 0;      // 1-based physical page
  std::string label;   // printed page label if the PDF has one, else the number as text
  std::string text;    // normalised UTF-8 text in reading order
};

struct ExtractedDocument {
  std::string path;
  std::string title;              // metadata title, else first heading, else file name
  std::string author;             // may be empty
  std::string format;             // "pdf", "txt", "md", "html"
  std::vector<Page> pages;        // one page for non-PDF files
  std::vector<int> pages_without_text;  // page numbers that need OCR
  std::string running_header;     // removed repeating header/footer text, kept once
  std::string running_footer;
  DocumentStatus status = DocumentStatus::Ok;
  std::string error;              // plain-language reason when status != Ok
};

struct Chunk {
  int ordinal = 0;                // 0-based position in the document
  int page_start = 0;             // page number where the chunk starts
  int page_end = 0;               // page number where it ends (>= page_start)
  uint32_t char_start = 0;        // byte offset in page_start's Page::text
  uint32_t char_end = 0;          // byte offset (exclusive) in page_end's Page::text
  std::string heading_path;       // "Leave policy > 4.2 Carry-over" (may be empty)
  std::string text;               // the chunk's text (what is indexed and shown)
  int token_count = 0;            // tokens by the configured tokenizer or the estimate
};

}  // namespace pw::ingest
