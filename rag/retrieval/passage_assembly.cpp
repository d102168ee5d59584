#include "rag/retrieval/passage_assembly.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "ingest/utf8.h"
#include "rag/retrieval/relevance.h"
#include "rag/retrieval/text_sentences.h"
#include "rag/retrieval/word_tokens.h"

namespace pw::rag {

std::string Passage::full_text() const {
  std::string out;
  if (!context_before.empty()) out += context_before + "\n";
  out += text;
  if (!context_after.empty()) out += "\n" + context_after;
  return out;
}

namespace {

// Length of the longest suffix of `a` that is a prefix of `b`, at least `min_len` bytes
// (0 when none), looking at most `max_len` bytes back.
size_t suffix_prefix_overlap(std::string_view a, std::string_view b, size_t min_len, size_t max_len) {
  size_t longest = std::min({a.size(), b.size(), max_len});
  for (size_t len = longest; len >= min_len && len > 0; --len) {
    if (std::memcmp(a.data() + a.size() - len, b.data(), len) == 0) return len;
  }
  return 0;
}

size_t overlap_bytes(const ChunkRecord& prev, const ChunkRecord& next) {
  if (next.page_start == prev.page_end && next.char_start < prev.char_end) {
    size_t guess = prev.char_end - next.char_start;
    if (guess <= prev.text.size() && guess <= next.text.size() &&
        std::memcmp(prev.text.data() + prev.text.size() - guess, next.text.data(), guess) == 0)
      return guess;
  }
  return suffix_prefix_overlap(prev.text, next.text, 24, 8192);
}

// Whitespace-insensitive, case-insensitive fingerprint of a text, for duplicate detection.
uint64_t text_fingerprint(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20) continue;
    if (u >= 'A' && u <= 'Z') u = static_cast<unsigned char>(u - 'A' + 'a');
    h = (h ^ u) * 1099511628211ull;
  }
  return h;
}

std::string_view cut_front(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t from = s.size() - max_bytes;
  while (from < s.size() && (static_cast<unsigned char>(s[from]) & 0xC0) == 0x80) ++from;
  return s.substr(from);
}

std::string_view cut_back(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  return s.substr(0, ingest::utf8::floor_boundary(s, max_bytes));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  return s;
}

// The start of `after` up to the end of its first sentence (the thought the hit left open).
std::string_view completing_start(std::string_view after, size_t max_bytes) {
  auto spans = sentence_spans(after);
  if (spans.empty()) return {};
  return cut_back(trim(after.substr(0, spans.front().end)), max_bytes);
}

// The end of `before` from the start of its last sentence (the one the hit continues).
std::string_view completing_end(std::string_view before, size_t max_bytes) {
  auto spans = sentence_spans(before);
  if (spans.empty()) return {};
  return cut_front(trim(before.substr(spans.back().begin)), max_bytes);
}

// Word-trigram shingles (of word texts, hashed) of a passage, for near-duplicate detection.
std::vector<uint64_t> shingles(std::string_view text) {
  std::vector<WordToken> words = word_tokens(text, 4096);
  std::vector<uint64_t> out;
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    uint64_t h = 1469598103934665603ull;
    for (size_t k = i; k < i + 3; ++k) {
      for (char c : words[k].text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      h = (h ^ 0x1f) * 1099511628211ull;
    }
    out.push_back(h);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// |a ∩ b| / min(|a|, |b|) of two sorted shingle sets (0 when either is empty).
double containment(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) ++common, ++i, ++j;
    else if (a[i] < b[j]) ++i;
    else ++j;
  }
  return static_cast<double>(common) / static_cast<double>(std::min(a.size(), b.size()));
}

// The section is an FAQ question (ingest's question headings end the heading path with '?').
bool is_question_path(std::string_view path) { return !path.empty() && path.back() == '?'; }

struct DocumentFacts {
  std::string path, title;
  int64_t collection_id = 0;
};

}  // namespace

std::string_view text_after_overlap(const ChunkRecord& prev, const ChunkRecord& next) {
  std::string_view t = next.text;
  return t.substr(std::min(t.size(), overlap_bytes(prev, next)));
}

std::string_view text_before_overlap(const ChunkRecord& prev, const ChunkRecord& next) {
  std::string_view t = prev.text;
  return t.substr(0, t.size() - std::min(t.size(), overlap_bytes(prev, next)));
}

