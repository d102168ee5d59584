#include "ingest/text_extractor.h"

#include "ingest/document_title.h"
#include "ingest/html_text.h"
#include "ingest/normalize.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

std::string decode_utf16(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  auto unit = [&](size_t i) -> char32_t {
    const auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
    return little_endian ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
      const char32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      }
    }
    utf8::append(out, u);  // lone surrogates become U+FFFD
  }
  return out;
}

bool is_underline(std::string_view line, char c) {
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  if (line.size() < 3) return false;
  for (char x : line)
    if (x != c) return false;
  return true;
}

struct FrontMatter {
  std::string title;
  std::string author;
};

std::string yaml_value(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.remove_suffix(1);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
  return std::string(v);
}

// Removes a leading "---\n...\n---\n" block and returns the title/author it names.
FrontMatter take_front_matter(std::string& text) {
  FrontMatter fm;
  if (text.rfind("---\n", 0) != 0) return fm;
  size_t end = text.find("\n---", 3);
  if (end == std::string::npos || end > 16384) return fm;
  const std::string_view block = std::string_view(text).substr(4, end - 3);
  size_t pos = 0;
  while (pos < block.size()) {
    size_t eol = block.find('\n', pos);
    if (eol == std::string_view::npos) eol = block.size();
    const std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.rfind("title:", 0) == 0) fm.title = yaml_value(line.substr(6));
    if (line.rfind("author:", 0) == 0) fm.author = yaml_value(line.substr(7));
  }
  size_t after = text.find('\n', end + 1);
  text.erase(0, after == std::string::npos ? text.size() : after + 1);
  return fm;
}

// "Title\n=====" -> "# Title", "Title\n-----" -> "## Title".
std::string convert_setext_headings(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 64);
  std::string_view previous;
  bool previous_is_text = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    const bool last = eol == text.size();
    pos = eol + 1;
    const bool h1 = is_underline(line, '='), h2 = is_underline(line, '-');
    if (previous_is_text && (h1 || h2)) {
      // Replace the previous line (already in `out`) by its heading form.
      out.resize(out.size() - previous.size() - 1);
      out += h1 ? "# " : "## ";
      out.append(previous);
      out.push_back('\n');
      previous_is_text = false;
    } else {
      out.append(line);
      out.push_back('\n');
      previous = line;
      previous_is_text = !line.empty() && line.find_first_not_of(' ') != std::string_view::npos &&
                         line.front() != '#' && line.front() != '-' && line.front() != '*' && line.front() != '>';
    }
    if (last) break;
  }
  return out;
}

}  // namespace

std::string decode_text_bytes(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return utf8::repair(bytes.substr(3));
  if (bytes.substr(0, 2) == "\xFF\xFE") return decode_utf16(bytes.substr(2), true);
  if (bytes.substr(0, 2) == "\xFE\xFF") return decode_utf16(bytes.substr(2), false);
  if (utf8::is_valid(bytes)) return std::string(bytes);
  return utf8::from_cp1252(bytes);
}

ExtractedDocument extract_text_document(const std::filesystem::path& path, std::string_view bytes, FileKind kind) {
  ExtractedDocument doc;
  doc.path = path.string();
  doc.format = format_name(kind);
  std::string text = decode_text_bytes(bytes);
  std::string metadata_title;
  if (kind == FileKind::Html) {
    HtmlText h = html_to_text(text);
    text = std::move(h.text);
    metadata_title = std::move(h.title);
    doc.author = normalize_text(h.author);
  } else if (kind == FileKind::Markdown) {
    std::string unix_text = normalize_text(text);  // line ends first, so the markers are found
    FrontMatter fm = take_front_matter(unix_text);
    metadata_title = std::move(fm.title);
    doc.author = normalize_text(fm.author);
    text = convert_setext_headings(unix_text);
  }
  Page page;
  page.number = 1;
  page.label = "1";
  page.text = normalize_text(text);
  if (has_line_end_hyphen(page.text)) {
    HyphenationLexicon lexicon;
    lexicon.add_text(page.text);
    page.text = join_hyphenated_lines(page.text, &lexicon);
  }
  doc.pages.push_back(std::move(page));
  doc.title = choose_title(metadata_title, doc.pages, path, kind != FileKind::Text);
  if (doc.pages[0].text.empty()) {
    doc.status = DocumentStatus::Damaged;
    doc.error = "'" + utf8::repair(path.filename().string()) + "' has no text to index";
  }
  return doc;
}

}  // namespace pw::ingest
