#include "ingest/chunker.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "ingest/text_segments.h"
#include "ingest/token_estimate.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

constexpr size_t kMaxPathDepth = 8;

// The smallest unit the chunker moves: a heading line, a sentence (or part of a long one),
// a table row or a whole table. Never crosses a page.
struct Piece {
  int page = 0;  // index into ExtractedDocument::pages
  uint32_t start = 0;
  uint32_t end = 0;
  int tokens = 0;
  bool heading_line = false;         // a heading on its own line
  const Heading* heading = nullptr;  // set on the piece that starts a section
  bool table = false;                // a whole table, or a group of rows of a table too big for one chunk
};

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t'; }

class PieceBuilder {
 public:
  PieceBuilder(const std::function<int(std::string_view)>& count, int target, std::vector<Piece>& out)
      : count_(count), target_(target), split_limit_(std::max(1, target / 2)), out_(out) {}

  void add_block(int page, std::string_view text, const Block& block, const Heading* heading) {
    const std::string_view content = text.substr(block.start, block.end - block.start);
    if (block.kind == BlockKind::Heading) {
      push(page, block.start, block.end, count_(content), true, heading, false);
      return;
    }
    if (block.kind == BlockKind::Table) {
      const int tokens = count_(content);
      if (tokens <= target_) {
        push(page, block.start, block.end, tokens, false, heading, true);
        return;
      }
      const size_t first = out_.size();
      split_lines(page, text, block.start, block.end);
      for (size_t i = first; i < out_.size(); ++i) out_[i].table = true;  // rows: never a partial overlap
      if (out_.size() > first) out_[first].heading = heading;
      return;
    }
    const size_t first = out_.size();
    for (auto [s, e] : sentence_spans(text, block.start, block.end)) {
      const int tokens = count_(text.substr(s, e - s));
      if (tokens <= target_)
        push(page, s, e, tokens, false, nullptr, false);
      else
        split_lines(page, text, s, e);
    }
    if (out_.size() > first) out_[first].heading = heading;
  }

 private:
  void push(int page, uint32_t s, uint32_t e, int tokens, bool heading_line, const Heading* heading, bool table) {
    Piece p;
    p.page = page;
    p.start = s;
    p.end = e;
    p.tokens = tokens;
    p.heading_line = heading_line;
    p.heading = heading;
    p.table = table;
    out_.push_back(p);
  }

  // Groups whole lines into pieces of at most split_limit_ tokens; longer lines go word by word.
  void split_lines(int page, std::string_view text, uint32_t s, uint32_t e) {
    uint32_t group_start = s, group_end = s;
    int group_tokens = 0;
    uint32_t pos = s;
    while (pos < e) {
      uint32_t eol = static_cast<uint32_t>(std::min<size_t>(text.find('\n', pos), e));
      uint32_t line_end = eol;
      while (line_end > pos && is_space(text[line_end - 1])) --line_end;
      if (line_end > pos) {
        const int tokens = count_(text.substr(pos, line_end - pos));
        if (tokens > split_limit_) {
          if (group_tokens > 0) push(page, group_start, group_end, group_tokens, false, nullptr, false);
          group_tokens = 0;
          split_words(page, text, pos, line_end);
        } else {
          if (group_tokens > 0 && group_tokens + tokens > split_limit_) {
            push(page, group_start, group_end, group_tokens, false, nullptr, false);
            group_tokens = 0;
          }
          if (group_tokens == 0) group_start = pos;
          group_end = line_end;
          group_tokens += tokens;
        }
      }
      pos = eol + 1;
    }
    if (group_tokens > 0) push(page, group_start, group_end, group_tokens, false, nullptr, false);
  }

  void split_words(int page, std::string_view text, uint32_t s, uint32_t e) {
    uint32_t piece_start = s, piece_end = s;
    int piece_tokens = 0;
    uint32_t pos = s;
    while (pos < e) {
      while (pos < e && is_space(text[pos])) ++pos;
      if (pos >= e) break;
      uint32_t word_end = pos;
      while (word_end < e && !is_space(text[word_end])) ++word_end;
      const int tokens = count_(text.substr(pos, word_end - pos));
      if (tokens > split_limit_) {  // one enormous "word" (base64, a URL list): cut it by size
        if (piece_tokens > 0) push(page, piece_start, piece_end, piece_tokens, false, nullptr, false);
        piece_tokens = 0;
        split_bytes(page, text, pos, word_end, tokens);
      } else {
        if (piece_tokens > 0 && piece_tokens + tokens > split_limit_) {
          push(page, piece_start, piece_end, piece_tokens, false, nullptr, false);
          piece_tokens = 0;
        }
        if (piece_tokens == 0) piece_start = pos;
        piece_end = word_end;
        piece_tokens += tokens;
      }
      pos = word_end;
    }
    if (piece_tokens > 0) push(page, piece_start, piece_end, piece_tokens, false, nullptr, false);
  }

