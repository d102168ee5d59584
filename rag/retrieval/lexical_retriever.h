// Lexical retrieval: full-text candidates from FTS5 (phrases, then all terms, then any term,
// BM25 with the heading path boosted), then a second look inside the best documents.
//
//   pw::rag::AnalyzedQuery q = pw::rag::analyze_query(question);
//   pw::rag::FtsReader fts(store);
//   auto freq = pw::rag::query_frequencies(fts, q);                   // df per term / phrase
//   auto hits = pw::rag::lexical_search(fts, store, q, *freq, filter, {});   // best first
//   hits->front().chunk_id;
//
// Scoring (higher is better), each part in [0, 1]:
//   score(chunk) = document_weight * D(document) + G(chunk) + L(chunk) + section_heading_weight * H(chunk)
//   G  the chunk's FTS5 BM25 over the whole library (or filter), divided by the best one;
//   D  the best G among the document's chunks: how well the document as a whole answers;
//   L  BM25 of the chunk among the chunks of its own document, divided by that document's best
//      (only for the `documents_rescored` best documents): words the question shares with
//      every chunk of the document (a contract's party names) stop counting there, and the
//      words that pick out one clause decide.
//   H  how well the chunk's section heading states the question (rescored documents only):
//      the harmonic mean of the share of the heading's words the question holds and the share
//      of the question's terms (weighted by their IDF within the document) the heading holds,
//      divided by the number of chunks read under that heading. FAQ-like documents head each
//      answer with its question ("What is (are) aortic stenosis?", "What are the treatments
//      for ...?"): the answer whose question is the one asked outranks a shorter, denser
//      neighbour about something else. Document-local weights: the topic words in every
//      heading of a document pick out no section (only the document, which D already says).
//      Shared among the section's chunks: a heading over many matching chunks (a long section,
//      a heading detected too broadly) picks out none of them. A document without any section
//      heading is one section headed by its title.
// Phrase and all-terms queries add candidates the any-term query may rank too low to keep
// ("phrase match first, then the meaningful terms"); they are scored like the others.
//
// Bounded cost (why it stays fast at a million chunks): FTS5 computes bm25() for every row a
// MATCH finds, so only the rarest terms and phrases whose document frequencies add up to at
// most `max_ranked_matches` enter the ranked any-term query; a word found in a large share of
// the library (FtsReader::term_frequency says how many, estimated beyond 20,000) is left to
// the rescoring, which still counts it; so is a word in half the library when rarer words fill
// the list alone (bm25's IDF for it is ~0, yet scoring its rows is the query's time). The
// all-terms and phrase queries are ranked only when their matches are that few too, else
// taken unranked up to their limits. Inside a document only the chunks holding a term that is
// not common there are read (at most `max_document_matches`), with that document's term
// frequencies counted by FTS5 over its chunk-id range.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/util/status.h"
#include "rag/retrieval/fts_reader.h"
#include "rag/retrieval/library_queries.h"
#include "rag/retrieval/passage_scorer.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/store/library_store.h"

namespace pw::rag {

struct LexicalOptions {
  int any_term_candidates = 200;
  int all_terms_candidates = 100;
  int phrase_candidates = 50;
  int documents_rescored = 5;
  int max_document_matches = 200;     // chunks of one rescored document read besides its candidates
  double document_common_share = 0.5;  // a term in more of a document's chunks selects none there
  int64_t max_ranked_matches = 20000;  // bm25() budget of one ranked query (sum of its terms' df)
  int64_t anchor_matches = 2000;       // above that budget: rows the rarest items are ranked alone over
  double document_weight = 1.0;
  double section_heading_weight = 1.0;  // H below; 0 turns the heading match off
  FtsColumnWeights columns;
  PassageScorerOptions passage;
};

// Library-wide document frequencies of a query's terms and phrases.
struct QueryFrequencies {
  int64_t chunks = 0;                // chunks in the library
  std::vector<int64_t> term_df;      // per query term (exact, from fts5vocab)
  std::vector<int64_t> phrase_df;    // per phrase, counted up to phrase_cap
  int64_t phrase_cap = 0;
};

Result<QueryFrequencies> query_frequencies(FtsReader& fts, const AnalyzedQuery& query, int64_t phrase_cap = 5000);

struct LexicalHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  double score = 0;           // the combined score above
  double fts_score = 0;       // G
  double document_score = 0;  // D
  double local_score = 0;     // L (0 when the document was not rescored)
  double heading_score = 0;   // H (0 when the document was not rescored)
};

Result<std::vector<LexicalHit>> lexical_search(FtsReader& fts, LibraryStore& store, const AnalyzedQuery& query,
                                               const QueryFrequencies& frequencies, const SearchFilter& filter,
                                               const LexicalOptions& options = {});

// Convenience for one-off searches (tests, tools): its own FtsReader and frequencies.
Result<std::vector<LexicalHit>> lexical_search(LibraryStore& store, const AnalyzedQuery& query,
                                               const SearchFilter& filter, const LexicalOptions& options = {});

}  // namespace pw::rag
