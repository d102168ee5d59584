#include "resources/tools/make_sample_pdf/markup.h"

#include <optional>

#include "resources/tools/make_sample_pdf/winansi.h"

namespace pw::sample_pdf {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Splits "| a | b |" into {"a", "b"}.
std::vector<std::string> split_row(std::string_view line) {
  line = trim(line);
  if (starts_with(line, "|")) line.remove_prefix(1);
  if (!line.empty() && line.back() == '|') line.remove_suffix(1);
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t bar = line.find('|', start);
    cells.emplace_back(trim(line.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start)));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return cells;
}

bool is_separator_row(const std::vector<std::string>& cells) {
  for (const auto& c : cells)
    if (c.find_first_not_of("-: ") != std::string::npos || c.empty()) return false;
  return true;
}

class Parser {
 public:
  Parser(const std::string& file_name, Document& doc, std::string& error)
      : file_(file_name), doc_(doc), error_(error) {}

  bool line(std::string_view raw, int number) {
    line_ = number;
    const std::string_view text = trim(raw);
    if (text.empty()) return close();
    if (starts_with(text, "//")) return true;
    if (open_ == Block::Kind::bullet && starts_with(raw, "  ")) return append(text);
    if (starts_with(text, "@")) return directive(text);
    if (starts_with(text, "### ")) return single(Block::Kind::heading3, text.substr(4));
    if (starts_with(text, "## ")) return single(Block::Kind::heading2, text.substr(3));
    if (starts_with(text, "# ")) return single(Block::Kind::heading1, text.substr(2));
    if (starts_with(text, "- ")) return start(Block::Kind::bullet, text.substr(2));
    if (starts_with(text, "> ") || text == ">") {
      const auto rest = trim(text.substr(1));
      if (open_ == Block::Kind::notice) return append(rest);
      return start(Block::Kind::notice, rest);
    }
    if (starts_with(text, "|")) return table_row(text);
    if (open_ == Block::Kind::paragraph) return append(text);
    return start(Block::Kind::paragraph, text);
  }

  bool finish() { return close(); }

 private:
  bool fail(const std::string& message) {
    error_ = file_ + ":" + std::to_string(line_) + ": " + message;
    return false;
  }

  bool encode(std::string_view utf8, std::string& out) {
    std::string bad;
    if (!to_winansi(utf8, out, bad)) return fail("character " + bad + " cannot be shown in WinAnsiEncoding");
    return true;
  }

  bool close() {
    open_.reset();
    return true;
  }

  bool start(Block::Kind kind, std::string_view text) {
    close();
    Block b;
    b.kind = kind;
    if (!encode(text, b.text)) return false;
    doc_.blocks.push_back(std::move(b));
    open_ = kind;
    return true;
  }

  bool single(Block::Kind kind, std::string_view text) {
    if (!start(kind, text)) return false;
    return close();
  }

  bool append(std::string_view text) {
    std::string encoded;
    if (!encode(text, encoded)) return false;
    auto& b = doc_.blocks.back();
    if (!b.text.empty()) b.text += ' ';
    b.text += encoded;
    return true;
  }

  bool table_row(std::string_view text) {
    auto cells = split_row(text);
    if (is_separator_row(cells)) return true;
    std::vector<std::string> encoded(cells.size());
    for (size_t i = 0; i < cells.size(); ++i)
      if (!encode(cells[i], encoded[i])) return false;
    if (open_ != Block::Kind::table) {
      close();
      Block b;
      b.kind = Block::Kind::table;
      doc_.blocks.push_back(std::move(b));
      open_ = Block::Kind::table;
    }
    auto& rows = doc_.blocks.back().rows;
    if (!rows.empty() && rows.front().size() != encoded.size())
      return fail("table row has " + std::to_string(encoded.size()) + " cells, the header has " +
                  std::to_string(rows.front().size()));
    rows.push_back(std::move(encoded));
    return true;
  }

  bool directive(std::string_view text) {
    close();
    const size_t space = text.find(' ');
    const std::string_view name = text.substr(1, space == std::string_view::npos ? std::string_view::npos : space - 1);
    const std::string_view value = space == std::string_view::npos ? std::string_view{} : trim(text.substr(space + 1));
    std::string check;
    if (name == "pagebreak") {
      Block b;
      b.kind = Block::Kind::page_break;
      doc_.blocks.push_back(std::move(b));
      return true;
    }
    if (name == "header") return encode(value, doc_.header);
    if (name == "title" || name == "author" || name == "subject") {
      if (!encode(value, check)) return false;  // metadata must be showable too
      (name == "title" ? doc_.title : name == "author" ? doc_.author : doc_.subject) = std::string(value);
      return true;
    }
    return fail("unknown directive '@" + std::string(name) + "'");
  }

  const std::string& file_;
  Document& doc_;
  std::string& error_;
  int line_ = 0;
  std::optional<Block::Kind> open_;
};

}  // namespace

bool parse_markup(std::string_view text, const std::string& file_name, Document& doc, std::string& error) {
  doc = Document{};
  Parser parser(file_name, doc, error);
  int number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = text.find('\n', pos);
    const std::string_view raw = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!parser.line(raw, ++number)) return false;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  if (!parser.finish()) return false;
  if (doc.title.empty()) {
    error = file_name + ": missing @title";
    return false;
  }
  return true;
}

}  // namespace pw::sample_pdf
