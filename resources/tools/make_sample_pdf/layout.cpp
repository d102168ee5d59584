#include "resources/tools/make_sample_pdf/layout.h"

#include <algorithm>
#include <numeric>

#include "resources/tools/make_sample_pdf/pdf_writer.h"

namespace pw::sample_pdf {

namespace {

constexpr double kLeft = 64;
constexpr double kRight = kPageWidth - 64;
constexpr double kWidth = kRight - kLeft;
constexpr double kBodyTop = kPageHeight - 76;  // below the running header
constexpr double kBodyBottom = 72;             // above the footer
constexpr Rgb kHeadingColour{0.09, 0.23, 0.42};
constexpr Rgb kTextColour{0.1, 0.1, 0.1};
constexpr Rgb kMutedColour{0.4, 0.4, 0.4};

struct Style {
  Font font;
  double size, leading, before, after;
  Rgb colour;
};

Style style_of(Block::Kind kind) {
  switch (kind) {
    case Block::Kind::heading1: return {Font::bold, 20, 26, 0, 10, kHeadingColour};
    case Block::Kind::heading2: return {Font::bold, 13.5, 18, 16, 5, kHeadingColour};
    case Block::Kind::heading3: return {Font::bold, 11, 15, 10, 3, kTextColour};
    case Block::Kind::bullet: return {Font::regular, 10, 14, 2, 2, kTextColour};
    case Block::Kind::notice: return {Font::bold, 9.5, 13, 8, 10, kTextColour};
    case Block::Kind::table: return {Font::regular, 9, 12, 8, 10, kTextColour};
    case Block::Kind::paragraph:
    case Block::Kind::page_break: break;
  }
  return {Font::regular, 10, 14, 4, 6, kTextColour};
}

// Baseline of a line whose box starts at `top` (the line's leading is centred on the text).
double baseline(double top, double size, double leading) { return top - leading * 0.5 - size * 0.35; }

class Layout {
 public:
  std::vector<PageCanvas> run(const Document& doc) {
    new_page();
    for (size_t i = 0; i < doc.blocks.size(); ++i)
      place(doc.blocks[i], i + 1 < doc.blocks.size() ? &doc.blocks[i + 1] : nullptr);
    return std::move(pages_);
  }

 private:
  void new_page() {
    pages_.emplace_back();
    y_ = kBodyTop;
    gap_ = 0;
    empty_ = true;
  }

  PageCanvas& page() { return pages_.back(); }

  // Reserves `height` points after the gap before this block, breaking the page if needed.
  void reserve(double before, double height) {
    const double gap = empty_ ? 0 : std::max(gap_, before);
    if (!empty_ && y_ - gap - height < kBodyBottom) {
      new_page();
      return;
    }
    y_ -= gap;
  }

  void done(double after) {
    gap_ = after;
    empty_ = false;
  }

  // How much of `block` must fit below a heading so the heading is not left alone at the
  // bottom of a page: a few lines of text, or a whole table or notice when it fits on a page.
  static double lead_height(const Block* block) {
    if (!block) return 0;
    const Style s = style_of(block->kind);
    auto lines = [&](double width, size_t most) {
      return s.leading * static_cast<double>(std::min(wrap(block->text, s.font, s.size, width).size(), most));
    };
    switch (block->kind) {
      case Block::Kind::paragraph: return s.before + lines(kWidth, 3);
      case Block::Kind::bullet: return s.before + lines(kWidth - 18, 2);
      case Block::Kind::notice: return s.before + notice_height(*block, s);
      case Block::Kind::table: return s.before + shape_table(*block, s).keep_height();
      case Block::Kind::heading1:
      case Block::Kind::heading2:
      case Block::Kind::heading3: return s.before + lines(kWidth, 2) + 2 * 14;
      case Block::Kind::page_break: break;
    }
    return 0;
  }

