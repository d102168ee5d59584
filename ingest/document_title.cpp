#include "ingest/document_title.h"

#include <algorithm>
#include <array>

#include "ingest/headings.h"
#include "ingest/normalize.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

constexpr size_t kMaxTitleBytes = 150;

int count_letters(std::string_view s) {
  int letters = 0;
  size_t i = 0;
  char32_t cp;
  while (i < s.size()) {
    utf8::next(s, i, cp);
    if (is_letter(cp)) ++letters;
  }
  return letters;
}

bool looks_like_file_name(std::string_view s) {
  static constexpr std::array<std::string_view, 14> kExtensions = {
      ".doc", ".docx", ".pdf", ".rtf", ".odt", ".txt", ".indd", ".qxd", ".ps", ".dvi", ".tex", ".xls", ".xlsx", ".pptx"};
  const std::string lower = to_lower_utf8(s);
  for (std::string_view ext : kExtensions)
    if (lower.size() > ext.size() && lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) return true;
  return false;
}

std::string one_line(std::string_view s) {
  std::string out = normalize_text(s);
  std::replace(out.begin(), out.end(), '\n', ' ');
  if (out.size() > kMaxTitleBytes) {
    size_t cut = utf8::floor_boundary(out, kMaxTitleBytes);
    const size_t space = out.rfind(' ', cut);
    if (space != std::string::npos && space > kMaxTitleBytes / 2) cut = space;
    out.resize(cut);
  }
  return out;
}

bool title_like_line(std::string_view line) {
  if (line.empty() || line.size() > kMaxTitleBytes) return false;
  int words = 1;
  for (char c : line) words += c == ' ';
  if (words < 2 || words > 15) return false;
  const int letters = count_letters(line);
  if (letters < 4 || letters * 2 < static_cast<int>(utf8::length(line))) return false;
  // Real words: at least one of three letters or more (rules out glyph garbage from fonts
  // without a Unicode map, "Ԕΰ ϸ Ї Îϣ ķϙ").
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    if (count_letters(line.substr(pos, end - pos)) >= 3) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

std::string clean_metadata_title(std::string_view title) {
  std::string t = one_line(title);
  for (std::string_view prefix : {"Microsoft Word - ", "Microsoft PowerPoint - ", "Microsoft Excel - "})
    if (t.rfind(prefix, 0) == 0) {
      t.erase(0, prefix.size());
      const size_t dot = t.rfind('.');
      if (dot != std::string::npos && looks_like_file_name(t)) t.resize(dot);
    }
  if (count_letters(t) < 3 || looks_like_file_name(t)) return {};
  const std::string lower = to_lower_utf8(t);
  if (lower == "untitled" || lower == "title" || lower == "document" || lower == "untitled document") return {};
  return t;
}

std::string choose_title(std::string_view metadata_title, const std::vector<Page>& pages,
                         const std::filesystem::path& path, bool markdown) {
  if (std::string t = clean_metadata_title(metadata_title); !t.empty()) return t;
  for (const Page& page : pages) {
    if (page.text.empty()) continue;
    const std::string_view text = page.text;
    // A Markdown heading anywhere in the first page with text, else its first title-like line.
    std::string first_title_line;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t eol = text.find('\n', pos);
      if (eol == std::string_view::npos) eol = text.size();
      const std::string_view line = text.substr(pos, eol - pos);
      pos = eol + 1;
      if (markdown && (line.rfind("# ", 0) == 0 || line.rfind("## ", 0) == 0)) {
        if (auto h = detect_heading(line, true); h && !h->title.empty()) return one_line(h->title);
      }
      if (first_title_line.empty() && title_like_line(line)) first_title_line = one_line(line);
    }
    if (!first_title_line.empty()) return first_title_line;
    break;
  }
  return utf8::repair(path.stem().string());
}

}  // namespace pw::ingest
