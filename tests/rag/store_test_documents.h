// Builds small, deterministic documents for the store tests.
//
//   auto doc = pw::rag::testing::make_document("/docs/leave.pdf", 3, 5, "Leave policy");
//   store.replace_document(collection, doc.facts, doc.extracted, doc.chunks);
#pragma once

#include <string>
#include <vector>

#include "ingest/document.h"
#include "rag/store/library_types.h"

namespace pw::rag::testing {

struct TestDocument {
  FileFacts facts;
  ingest::ExtractedDocument extracted;
  std::vector<ingest::Chunk> chunks;
};

// `pages` pages and `chunk_count` chunks spread over them; chunk i's text is
// "<title> chunk <i> " followed by `body` (so tests can search for words in it).
inline TestDocument make_document(const std::string& path, int pages, int chunk_count, const std::string& title,
                                  const std::string& body = "lorem ipsum", int64_t size = 1000,
                                  int64_t mtime_ns = 1700000000000000000) {
  TestDocument d;
  d.facts = FileFacts{path, size, mtime_ns, std::string(64, 'a')};
  d.extracted.path = path;
  d.extracted.title = title;
  d.extracted.author = "Test Author";
  d.extracted.format = "pdf";
  for (int p = 1; p <= pages; ++p) {
    d.extracted.pages.push_back(ingest::Page{p, p == 1 ? "i" : std::to_string(p), title + " page " + std::to_string(p) + " text. " + body});
  }
  for (int i = 0; i < chunk_count; ++i) {
    ingest::Chunk c;
    c.ordinal = i;
    c.page_start = pages > 0 ? 1 + (i * pages) / std::max(1, chunk_count) : 0;
    c.page_end = c.page_start;
    c.char_start = static_cast<uint32_t>(i);
    c.char_end = static_cast<uint32_t>(i + 10);
    c.heading_path = title + " > Section " + std::to_string(i / 2);
    c.text = title + " chunk " + std::to_string(i) + " " + body;
    c.token_count = 10 + i;
    d.chunks.push_back(c);
  }
  return d;
}

}  // namespace pw::rag::testing
