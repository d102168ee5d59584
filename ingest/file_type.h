// What kind of file a path holds, from its first bytes and its extension.
//
//   std::string head = first_bytes(path, 4096);
//   pw::ingest::FileType t = pw::ingest::detect_file_type(path, head);
//   if (t.kind == pw::ingest::FileKind::Unsupported) show(t.description);   // "a Word document"
//
// The content wins over the extension for PDFs ("%PDF-" in the first 1 KiB, as PDF readers
// accept) and for well-known binary formats; otherwise the extension decides (.txt .text .md
// .markdown .html .htm .xhtml); a file without extension that starts like HTML is HTML, and
// one that looks like text (no NUL bytes) is plain text.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace pw::ingest {

enum class FileKind { Pdf, Text, Markdown, Html, Unsupported };

struct FileType {
  FileKind kind = FileKind::Unsupported;
  std::string description;  // for Unsupported: "a Word or OpenDocument file (ZIP)", "a PNG image", ".xyz files"
};

FileType detect_file_type(const std::filesystem::path& path, std::string_view head);

// "pdf", "txt", "md", "html" (ExtractedDocument::format); "" for Unsupported.
const char* format_name(FileKind kind);

}  // namespace pw::ingest
