#include "rag/retrieval/lexical_retriever.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "rag/retrieval/porter_stemmer.h"
#include "rag/retrieval/word_tokens.h"

namespace pw::rag {
namespace {

// One searchable part of the query: a term or a phrase, with its library-wide frequency.
struct Item {
  std::string expression;
  int64_t df = 0;
  bool phrase = false;
  size_t index = 0;  // in query.terms or query.phrases
};

std::vector<Item> query_items(const AnalyzedQuery& query, const QueryFrequencies& f) {
  std::vector<Item> items;
  for (size_t p = 0; p < query.phrases.size(); ++p) {
    // A phrase counted up to the cap may match far more: rank it as if it matched everything.
    int64_t df = p < f.phrase_df.size() ? f.phrase_df[p] : 0;
    if (f.phrase_cap > 0 && df >= f.phrase_cap) df = std::max(df, f.chunks);
    items.push_back(Item{fts_expression(query.phrases[p]), df, true, p});
  }
  for (size_t t = 0; t < query.terms.size(); ++t)
    items.push_back(Item{fts_expression(query.terms[t]), t < f.term_df.size() ? f.term_df[t] : 0, false, t});
  return items;
}

std::string or_expression(const std::vector<const Item*>& items) {
  std::string out;
  for (const Item* i : items) {
    if (!out.empty()) out += " OR ";
    out += i->expression;
  }
  return out;
}

// The ranked any-term list of `items` (rarest first). In a library larger than the bm25 budget
// it is built in two cheaper queries: the rarest items ("anchors", while their matches stay
// within options.anchor_matches, and at least enough to fill the list) ranked alone, and the
// rows holding an anchor AND one of the other items ranked with all of them. FTS5 computes
// each item's IDF from the whole table in both, so a row's two scores are comparable: the
// second is its full score (anchor + other items), the first its score where no other item
// occurs. The top `limit` of the rows holding an anchor is therefore exact: a row of that top
// with another item is in the second list's top `limit` (every row above it there is above it
// overall), one without in the first's. Left out are rows holding none of the anchors, only
// commoner words: with anchors filling the list, those rank below it anyway (their IDF is
// smaller; a word in 10% of 100k chunks weighs ~2.3, one in 0.3% ~6). The saving is the
// bm25() calls: ~2 us per row (column sizes, instances), so 14,000 rows of a medium word
// cost ~30 ms; the AND query scores only the rows that hold both (and counts the other
// items' rows for their IDF at ~0.2 us per row). When the anchors' rows cannot fill the list,
// the one query over all items is run as before.
Result<std::vector<FtsCandidate>> ranked_any_term(FtsReader& fts, const std::vector<const Item*>& items,
                                                  bool small_library, const SearchFilter& filter,
                                                  const LexicalOptions& options) {
  const int limit = options.any_term_candidates;
  size_t anchors = 0;
  int64_t anchor_rows = 0;
  while (anchors < items.size() &&
         (anchor_rows < limit || anchor_rows + items[anchors]->df <= options.anchor_matches)) {
    anchor_rows += items[anchors]->df;
    ++anchors;
  }
  if (small_library || anchors >= items.size())
    return fts.ranked(or_expression(items), limit, filter, options.columns);
  const std::vector<const Item*> anchor_items(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(anchors));
  const std::vector<const Item*> other_items(items.begin() + static_cast<std::ptrdiff_t>(anchors), items.end());
  auto alone = fts.ranked(or_expression(anchor_items), limit, filter, options.columns);
  if (!alone) return alone.error();
  if (alone->size() < static_cast<size_t>(limit))
    return fts.ranked(or_expression(items), limit, filter, options.columns);
  auto with_others = fts.ranked("(" + or_expression(anchor_items) + ") AND (" + or_expression(other_items) + ")",
                                limit, filter, options.columns);
  if (!with_others) return with_others.error();
  // Each row's best score (the full one when it holds another item), best first, ties by id.
  std::unordered_map<int64_t, size_t> at;
  std::vector<FtsCandidate> merged;
  for (const auto* list : {&*with_others, &*alone})
    for (const FtsCandidate& c : *list) {
      auto [it, fresh] = at.emplace(c.chunk_id, merged.size());
      if (fresh) merged.push_back(c);
      else merged[it->second].score = std::max(merged[it->second].score, c.score);
    }
  std::sort(merged.begin(), merged.end(), [](const FtsCandidate& a, const FtsCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.chunk_id < b.chunk_id;
  });
  if (merged.size() > static_cast<size_t>(limit)) merged.resize(static_cast<size_t>(limit));
  return merged;
}

// How well a section heading states what the question asks: the harmonic mean of the share of
// the heading's words the question holds and the IDF-weighted share of the question's terms the
// heading holds. "What is (are) aortic stenosis?" for "What is aortic stenosis?" -> 1.
double heading_match(std::string_view heading, const AnalyzedQuery& query, const std::vector<double>& term_weight) {
  const size_t sep = heading.rfind(" > ");
  if (sep != std::string_view::npos) heading.remove_prefix(sep + 3);
  double total = 0;
  for (double w : term_weight) total += w;
  if (total <= 0) return 0;
  std::vector<std::string> seen;
  int words = 0, matched = 0;
  std::vector<bool> found(query.terms.size(), false);
  WordScanner scanner(heading);
  for (int n = 0; n < 64 && scanner.next(); ++n) {
    const std::string& w = scanner.word();
    const bool number = std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (number || is_question_stopword(w)) continue;  // "What", "is", "12": no topic
    const std::string stem = porter_stem(w);
    if (std::find(seen.begin(), seen.end(), stem) != seen.end()) continue;
    seen.push_back(stem);
    ++words;
    for (size_t t = 0; t < query.terms.size(); ++t)
      if (query.terms[t].stem == stem) {
        ++matched;
        found[t] = true;
        break;
      }
  }
  if (matched == 0) return 0;
  double covered = 0;
  for (size_t t = 0; t < found.size(); ++t)
    if (found[t]) covered += term_weight[t];
  const double precision = static_cast<double>(matched) / words, recall = covered / total;
  return 2 * precision * recall / (precision + recall);
}

}  // namespace

Result<QueryFrequencies> query_frequencies(FtsReader& fts, const AnalyzedQuery& query, int64_t phrase_cap) {
  QueryFrequencies f;
  f.phrase_cap = std::max<int64_t>(phrase_cap, 1);
  auto n = fts.chunk_count();
  if (!n) return n.error();
  f.chunks = *n;
  for (const auto& t : query.terms) {
    auto df = fts.term_frequency(t, f.phrase_cap);
    if (!df) return df.error();
    f.term_df.push_back(*df);
  }
  for (const auto& p : query.phrases) {
    // A phrase is never more frequent than its rarest word: skip the count when that is 0.
    auto df = fts.count(fts_expression(p), f.phrase_cap);
    if (!df) return df.error();
    f.phrase_df.push_back(*df);
  }
  return f;
}

Result<std::vector<LexicalHit>> lexical_search(FtsReader& fts, LibraryStore& store, const AnalyzedQuery& query,
                                               const QueryFrequencies& frequencies, const SearchFilter& filter,
                                               const LexicalOptions& options) {
  std::vector<LexicalHit> out;
  if (query.empty()) return out;
  const std::vector<Item> items = query_items(query, frequencies);

  // The ranked any-term query: the rarest items while their matches stay within the budget.
  std::vector<const Item*> by_rarity;
  for (const Item& i : items)
    if (i.df > 0) by_rarity.push_back(&i);
  if (by_rarity.empty()) return out;  // no word of the query is in the library
  std::stable_sort(by_rarity.begin(), by_rarity.end(), [](const Item* a, const Item* b) { return a->df < b->df; });
  // A library no larger than the budget is ranked whole (no query can match more rows).
  // An item in half the library or more is left out while a rarer one is ranked: FTS5's
  // bm25() gives it an IDF of ~0 (log((N - n + 0.5) / (n + 0.5)) clamped to 1e-6), so it only
  // adds near-zero rows to the list's tail, yet scoring those rows is most of the query's time
  // (a word in every chunk of a 10k library: ~20 ms). Only when every item is that common are
  // they ranked as before (then their tf decides, after normalising by the best score).
  // The rarer items must fill the list on their own (one of them matches at least the list's
  // length): else the common words' rows are the list's tail, and in a small library that
  // tail is how a chunk sharing only common words with the question reaches the rescoring.
  auto pick_ranked = [&](bool skip_common) {
    std::vector<const Item*> picked;
    int64_t budget_used = 0;
    for (const Item* i : by_rarity) {
      if (skip_common && 2 * i->df >= frequencies.chunks) break;  // by_rarity: the rest are commoner
      if (frequencies.chunks > options.max_ranked_matches && budget_used + i->df > options.max_ranked_matches) break;
      budget_used += i->df;
      picked.push_back(i);
    }
    return picked;
  };
  std::vector<const Item*> ranked_items = pick_ranked(true);
  int64_t fullest = 0;
  for (const Item* i : ranked_items) fullest = std::max(fullest, i->df);
  if (fullest < options.any_term_candidates) ranked_items = pick_ranked(false);
  Result<std::vector<FtsCandidate>> any =
      ranked_items.empty()
          // Every word is common: some chunks holding them, unranked, for the rescoring to order.
          ? fts.unranked(or_expression(by_rarity), options.any_term_candidates, filter)
          : ranked_any_term(fts, ranked_items, frequencies.chunks <= options.max_ranked_matches, filter, options);
  if (!any) return any.error();
  if (any->empty()) return out;

  // The pool: every candidate with its library-wide score G (unnormalised for now).
  std::unordered_map<int64_t, LexicalHit> pool;
  for (const FtsCandidate& c : *any) pool.emplace(c.chunk_id, LexicalHit{c.chunk_id, c.document_id, 0, c.score, 0, 0});
  const double floor_score = any->back().score;  // what a chunk outside the any-term top list gets

  int64_t all_terms_df = 0, phrases_df = 0;
  int64_t rarest_term_df = -1;
  for (const Item& i : items) {
    (i.phrase ? phrases_df : all_terms_df) += i.df;
    if (!i.phrase) rarest_term_df = rarest_term_df < 0 ? i.df : std::min(rarest_term_df, i.df);
  }
  // A capped phrase count may hide more matches.
  bool phrase_count_capped = false;
  for (const Item& i : items) phrase_count_capped |= i.phrase && i.df >= frequencies.chunks;
  struct Extra {
    std::string expression;
    int limit;
    bool rank;
  };
  // Ranking an AND query costs its terms' full frequency counts (bm25's IDF), not per match.
  // Ranking only chooses WHICH matches fill the limit (they all enter the pool at the floor
  // score), so when the query cannot match more rows than its limit (an AND matches at most its
  // rarest term's rows, the phrases at most their counts) the unranked read gives the same set
  // without the IDF passes over common words' full row lists.
  const bool small_library = frequencies.chunks <= options.max_ranked_matches;
  const bool phrases_overflow = phrase_count_capped || phrases_df > options.phrase_candidates;
  const bool all_terms_overflow = rarest_term_df > options.all_terms_candidates;
  const Extra extras[] = {
      {fts_phrase_expression(query), options.phrase_candidates,
       phrases_overflow && (small_library || phrases_df <= options.max_ranked_matches)},
      {fts_all_expression(query), options.all_terms_candidates,
       all_terms_overflow && (small_library || all_terms_df <= 4 * options.max_ranked_matches)},
  };
  for (const Extra& e : extras) {
    if (e.expression.empty()) continue;
    auto extra = e.rank ? fts.ranked(e.expression, e.limit, filter, options.columns)
                        : fts.unranked(e.expression, e.limit, filter);
    if (!extra) return extra.error();
    for (const FtsCandidate& c : *extra) pool.emplace(c.chunk_id, LexicalHit{c.chunk_id, c.document_id, 0, floor_score, 0, 0});
  }

  double best = 0;
  for (const auto& [id, h] : pool) best = std::max(best, h.fts_score);
  if (best <= 0) best = 1;
  std::unordered_map<int64_t, double> document_score;
  for (auto& [id, h] : pool) {
    h.fts_score = std::max(0.0, h.fts_score / best);
    double& d = document_score[h.document_id];
    d = std::max(d, h.fts_score);
  }

  // The best documents, rescored with their own statistics.
  std::vector<std::pair<double, int64_t>> documents;
  for (const auto& [doc, s] : document_score) documents.emplace_back(s, doc);
  std::sort(documents.begin(), documents.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  if (documents.size() > static_cast<size_t>(std::max(0, options.documents_rescored)))
    documents.resize(static_cast<size_t>(std::max(0, options.documents_rescored)));
  PassageScorer scorer(query, options.passage);
  for (const auto& [dscore, doc] : documents) {
    auto span = fts.document_span(doc);
    if (!span) return span.error();
    if (span->chunks == 0) continue;
    // The document's own frequencies, counted by FTS5 over its chunks.
    PassageStatistics local;
    local.passages = static_cast<double>(span->chunks);
    local.average_tokens = span->average_tokens;
    local.phrase_df.assign(query.phrases.size(), 0.0);
    local.term_df.assign(query.terms.size(), 0.0);
    std::vector<const Item*> selecting;
    const bool small = span->chunks <= options.max_document_matches;
    for (const Item& i : items) {
      if (i.df == 0) continue;
      auto n = fts.count_in_document(i.expression, *span);
      if (!n) return n.error();
      (i.phrase ? local.phrase_df : local.term_df)[i.index] = static_cast<double>(*n);
      // In a long document, a word in most of its chunks picks out none of them.
      const double common = std::max(1.0, options.document_common_share * static_cast<double>(span->chunks));
      if (*n > 0 && (small || static_cast<double>(*n) <= common)) selecting.push_back(&i);
    }
    std::vector<int64_t> ids;
    if (!selecting.empty()) {
      auto found = fts.matches_in_document(or_expression(selecting), *span, options.max_document_matches);
      if (!found) return found.error();
      ids = std::move(*found);
    }
    std::unordered_set<int64_t> have(ids.begin(), ids.end());
    for (const auto& [id, h] : pool)
      if (h.document_id == doc && have.insert(id).second) ids.push_back(id);
    if (ids.empty()) continue;
    std::sort(ids.begin(), ids.end());
    auto chunks = store.chunks(ids);
    if (!chunks) return chunks.error();
    std::vector<PassageText> texts;
    texts.reserve(chunks->size());
    for (const auto& c : *chunks) texts.push_back(PassageText{c.text, c.heading_path, c.token_count});
    std::vector<PassageMatch> matches = scorer.score(texts, local);
    double local_best = 0;
    for (const auto& m : matches) local_best = std::max(local_best, m.score);
    if (local_best <= 0) continue;
    // The section heading match H of each chunk read (see heading_match): with the document's
    // own term weights (its topic words, in every section's heading, pick out no section), and
    // shared among the chunks read under one heading (a heading over many of them picks out
    // none). A document without any section heading is one section headed by its title.
    std::unordered_map<std::string, std::pair<int, double>> sections;  // heading path -> chunks, H
    if (options.section_heading_weight > 0) {
      for (const auto& c : *chunks) ++sections[c.heading_path].first;
      std::vector<double> local_weight(query.terms.size(), 0.0);
      for (size_t t = 0; t < local_weight.size(); ++t) {
        const double df = std::min(local.passages, local.term_df[t]);
        if (df > 0) local_weight[t] = std::log(1.0 + (local.passages - df + 0.5) / (df + 0.5));
      }
      for (auto& [path, section] : sections) {
        std::string heading = path;
        if (heading.empty() && sections.size() == 1) {
          auto record = store.document(doc);
          if (!record) return record.error();
          if (*record) heading = (*record)->title;
        }
        section.second = heading_match(heading, query, local_weight) / section.first;
      }
    }
    for (size_t i = 0; i < chunks->size(); ++i) {
      if (matches[i].score <= 0) continue;
      const ChunkRecord& c = (*chunks)[i];
      auto [it, inserted] = pool.emplace(c.id, LexicalHit{c.id, doc, 0, 0, 0, 0});
      it->second.local_score = matches[i].score / local_best;
      auto section = sections.find(c.heading_path);
      if (section != sections.end()) it->second.heading_score = section->second.second;
    }
  }

  out.reserve(pool.size());
  for (auto& [id, h] : pool) {
    h.document_score = document_score[h.document_id];
    h.score = options.document_weight * h.document_score + h.fts_score + h.local_score;
    h.score += options.section_heading_weight * h.heading_score;
    out.push_back(h);
  }
  std::sort(out.begin(), out.end(), [](const LexicalHit& a, const LexicalHit& b) {
    return a.score != b.score ? a.score > b.score : a.chunk_id < b.chunk_id;
  });
  return out;
}

Result<std::vector<LexicalHit>> lexical_search(LibraryStore& store, const AnalyzedQuery& query,
                                               const SearchFilter& filter, const LexicalOptions& options) {
  FtsReader fts(store);
  auto f = query_frequencies(fts, query);
  if (!f) return f.error();
  return lexical_search(fts, store, query, *f, filter, options);
}

}  // namespace pw::rag