  void split_bytes(int page, std::string_view text, uint32_t s, uint32_t e, int tokens) {
    const int parts = (tokens + split_limit_ - 1) / split_limit_;
    const uint32_t step = std::max<uint32_t>(1, (e - s) / static_cast<uint32_t>(parts));
    uint32_t pos = s;
    while (pos < e) {
      uint32_t cut = pos + step >= e ? e : static_cast<uint32_t>(utf8::floor_boundary(text, pos + step));
      if (cut <= pos) cut = e;
      push(page, pos, cut, count_(text.substr(pos, cut - pos)), false, nullptr, false);
      pos = cut;
    }
  }

  const std::function<int(std::string_view)>& count_;
  int target_;
  int split_limit_;
  std::vector<Piece>& out_;
};

class Assembler {
 public:
  Assembler(const ExtractedDocument& doc, const std::vector<Piece>& pieces,
            const std::function<int(std::string_view)>& count, int target, double overlap, int join_below)
      : doc_(doc), pieces_(pieces), count_(count), target_(target),
        overlap_budget_(std::max(0, static_cast<int>(std::lround(overlap * target)))), join_below_(join_below) {
    // Tokens of the section each heading piece starts (up to the next heading).
    section_tokens_.assign(pieces_.size(), 0);
    int sum = 0;
    for (size_t k = pieces_.size(); k-- > 0;) {
      sum += pieces_[k].tokens;
      if (pieces_[k].heading_line || pieces_[k].heading) {
        section_tokens_[k] = sum;
        sum = 0;
      }
    }
  }

  std::vector<Chunk> run() {
    for (size_t k = 0; k < pieces_.size(); ++k) {
      const Piece& p = pieces_[k];
      if (p.heading_line) {
        const bool join = joins_open_chunk(k);
        if (!join && open_ && (has_body_ || tokens_ + p.tokens > target_)) flush();
        enter_section(*p.heading);
        extend(k, p.tokens);
        if (!join) path_ = path_string();
        continue;
      }
      if (p.heading) {  // a paragraph that starts with a run-in heading
        const bool join = joins_open_chunk(k);
        if (!join && open_ && (has_body_ || tokens_ + p.tokens > target_)) flush();
        enter_section(*p.heading);
        if (!join && (!open_ || !has_body_)) path_ = path_string();
      } else if (open_ && tokens_ + p.tokens > target_) {
        start_with_overlap(k);
      }
      extend(k, p.tokens);
      has_body_ = true;
    }
    if (open_) flush();
    return std::move(chunks_);
  }

 private:
  // A small section stays in the open chunk when the open chunk is small too and the whole
  // section fits: a contract's one-line clauses, a list of short items. A question heading (an
  // FAQ's next question) always starts a chunk: each answer is a result of its own. So does a
  // heading at the top of a page: the page break before it says the section stands alone (and
  // the chunk's page stays the one people will be sent to).
  bool joins_open_chunk(size_t k) const {
    const Heading* h = pieces_[k].heading;
    if (!open_ || !has_body_ || h == nullptr || h->question || join_below_ <= 0) return false;
    if (k > 0 && pieces_[k - 1].page != pieces_[k].page) return false;
    return tokens_ < join_below_ && tokens_ + section_tokens_[k] <= target_;
  }

  void enter_section(const Heading& h) {
    while (!stack_.empty() && !heading_contains(*stack_.back(), h)) stack_.pop_back();
    if (stack_.size() >= kMaxPathDepth) stack_.erase(stack_.begin());
    stack_.push_back(&h);
  }

  std::string path_string() const {
    std::string path;
    for (const Heading* h : stack_) {
      if (h->path_text.empty()) continue;
      if (!path.empty()) path += " > ";
      path += h->path_text;
    }
    return path;
  }

  void extend(size_t k, int tokens) {
    if (!open_) {
      open_ = true;
      first_ = k;
      first_offset_ = pieces_[k].start;
      tokens_ = 0;
      has_body_ = false;
      path_ = path_string();
    }
    last_ = k;
    tokens_ += tokens;
  }

  // Closes the current chunk and opens the next one with the tail of it (same section).
  void start_with_overlap(size_t next) {
    constexpr size_t kNone = static_cast<size_t>(-1);
    size_t from = kNone;
    uint32_t from_offset = 0;
    int tokens = 0;
    // Whole sentences from the end, never the chunk's first piece (that would repeat it all).
    int sum = 0;
    for (size_t i = last_; i > first_; --i) {
      const Piece& q = pieces_[i];
      if (q.heading_line || sum + q.tokens > overlap_budget_) break;
      sum += q.tokens;
      from = i;
      from_offset = q.start;
      tokens = sum;
    }
    const Piece& last = pieces_[last_];
    if (from == kNone && overlap_budget_ > 0 && !last.heading_line && !last.table && last.tokens > 0) {
      if (last_ > first_ && last.tokens <= 2 * overlap_budget_) {
        from = last_;
        from_offset = last.start;
        tokens = last.tokens;
      } else {
        // The tail of the last sentence, from a word start, about overlap_budget_ tokens long.
        const std::string_view text = doc_.pages[last.page].text;
        const uint32_t begin = last_ == first_ ? first_offset_ : last.start;
        const double share = std::min(1.0, static_cast<double>(overlap_budget_) / last.tokens);
        uint32_t pos = last.end - static_cast<uint32_t>(share * (last.end - begin));
        pos = std::max(pos, begin + 1);
        while (pos < last.end && !is_space(text[pos - 1])) ++pos;
        while (pos < last.end && is_space(text[pos])) ++pos;
        if (pos < last.end) {
          from = last_;
          from_offset = pos;
          tokens = count_(text.substr(pos, last.end - pos));
        }
      }
    }
    const size_t previous_last = last_;
    flush();
    if (from == kNone) return;
    // Shrink the overlap (whole pieces from its front) until it fits with the next piece.
    while (tokens + pieces_[next].tokens > target_) {
      if (from == previous_last) return;  // nothing left to keep
      tokens -= pieces_[from].tokens;
      ++from;
      from_offset = pieces_[from].start;
    }
    open_ = true;  // same section, so the heading path stays as it is
    first_ = from;
    first_offset_ = from_offset;
    last_ = previous_last;
    tokens_ = tokens;
    has_body_ = true;
  }