Status assemble_passages(LibraryStore& store, std::span<const FusedHit> hits, const AnalyzedQuery& query,
                         std::span<const double> term_weights, int lexical_list, int semantic_list,
                         const PassageOptions& options, std::vector<Passage>& out) {
  out.clear();
  if (hits.empty() || options.max_passages == 0) return ok_status();
  // Chunk records for the hits that can matter: folding and dropping may use a few extra.
  const size_t window = std::min(hits.size(), options.max_passages * 4 + 8);
  std::vector<int64_t> ids;
  for (size_t i = 0; i < window; ++i) ids.push_back(hits[i].chunk_id);
  auto records = store.chunks(ids);
  if (!records) return records.error();
  std::unordered_map<int64_t, const ChunkRecord*> by_id;
  for (const auto& r : *records) by_id.emplace(r.id, &r);

  std::unordered_map<int64_t, DocumentFacts> documents;
  std::unordered_set<uint64_t> fingerprints;
  struct Accepted {
    size_t passage;
    int first_ordinal, last_ordinal;  // ordinals covered by the passage (hit + folded)
  };
  std::vector<Accepted> accepted;
  std::vector<std::vector<uint64_t>> accepted_shingles;  // per accepted passage
  std::unordered_map<size_t, std::pair<const ChunkRecord*, const ChunkRecord*>> folded_neighbours;

  for (size_t i = 0; i < window && out.size() < options.max_passages; ++i) {
    auto it = by_id.find(hits[i].chunk_id);
    if (it == by_id.end()) continue;  // removed since it was found
    const ChunkRecord& c = *it->second;
    // Folding into an accepted passage of the same document.
    bool folded = false;
    for (Accepted& a : accepted) {
      Passage& p = out[a.passage];
      if (p.document_id != c.document_id) continue;
      if (c.ordinal >= a.first_ordinal && c.ordinal <= a.last_ordinal) {
        folded = true;
        break;
      }
      // A neighbour of another FAQ answer is a result of its own (the next question is not
      // the rest of this answer's thought); neighbouring numbered sections still fold.
      if (c.heading_path != p.heading_path && (is_question_path(c.heading_path) || is_question_path(p.heading_path)))
        continue;
      auto& [prev_n, next_n] = folded_neighbours[a.passage];
      if (c.ordinal == a.last_ordinal + 1 && next_n == nullptr) {
        next_n = &c;
        a.last_ordinal = c.ordinal;
        p.folded_chunk_ids.push_back(c.id);
        folded = true;
        break;
      }
      if (c.ordinal == a.first_ordinal - 1 && prev_n == nullptr) {
        prev_n = &c;
        a.first_ordinal = c.ordinal;
        p.folded_chunk_ids.push_back(c.id);
        folded = true;
        break;
      }
    }
    if (folded) continue;
    if (!fingerprints.insert(text_fingerprint(c.text)).second) continue;
    // The same text in another file (a .md and its PDF, two versions of a guide): mostly the
    // same word sequences even where chunk boundaries and line breaks differ. The better-ranked
    // one was accepted first and stays.
    std::vector<uint64_t> sh = shingles(c.text);
    bool repeats = false;
    for (size_t a = 0; a < accepted.size() && !repeats; ++a)
      repeats = containment(sh, accepted_shingles[a]) >= options.duplicate_containment;
    if (repeats) continue;

    auto doc = documents.find(c.document_id);
    if (doc == documents.end()) {
      auto record = store.document(c.document_id);
      if (!record) return record.error();
      DocumentFacts facts;
      if (*record) facts = DocumentFacts{(*record)->path, (*record)->title, (*record)->collection_id};
      doc = documents.emplace(c.document_id, std::move(facts)).first;
    }
    Passage p;
    p.chunk_id = c.id;
    p.document_id = c.document_id;
    p.collection_id = doc->second.collection_id;
    p.document_path = doc->second.path;
    p.document_title = doc->second.title;
    p.ordinal = c.ordinal;
    p.page_start = c.page_start;
    p.page_end = c.page_end;
    p.char_start = c.char_start;
    p.char_end = c.char_end;
    p.heading_path = c.heading_path;
    p.text = c.text;
    p.score = hits[i].score;
    if (lexical_list >= 0 && static_cast<size_t>(lexical_list) < hits[i].ranks.size()) {
      p.lexical_rank = hits[i].ranks[static_cast<size_t>(lexical_list)];
      p.lexical_score = hits[i].list_scores[static_cast<size_t>(lexical_list)];
    }
    if (semantic_list >= 0 && static_cast<size_t>(semantic_list) < hits[i].ranks.size()) {
      p.semantic_rank = hits[i].ranks[static_cast<size_t>(semantic_list)];
      p.semantic_similarity = hits[i].list_scores[static_cast<size_t>(semantic_list)];
    }
    accepted.push_back(Accepted{out.size(), c.ordinal, c.ordinal});
    accepted_shingles.push_back(std::move(sh));
    out.push_back(std::move(p));
  }

  // Context: folded neighbours whole, otherwise the sentence the hit cut off.
  for (size_t a = 0; a < accepted.size(); ++a) {
    Passage& p = out[accepted[a].passage];
    const ChunkRecord* hit = by_id.at(p.chunk_id);
    auto fn = folded_neighbours.find(a);
    const ChunkRecord* folded_prev = fn != folded_neighbours.end() ? fn->second.first : nullptr;
    const ChunkRecord* folded_next = fn != folded_neighbours.end() ? fn->second.second : nullptr;
    if (folded_prev) p.context_before = std::string(trim(text_before_overlap(*folded_prev, *hit)));
    if (folded_next) p.context_after = std::string(trim(text_after_overlap(*hit, *folded_next)));
    bool want_before = options.expand_neighbours && !folded_prev && starts_mid_sentence(p.text);
    bool want_after = options.expand_neighbours && !folded_next && !ends_complete(p.text);
    if (!want_before && !want_after) continue;
    auto neighbours = store.neighbours(p.chunk_id, 1);
    if (!neighbours) return neighbours.error();
    for (const ChunkRecord& n : *neighbours) {
      if (want_before && n.ordinal == p.ordinal - 1)
        p.context_before = std::string(completing_end(text_before_overlap(n, *hit), options.max_context_bytes));
      if (want_after && n.ordinal == p.ordinal + 1)
        p.context_after = std::string(completing_start(text_after_overlap(*hit, n), options.max_context_bytes));
    }
  }

  for (Passage& p : out) {
    std::string all = p.document_title + "\n" + p.heading_path + "\n" + p.full_text();
    std::vector<WordToken> words = word_tokens(all);
    p.term_coverage = term_coverage(query, term_weights, words);
  }
  return ok_status();
}

}  // namespace pw::rag
