#include "rag/retrieval/rank_fusion.h"

#include <algorithm>
#include <unordered_map>

namespace pw::rag {

std::vector<FusedHit> reciprocal_rank_fusion(std::span<const RankedList> lists, double rank_constant, size_t limit) {
  rank_constant = std::max(0.0, rank_constant);
  std::unordered_map<int64_t, size_t> index;  // chunk id -> position in `fused`
  std::vector<FusedHit> fused;
  for (size_t l = 0; l < lists.size(); ++l) {
    const RankedList& list = lists[l];
    int rank = 0;
    for (const RankedHit& hit : list.hits) {
      ++rank;
      auto [it, inserted] = index.emplace(hit.chunk_id, fused.size());
      if (inserted) {
        FusedHit f;
        f.chunk_id = hit.chunk_id;
        f.document_id = hit.document_id;
        f.ranks.assign(lists.size(), 0);
        f.list_scores.assign(lists.size(), 0.0);
        fused.push_back(std::move(f));
      }
      FusedHit& f = fused[it->second];
      if (f.ranks[l] != 0) continue;  // listed twice: the first rank counts
      f.ranks[l] = rank;
      f.list_scores[l] = hit.score;
      f.score += list.weight / (rank_constant + rank);
    }
  }
  auto best_rank = [](const FusedHit& f) {
    int best = 0;
    for (int r : f.ranks)
      if (r > 0 && (best == 0 || r < best)) best = r;
    return best;
  };
  std::sort(fused.begin(), fused.end(), [&](const FusedHit& a, const FusedHit& b) {
    if (a.score != b.score) return a.score > b.score;
    int ra = best_rank(a), rb = best_rank(b);
    if (ra != rb) return ra < rb;
    return a.chunk_id < b.chunk_id;
  });
  if (fused.size() > limit) fused.resize(limit);
  return fused;
}

}  // namespace pw::rag
