#include "rag/answer/source_snippets.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ingest/utf8.h"
#include "rag/retrieval/text_sentences.h"
#include "rag/retrieval/word_tokens.h"

namespace pw::rag {

ChunkPageMap::ChunkPageMap(int page_start, uint32_t char_start, int page_end, uint32_t char_end, std::string_view text,
                           std::span<const PageRecord> pages)
    : page_start_(page_start), char_start_(char_start) {
  // Rebuild the chunk text from the pages exactly as the chunker does, recording each slice.
  std::vector<const PageRecord*> span;
  for (int p = page_start; p <= page_end && page_end - page_start < 10000; ++p) {
    auto it = std::find_if(pages.begin(), pages.end(), [&](const PageRecord& r) { return r.number == p; });
    if (it == pages.end()) return;
    span.push_back(&*it);
  }
  if (span.empty()) return;
  size_t at = 0;
  for (size_t k = 0; k < span.size(); ++k) {
    const std::string& t = span[k]->text;
    size_t begin = k == 0 ? std::min<size_t>(char_start, t.size()) : 0;
    size_t stop = k + 1 == span.size() ? std::min<size_t>(char_end, t.size()) : t.size();
    if (span.size() == 1) stop = std::max(stop, begin);
    if (stop <= begin) continue;
    if (at > 0) ++at;  // the '\n' joining slices
    if (at + (stop - begin) > text.size() || text.compare(at, stop - begin, std::string_view(t).substr(begin, stop - begin)) != 0)
      return;
    segments_.push_back(Segment{span[k]->number, at, begin, stop - begin});
    at += stop - begin;
  }
  valid_ = at == text.size() && !segments_.empty();
  if (!valid_) segments_.clear();
}

PageHighlight ChunkPageMap::locate(TextRange range) const {
  if (!valid_) return PageHighlight{page_start_, char_start_, static_cast<uint32_t>(char_start_ + (range.end - range.begin))};
  // A range crossing a page break is shown on the page holding most of it.
  const Segment* best = nullptr;
  size_t best_overlap = 0;
  for (const Segment& s : segments_) {
    size_t b = std::max(range.begin, s.chunk_begin), e = std::min(range.end, s.chunk_begin + s.length);
    if (e > b && e - b > best_overlap) {
      best_overlap = e - b;
      best = &s;
    }
  }
  if (best == nullptr) {  // an empty range or one in a page break: the segment at or before it
    best = &segments_.front();
    for (const Segment& s : segments_)
      if (s.chunk_begin <= range.begin) best = &s;
  }
  size_t begin = std::clamp(range.begin, best->chunk_begin, best->chunk_begin + best->length);
  size_t end = std::clamp(range.end, begin, best->chunk_begin + best->length);
  return PageHighlight{best->page, static_cast<uint32_t>(best->page_begin + (begin - best->chunk_begin)),
                       static_cast<uint32_t>(best->page_begin + (end - best->chunk_begin))};
}

std::vector<TextRange> query_word_ranges(std::string_view text, const AnalyzedQuery& query) {
  std::unordered_set<std::string> stems;
  for (const auto& t : query.terms) stems.insert(t.stem);
  for (const auto& p : query.phrases)
    for (const auto& s : p.stems)
      if (!is_question_stopword(s)) stems.insert(s);
  std::vector<TextRange> out;
  for (const WordToken& w : word_tokens(text))
    if (stems.count(w.stem)) out.push_back(TextRange{w.begin, w.end});
  return out;
}

namespace {

std::string_view trim_view(std::string_view s, size_t& offset) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) {
    s.remove_prefix(1);
    ++offset;
  }
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  return s;
}

}  // namespace