  void place(const Block& block, const Block* next) {
    const Style s = style_of(block.kind);
    switch (block.kind) {
      case Block::Kind::page_break:
        if (!empty_) new_page();
        return;
      case Block::Kind::heading1:
      case Block::Kind::heading2:
      case Block::Kind::heading3: {
        const auto lines = wrap(block.text, s.font, s.size, kWidth);
        reserve(s.before, s.leading * static_cast<double>(lines.size()) + s.after + lead_height(next));
        lines_at(lines, kLeft, s);
        if (block.kind == Block::Kind::heading1) {
          page().rule(kLeft, y_ - 3, kRight, y_ - 3, 1.2, 0.75);
          y_ -= 6;
        }
        done(s.after);
        return;
      }
      case Block::Kind::paragraph:
        flowing(wrap(block.text, s.font, s.size, kWidth), kLeft, s);
        return;
      case Block::Kind::bullet: {
        const auto lines = wrap(block.text, s.font, s.size, kWidth - 18);
        reserve(s.before, s.leading);
        page().text(kLeft + 6, baseline(y_, s.size, s.leading), Font::regular, s.size, "\x95", s.colour);
        flowing(lines, kLeft + 18, s, /*first_reserved=*/true);
        return;
      }
      case Block::Kind::notice:
        notice(block, s);
        return;
      case Block::Kind::table:
        table(block, s);
        return;
    }
  }

  // Draws lines at the cursor without page breaks (the caller reserved the space).
  void lines_at(const std::vector<std::string>& lines, double x, const Style& s) {
    for (const auto& line : lines) {
      page().text(x, baseline(y_, s.size, s.leading), s.font, s.size, line, s.colour);
      y_ -= s.leading;
    }
  }

  // Draws lines that may continue on the next page.
  void flowing(const std::vector<std::string>& lines, double x, const Style& s, bool first_reserved = false) {
    bool first = true;
    for (const auto& line : lines) {
      if (first && !first_reserved) {
        reserve(s.before, s.leading);
      } else if (!first && y_ - s.leading < kBodyBottom) {
        new_page();
      }
      first = false;
      page().text(x, baseline(y_, s.size, s.leading), s.font, s.size, line, s.colour);
      y_ -= s.leading;
      empty_ = false;
    }
    done(s.after);
  }

  static constexpr double kNoticePad = 8;

  static double notice_height(const Block& block, const Style& s) {
    const auto lines = wrap(block.text, s.font, s.size, kWidth - 2 * kNoticePad - 4);
    return s.leading * static_cast<double>(lines.size()) + 2 * kNoticePad;
  }

  void notice(const Block& block, const Style& s) {
    constexpr double pad = kNoticePad;
    const auto lines = wrap(block.text, s.font, s.size, kWidth - 2 * pad - 4);
    const double height = notice_height(block, s);
    reserve(s.before, height);
    page().fill_rect(kLeft, y_ - height, kWidth, height, 0.92);
    page().fill_rect(kLeft, y_ - height, 3, height, 0.45);
    y_ -= pad;
    lines_at(lines, kLeft + pad + 4, s);
    y_ -= pad;
    done(s.after);
  }

  // Column widths: natural widths when they fit (extra space shared out in proportion);
  // otherwise every column gets a fair share and wide columns split what is left.
  static std::vector<double> column_widths(const Block& block, const Style& s, double pad) {
    if (block.rows.empty()) return {};
    const size_t n = block.rows.front().size();
    std::vector<double> natural(n, 0);
    for (size_t r = 0; r < block.rows.size(); ++r)
      for (size_t c = 0; c < n; ++c)
        natural[c] = std::max(natural[c], text_width(block.rows[r][c], r == 0 ? Font::bold : s.font, s.size) + 2 * pad);
    const double total = std::accumulate(natural.begin(), natural.end(), 0.0);
    std::vector<double> widths(n);
    if (total <= kWidth) {
      for (size_t c = 0; c < n; ++c) widths[c] = natural[c] * kWidth / total;
      return widths;
    }
    const double fair = kWidth / static_cast<double>(n);
    double left = kWidth, excess = 0;
    for (size_t c = 0; c < n; ++c) {
      widths[c] = std::min(natural[c], fair);
      left -= widths[c];
      excess += natural[c] - widths[c];
    }
    for (size_t c = 0; c < n; ++c)
      if (excess > 0) widths[c] += left * (natural[c] - widths[c]) / excess;
    return widths;
  }

  static constexpr double kCellPad = 4;

  // A table's column widths and wrapped cells; row 0 is the header.
  struct TableShape {
    std::vector<double> widths;
    std::vector<std::vector<std::vector<std::string>>> cells;  // [row][column] -> lines
    std::vector<double> heights;                                // per row
    double total() const { return std::accumulate(heights.begin(), heights.end(), 0.0); }
    // Small tables stay on one page; long ones need at least the header and one row together.
    double keep_height() const {
      if (total() <= kBodyTop - kBodyBottom) return total();
      return heights[0] + (heights.size() > 1 ? heights[1] : 0);
    }
  };

