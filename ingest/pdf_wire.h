// The byte format a PDF-reading child process uses to send its results to the parent.
//
//   std::string out;
//   pw::ingest::pdf_wire::append_info(out, info);        // once, first
//   pw::ingest::pdf_wire::append_page(out, page);        // per page, in order
//   pw::ingest::pdf_wire::append_end(out);               // last: the child finished normally
//   pw::ingest::pdf_wire::Decoded d = pw::ingest::pdf_wire::decode(received_bytes);
//
// Records: tag (1 byte: 'I' info, 'P' page, 'E' end), payload length (u32 little-endian),
// payload. Strings inside payloads are u32 length + bytes. The decoder trusts nothing: a
// record cut short (the child died mid-write) or a length past the end stops decoding and
// keeps what came before, so the parent can say how far the child got. Both sides are built
// from the same source, so the format has no version field; change both together.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/pdf_reader.h"

namespace pw::ingest::pdf_wire {

void append_info(std::string& out, const PdfInfo& info);
void append_page(std::string& out, const PdfPageText& page);
void append_end(std::string& out);

struct Decoded {
  std::optional<PdfInfo> info;
  std::vector<PdfPageText> pages;
  bool complete = false;   // the end record arrived
  bool malformed = false;  // bytes that are not a valid record (not just cut short)
};

Decoded decode(std::string_view bytes);

}  // namespace pw::ingest::pdf_wire