Snippet best_snippet(std::string_view text, const AnalyzedQuery& query, std::span<const double> weights, size_t max_bytes) {
  Snippet out;
  std::vector<TextSpan> sentences = sentence_spans(text);
  if (sentences.empty()) return out;
  std::unordered_map<std::string, double> weight_of;
  for (size_t t = 0; t < query.terms.size(); ++t)
    weight_of[query.terms[t].stem] = t < weights.size() ? weights[t] : 1.0;
  auto score = [&](const TextSpan& s) {
    std::unordered_set<std::string> seen;
    double total = 0;
    for (const WordToken& w : word_tokens(text.substr(s.begin, s.size()), 4096)) {
      auto it = weight_of.find(w.stem);
      if (it != weight_of.end() && seen.insert(w.stem).second) total += it->second;
    }
    return total;
  };
  std::vector<double> scores;
  for (const auto& s : sentences) scores.push_back(score(s));
  // The best window of up to three sentences that fits (one sentence always "fits").
  size_t best_first = 0, best_last = 0;
  double best = -1;
  for (size_t a = 0; a < sentences.size(); ++a) {
    double total = 0;
    for (size_t b = a; b < sentences.size() && b < a + 3; ++b) {
      if (b > a && sentences[b].end - sentences[a].begin > max_bytes) break;
      total += scores[b];
      // Prefer the shortest window with the most weight.
      if (total > best + 1e-9) {
        best = total;
        best_first = a;
        best_last = b;
      }
    }
  }
  size_t begin = sentences[best_first].begin, end = sentences[best_last].end;
  if (best <= 0) {  // no question word: the opening sentences
    end = begin;
    for (size_t b = 0; b < sentences.size() && sentences[b].end - sentences[0].begin <= max_bytes; ++b) end = sentences[b].end;
    if (end == begin) end = sentences[0].end;
  }
  if (end - begin > max_bytes) {
    // One long sentence: a window around its first question word, cut between words.
    size_t anchor = begin;
    for (const TextRange& r : query_word_ranges(text.substr(begin, end - begin), query)) {
      anchor = begin + r.begin;
      break;
    }
    size_t from = anchor > begin + max_bytes / 3 ? anchor - max_bytes / 3 : begin;
    while (from > begin && text[from - 1] != ' ' && text[from - 1] != '\n') --from;
    size_t to = std::min(end, from + max_bytes);
    while (to > from + max_bytes / 2 && to < end && text[to] != ' ' && text[to] != '\n') --to;
    begin = from;
    end = ingest::utf8::floor_boundary(text, to);
  }
  size_t offset = begin;
  std::string_view snippet = trim_view(text.substr(begin, end - begin), offset);
  // Leading bullets and dashes are layout, not content.
  // So are Markdown heading marks ("## Passwords").
  if (!snippet.empty() && snippet.front() == '#') {
    size_t hashes = snippet.find_first_not_of('#');
    if (hashes != std::string_view::npos && hashes <= 6 && snippet[hashes] == ' ') {
      snippet.remove_prefix(hashes);
      offset += hashes;
      snippet = trim_view(snippet, offset);
    }
  }
  for (std::string_view bullet : {"\xE2\x97\x8F", "\xE2\x80\xA2", "\xE2\x96\xAA", "- ", "* "}) {
    if (snippet.substr(0, bullet.size()) == bullet) {
      snippet.remove_prefix(bullet.size());
      offset += bullet.size();
      snippet = trim_view(snippet, offset);
    }
  }
  out.range = TextRange{offset, offset + snippet.size()};
  // Shown on one line: the PDF's hard line breaks are not the author's.
  bool space = false;
  for (char c : snippet) {
    if (static_cast<unsigned char>(c) <= 0x20) {
      space = !out.text.empty();
      continue;
    }
    if (space) out.text += ' ';
    space = false;
    out.text += c;
  }
  out.highlights = query_word_ranges(out.text, query);
  return out;
}

TextRange best_matching_sentence(std::string_view text, std::string_view sentence) {
  std::unordered_set<std::string> wanted;
  for (const WordToken& w : word_tokens(sentence, 4096))
    if (!is_question_stopword(w.text)) wanted.insert(w.stem);
  TextRange best_range;
  size_t best = 0;
  for (const TextSpan& s : sentence_spans(text)) {
    std::unordered_set<std::string> seen;
    for (const WordToken& w : word_tokens(text.substr(s.begin, s.size()), 4096))
      if (wanted.count(w.stem)) seen.insert(w.stem);
    if (seen.size() > best) {
      best = seen.size();
      best_range = TextRange{s.begin, s.end};
    }
  }
  return best_range;
}

}  // namespace pw::rag
