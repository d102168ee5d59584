// Reciprocal rank fusion: merges ranked lists from any retrievers (lexical, semantic, ...)
// into one ranking without comparing their incomparable scores.
//
//   pw::rag::RankedList lexical{"lexical", 1.0, {{chunk_a, doc_a, 12.3}, {chunk_b, doc_b, 9.1}}};
//   pw::rag::RankedList semantic{"semantic", 1.0, {{chunk_b, doc_b, 0.82}, ...}};
//   std::vector<pw::rag::FusedHit> fused = pw::rag::reciprocal_rank_fusion({lexical, semantic}, 60, 50);
//   fused[0].ranks[1];   // 1-based rank in the semantic list, 0 when absent
//
// score(chunk) = sum over lists of weight / (rank_constant + rank), ranks 1-based. The constant
// (60 in Cormack et al. 2009) keeps the first few ranks of one list from overwhelming agreement
// between lists. Ties are broken by the best single rank, then by chunk id, so the order is
// deterministic.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pw::rag {

struct RankedHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  double score = 0;  // the retriever's own score (kept for display, not used by fusion)
};

struct RankedList {
  std::string name;     // "lexical", "semantic"
  double weight = 1.0;  // multiplies this list's contributions
  std::vector<RankedHit> hits;  // best first; a chunk listed twice counts at its first rank
};

struct FusedHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  double score = 0;
  std::vector<int> ranks;          // per input list, 1-based; 0 = not in that list
  std::vector<double> list_scores; // per input list, the retriever's score (0 when absent)
};

// At most `limit` fused hits, best first. rank_constant must be >= 0.
std::vector<FusedHit> reciprocal_rank_fusion(std::span<const RankedList> lists, double rank_constant = 60.0,
                                             size_t limit = 100);

}  // namespace pw::rag
