#include "ingest/file_type.h"

#include <algorithm>

#include "ingest/normalize.h"

namespace pw::ingest {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

// Well-known binary formats, so the message can say what the file is.
const char* binary_format(std::string_view head) {
  if (starts_with(head, "PK\x03\x04")) return "a ZIP archive (Word, Excel, PowerPoint or OpenDocument file)";
  if (starts_with(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return "an old Microsoft Office document";
  if (starts_with(head, "\x89PNG")) return "a PNG image";
  if (starts_with(head, "\xFF\xD8\xFF")) return "a JPEG image";
  if (starts_with(head, "GIF8")) return "a GIF image";
  if (starts_with(head, std::string_view("II*\0", 4)) || starts_with(head, std::string_view("MM\0*", 4))) return "a TIFF image";
  if (starts_with(head, "{\\rtf")) return "an RTF document";
  if (starts_with(head, "\x1F\x8B")) return "a gzip archive";
  if (starts_with(head, "\x7F" "ELF")) return "a program";
  return nullptr;
}

bool looks_like_html(std::string_view head) {
  size_t i = 0;
  if (starts_with(head, "\xEF\xBB\xBF")) i = 3;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  const std::string start = lower_ascii(head.substr(i, 15));
  return starts_with(start, "<!doctype html") || starts_with(start, "<html");
}

bool has_utf16_bom(std::string_view head) { return starts_with(head, "\xFF\xFE") || starts_with(head, "\xFE\xFF"); }

bool looks_binary(std::string_view head) {
  if (has_utf16_bom(head)) return false;
  return std::find(head.begin(), head.end(), '\0') != head.end();
}

}  // namespace

const char* format_name(FileKind kind) {
  switch (kind) {
    case FileKind::Pdf: return "pdf";
    case FileKind::Text: return "txt";
    case FileKind::Markdown: return "md";
    case FileKind::Html: return "html";
    case FileKind::Unsupported: return "";
  }
  return "";
}

FileType detect_file_type(const std::filesystem::path& path, std::string_view head) {
  if (head.substr(0, 1024).find("%PDF-") != std::string_view::npos) return {FileKind::Pdf, ""};
  if (const char* binary = binary_format(head)) return {FileKind::Unsupported, binary};
  const std::string ext = lower_ascii(path.extension().string());
  if (ext == ".pdf") return {FileKind::Pdf, ""};  // Poppler will tell what is wrong with it
  FileKind kind = FileKind::Unsupported;
  if (ext == ".txt" || ext == ".text")
    kind = FileKind::Text;
  else if (ext == ".md" || ext == ".markdown" || ext == ".mdown" || ext == ".mkd")
    kind = FileKind::Markdown;
  else if (ext == ".html" || ext == ".htm" || ext == ".xhtml")
    kind = FileKind::Html;
  else if (ext.empty())
    kind = looks_like_html(head) ? FileKind::Html : FileKind::Text;
  else
    return {FileKind::Unsupported, ext + " files"};
  if (looks_binary(head)) return {FileKind::Unsupported, "a binary file, not text"};
  return {kind, ""};
}

}  // namespace pw::ingest