  static TableShape shape_table(const Block& block, const Style& s) {
    TableShape t;
    t.widths = column_widths(block, s, kCellPad);
    for (size_t r = 0; r < block.rows.size(); ++r) {
      std::vector<std::vector<std::string>> row(t.widths.size());
      size_t most = 1;
      for (size_t c = 0; c < t.widths.size(); ++c) {
        row[c] = wrap(block.rows[r][c], r == 0 ? Font::bold : s.font, s.size, t.widths[c] - 2 * kCellPad);
        most = std::max(most, row[c].size());
      }
      t.cells.push_back(std::move(row));
      t.heights.push_back(static_cast<double>(most) * s.leading + 2 * kCellPad - 2);
    }
    return t;
  }

  void table_row(const TableShape& t, size_t r, const Style& s) {
    const bool is_header = r == 0;
    const double height = t.heights[r];
    if (is_header) page().fill_rect(kLeft, y_ - height, kWidth, height, 0.88);
    double x = kLeft;
    for (size_t c = 0; c < t.widths.size(); ++c) {
      double top = y_ - kCellPad + 1;
      for (const auto& line : t.cells[r][c]) {
        page().text(x + kCellPad, baseline(top, s.size, s.leading), is_header ? Font::bold : s.font, s.size, line,
                    s.colour);
        top -= s.leading;
      }
      x += t.widths[c];
    }
    // Grid: top edge, bottom edge, and the vertical separators of this row.
    page().rule(kLeft, y_, kRight, y_, 0.5, 0.55);
    page().rule(kLeft, y_ - height, kRight, y_ - height, 0.5, 0.55);
    x = kLeft;
    for (size_t c = 0; c <= t.widths.size(); ++c) {
      page().rule(x, y_, x, y_ - height, 0.5, 0.55);
      if (c < t.widths.size()) x += t.widths[c];
    }
    y_ -= height;
  }

  void table(const Block& block, const Style& s) {
    const TableShape t = shape_table(block, s);
    reserve(s.before, t.keep_height());
    table_row(t, 0, s);
    for (size_t r = 1; r < t.heights.size(); ++r) {
      if (y_ - t.heights[r] < kBodyBottom) {
        new_page();
        table_row(t, 0, s);  // the header repeats on every page the table spans
      }
      table_row(t, r, s);
    }
    done(s.after);
  }

  std::vector<PageCanvas> pages_;
  double y_ = kBodyTop;  // top of the next line
  double gap_ = 0;       // space the previous block wants after it
  bool empty_ = true;    // nothing placed on this page yet
};

}  // namespace

std::vector<std::string> wrap(const std::string& text, Font font, double size, double width) {
  std::vector<std::string> lines;
  std::string line;
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(pos, end - pos);
    pos = end;
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (text_width(candidate, font, size) <= width) {
      line = candidate;
      continue;
    }
    if (!line.empty()) lines.push_back(line);
    line.clear();
    // Split words that do not fit on a line of their own.
    while (text_width(word, font, size) > width && word.size() > 1) {
      size_t k = 1;
      while (k < word.size() && text_width(word.substr(0, k + 1), font, size) <= width) ++k;
      lines.push_back(word.substr(0, k));
      word.erase(0, k);
    }
    line = word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::vector<std::string> layout(const Document& doc) {
  auto pages = Layout().run(doc);
  std::vector<std::string> streams;
  const std::string total = std::to_string(pages.size());
  for (size_t i = 0; i < pages.size(); ++i) {
    auto& page = pages[i];
    // Running header and footer, drawn once the page count is known.
    page.text(kLeft, kPageHeight - 44, Font::regular, 8.5, doc.header, kMutedColour);
    page.rule(kLeft, kPageHeight - 52, kRight, kPageHeight - 52, 0.5, 0.7);
    page.rule(kLeft, 56, kRight, 56, 0.5, 0.7);
    const std::string footer = "Page " + std::to_string(i + 1) + " of " + total;
    page.text(kRight - text_width(footer, Font::regular, 8.5), 42, Font::regular, 8.5, footer, kMutedColour);
    streams.push_back(page.ops());
  }
  return streams;
}

}  // namespace pw::sample_pdf