  void flush() {
    const Piece& a = pieces_[first_];
    const Piece& b = pieces_[last_];
    Chunk c;
    c.page_start = doc_.pages[a.page].number;
    c.page_end = doc_.pages[b.page].number;
    c.char_start = first_offset_;
    c.char_end = b.end;
    c.text = slice(a.page, first_offset_, b.page, b.end);
    c.heading_path = path_;
    open_ = false;
    has_body_ = false;
    tokens_ = 0;
    if (c.text.empty()) return;
    c.token_count = count_(c.text);
    c.ordinal = static_cast<int>(chunks_.size());
    chunks_.push_back(std::move(c));
  }

  std::string slice(int page_a, uint32_t start, int page_b, uint32_t end) const {
    if (page_a == page_b) return doc_.pages[page_a].text.substr(start, end - start);
    std::string out = doc_.pages[page_a].text.substr(start);
    for (int p = page_a + 1; p <= page_b; ++p) {
      const std::string& t = doc_.pages[p].text;
      const size_t stop = p == page_b ? end : t.size();
      if (stop == 0) continue;
      if (!out.empty()) out.push_back('\n');
      out.append(t, 0, stop);
    }
    return out;
  }

  const ExtractedDocument& doc_;
  const std::vector<Piece>& pieces_;
  const std::function<int(std::string_view)>& count_;
  int target_;
  int overlap_budget_;
  int join_below_;
  std::vector<int> section_tokens_;  // per heading piece: tokens of its section

  std::vector<const Heading*> stack_;
  std::vector<Chunk> chunks_;
  bool open_ = false;
  bool has_body_ = false;
  size_t first_ = 0;
  uint32_t first_offset_ = 0;
  size_t last_ = 0;
  int tokens_ = 0;
  std::string path_;
};

}  // namespace

std::vector<Chunk> chunk_document(const ExtractedDocument& doc, const ChunkOptions& options) {
  const std::function<int(std::string_view)> count =
      options.count_tokens ? options.count_tokens : std::function<int(std::string_view)>(estimate_tokens);
  const int target = std::max(8, options.target_tokens);
  const double overlap = std::clamp(options.overlap, 0.0, 0.5);

  // Headings live here so pieces can point at them.
  std::vector<std::vector<Block>> blocks(doc.pages.size());
  std::vector<Piece> pieces;
  PieceBuilder builder(count, target, pieces);
  const bool markdown = doc.format == "md" || doc.format == "html";
  for (size_t p = 0; p < doc.pages.size(); ++p) {
    const std::string& text = doc.pages[p].text;
    if (text.empty()) continue;
    blocks[p] = segment_page(text, markdown);
    for (const Block& b : blocks[p])
      builder.add_block(static_cast<int>(p), text, b, b.heading ? &*b.heading : nullptr);
  }
  if (pieces.empty()) return {};
  const int join_below = options.join_sections_below < 0 ? target : options.join_sections_below;
  return Assembler(doc, pieces, count, target, overlap, join_below).run();
}

std::string chunk_text_from_pages(const std::vector<Page>& pages, int page_start, uint32_t char_start, int page_end,
                                  uint32_t char_end) {
  auto index_of = [&](int number) -> int {
    for (size_t i = 0; i < pages.size(); ++i)
      if (pages[i].number == number) return static_cast<int>(i);
    return -1;
  };
  const int a = index_of(page_start);
  const int b = index_of(page_end);
  if (a < 0 || b < a) return {};
  auto clamp = [](const std::string& t, uint32_t v) { return std::min<size_t>(v, t.size()); };
  if (a == b) {
    const std::string& t = pages[a].text;
    const size_t s = clamp(t, char_start), e = clamp(t, char_end);
    return e > s ? t.substr(s, e - s) : std::string();
  }
  std::string out = pages[a].text.substr(clamp(pages[a].text, char_start));
  for (int p = a + 1; p <= b; ++p) {
    const std::string& t = pages[p].text;
    const size_t stop = p == b ? clamp(t, char_end) : t.size();
    if (stop == 0) continue;
    if (!out.empty()) out.push_back('\n');
    out.append(t, 0, stop);
  }
  return out;
}

}  // namespace pw::ingest
