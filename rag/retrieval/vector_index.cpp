#include "rag/retrieval/vector_index.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "rag/retrieval/binary_code.h"
#include "rag/retrieval/int8_dot.h"

namespace pw::rag {
namespace {

constexpr int kMaxDim = 16384;
constexpr size_t kScanBlock = 4096;  // rows per kernel call (the dot buffer stays in cache)
constexpr size_t kMinRowsPerThread = 32768;  // below this a thread costs more than it saves
// First-pass candidates per hit asked for, and at least this many: for trained encoders a
// true top-k row is almost always within the 40 k nearest codes (measured in the tests and
// in pagewise-bench retrieval); rescoring 4096 rows costs about 0.2 ms.
constexpr size_t kCandidatesPerHit = 40;
constexpr size_t kMinCandidates = 4096;
constexpr uint16_t kExcluded = 0xFFFF;  // Hamming "distance" of a row the filter leaves out

// Quantises `values` into out[0, values.size()) with scale max|x|/127; returns the factor
// scale / |dequantised vector| (0 for the zero vector).
float quantize_into(std::span<const float> values, int8_t* out) {
  float max_abs = 0;
  for (float v : values) max_abs = std::max(max_abs, std::fabs(v));
  if (max_abs == 0) {
    std::fill(out, out + values.size(), int8_t{0});
    return 0;
  }
  const float scale = max_abs / 127.0f;
  double norm2 = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    float q = std::nearbyint(values[i] / scale);
    q = std::clamp(q, -127.0f, 127.0f);
    out[i] = static_cast<int8_t>(q);
    norm2 += static_cast<double>(q) * q;
  }
  // |dequantised| = scale * |q|, so scale / |dequantised| = 1 / |q|.
  return norm2 > 0 ? static_cast<float>(1.0 / std::sqrt(norm2)) : 0.0f;
}

}  // namespace

Result<VectorIndex> VectorIndex::build(const EmbeddingMatrix& matrix, std::span<const ChunkPlacement> placements) {
  if (matrix.dim <= 0 || matrix.dim > kMaxDim)
    return Error(ErrorCode::InvalidArgument, "embedding dimension " + std::to_string(matrix.dim) + " is out of range");
  const size_t rows = matrix.rows();
  const size_t dim = static_cast<size_t>(matrix.dim);
  const bool int8 = matrix.encoding == VectorEncoding::Int8;
  if (int8 ? (matrix.i8.size() != rows * dim || matrix.scales.size() != rows) : matrix.f32.size() != rows * dim)
    return Error(ErrorCode::InvalidArgument, "embedding matrix arrays do not match its row count");

  std::unordered_map<int64_t, const ChunkPlacement*> placement_of;
  placement_of.reserve(placements.size());
  for (const auto& p : placements) placement_of.emplace(p.chunk_id, &p);

  VectorIndex index;
  index.dim_ = matrix.dim;
  index.stride_ = (dim + kInt8RowAlignment - 1) / kInt8RowAlignment * kInt8RowAlignment;
  index.code_words_ = binary_code_words(dim);
  index.rows_.reserve(rows * index.stride_);
  index.codes_.reserve(rows * index.code_words_);
  std::vector<uint64_t> code(index.code_words_);
  std::unordered_map<int64_t, uint32_t> dense_doc;
  std::vector<int8_t> row(index.stride_, 0);
  for (size_t r = 0; r < rows; ++r) {
    auto it = placement_of.find(matrix.chunk_ids[r]);
    if (it == placement_of.end()) continue;
    std::fill(row.begin(), row.end(), int8_t{0});
    float factor = 0;
    if (int8) {
      // Stored int8 rows are used as they are (never -128, which the kernel contract forbids).
      double norm2 = 0;
      for (size_t i = 0; i < dim; ++i) {
        int8_t q = std::max<int8_t>(matrix.i8[r * dim + i], -127);
        row[i] = q;
        norm2 += static_cast<double>(q) * q;
      }
      bool usable = std::isfinite(matrix.scales[r]) && matrix.scales[r] != 0 && norm2 > 0;
      factor = usable ? static_cast<float>(1.0 / std::sqrt(norm2)) : 0.0f;
    } else {
      std::span<const float> values(matrix.f32.data() + r * dim, dim);
      bool finite = std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
      factor = finite ? quantize_into(values, row.data()) : 0.0f;
    }
    const ChunkPlacement& p = *it->second;
    auto [d, inserted] = dense_doc.emplace(p.document_id, static_cast<uint32_t>(index.doc_ids_.size()));
    if (inserted) {
      index.doc_ids_.push_back(p.document_id);
      index.doc_collection_.push_back(p.collection_id);
    }
    index.rows_.insert(index.rows_.end(), row.begin(), row.end());
    binary_code(std::span<const int8_t>(row.data(), dim), code.data());
    index.codes_.insert(index.codes_.end(), code.begin(), code.end());
    index.factors_.push_back(factor);
    index.chunk_ids_.push_back(p.chunk_id);
    index.doc_index_.push_back(d->second);
  }
  return index;
}

Result<VectorIndex> VectorIndex::load(LibraryStore& store, const EmbeddingModelRecord& model) {
  auto matrix = store.load_embeddings(model.id);
  if (!matrix) return matrix.error();
  auto placements = chunk_placements(store);
  if (!placements) return placements.error();
  return build(*matrix, *placements);
}

QuantizedVector VectorIndex::quantize(std::span<const float> values) const {
  QuantizedVector q;
  q.values.assign(stride_, 0);
  if (values.size() != static_cast<size_t>(dim_)) return q;
  for (float v : values)
    if (!std::isfinite(v)) return q;
  q.factor = quantize_into(values, q.values.data());
  return q;
}

std::vector<uint8_t> VectorIndex::allowed_documents(const SearchFilter& filter) const {
  if (filter.collection_ids.empty() && filter.document_ids.empty()) return {};
  std::unordered_set<int64_t> collections(filter.collection_ids.begin(), filter.collection_ids.end());
  std::unordered_set<int64_t> documents(filter.document_ids.begin(), filter.document_ids.end());
  std::vector<uint8_t> allowed(doc_ids_.size(), 0);
  for (size_t d = 0; d < doc_ids_.size(); ++d) {
    bool ok = (collections.empty() || collections.count(doc_collection_[d])) &&
              (documents.empty() || documents.count(doc_ids_[d]));
    allowed[d] = ok ? 1 : 0;
  }
  return allowed;
}

std::vector<VectorHit> VectorIndex::search(std::span<const float> query, size_t k, const SearchFilter& filter) const {
  return search_with(int8_dot_rows(), query, k, filter);
}

std::vector<VectorIndex::Scored> VectorIndex::scan(DotKernel kernel, const QuantizedVector& q, size_t first_row,
                                                   size_t end_row, size_t k, const std::vector<uint8_t>& allowed) const {
  // The best k (similarity, row) so far; `stronger` orders the heap so its top is the weakest.
  auto stronger = [&](const Scored& a, const Scored& b) { return is_stronger(a, b); };
  std::vector<Scored> heap;
  heap.reserve(k + 1);
  std::vector<int32_t> dots(kScanBlock);
  for (size_t first = first_row; first < end_row; first += kScanBlock) {
    const size_t n = std::min(kScanBlock, end_row - first);
    kernel(q.values.data(), rows_.data() + first * stride_, stride_, n, dots.data());
    for (size_t i = 0; i < n; ++i) {
      const size_t r = first + i;
      if (!allowed.empty() && !allowed[doc_index_[r]]) continue;
      const Scored e{static_cast<float>(dots[i]) * q.factor * factors_[r], r};
      if (heap.size() < k) {
        heap.push_back(e);
        std::push_heap(heap.begin(), heap.end(), stronger);
      } else if (stronger(e, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), stronger);
        heap.back() = e;
        std::push_heap(heap.begin(), heap.end(), stronger);
      }
    }
  }
  return heap;
}

bool VectorIndex::is_stronger(const Scored& a, const Scored& b) const {
  if (a.similarity != b.similarity) return a.similarity > b.similarity;
  return chunk_ids_[a.row] < chunk_ids_[b.row];
}

size_t VectorIndex::coarse_candidates(size_t k) { return std::max(kMinCandidates, k * kCandidatesPerHit); }

size_t VectorIndex::scan_parts() const {
  size_t parts = threads_ > 0 ? static_cast<size_t>(threads_) : std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<size_t>(std::min(parts, size() / kMinRowsPerThread), 1, 64);
}

std::vector<VectorHit> VectorIndex::search_with(DotKernel kernel, std::span<const float> query, size_t k,
                                                const SearchFilter& filter) const {
  return search_impl(kernel, query, k, filter, size() >= coarse_min_rows_);
}

std::vector<VectorHit> VectorIndex::search_exact(std::span<const float> query, size_t k,
                                                 const SearchFilter& filter) const {
  return search_impl(int8_dot_rows(), query, k, filter, false);
}

std::vector<size_t> VectorIndex::coarse_rows(const QuantizedVector& q, size_t candidates,
                                             const std::vector<uint8_t>& allowed, size_t parts) const {
  std::vector<uint64_t> code(code_words_);
  binary_code(std::span<const int8_t>(q.values.data(), static_cast<size_t>(dim_)), code.data());
  const HammingRowsFn hamming = hamming_rows();
  const size_t max_distance = code_words_ * 64;
  // Distances of every row (2 bytes a row) and, per part, how many allowed rows have each one.
  std::vector<uint16_t> distance(size());
  std::vector<std::vector<uint32_t>> histogram(parts, std::vector<uint32_t>(max_distance + 1, 0));
  const size_t per_part = (size() + parts - 1) / parts;
  auto run_part = [&](size_t p) {
    const size_t begin = std::min(size(), p * per_part);
    const size_t end = std::min(size(), begin + per_part);
    std::vector<uint32_t>& h = histogram[p];
    for (size_t first = begin; first < end; first += kScanBlock) {
      const size_t n = std::min(kScanBlock, end - first);
      hamming(code.data(), codes_.data() + first * code_words_, code_words_, n, distance.data() + first);
      for (size_t r = first; r < first + n; ++r) {
        if (!allowed.empty() && !allowed[doc_index_[r]]) distance[r] = kExcluded;
        else ++h[distance[r]];
      }
    }
  };
  std::vector<std::thread> helpers;
  for (size_t p = 1; p < parts; ++p) helpers.emplace_back(run_part, p);
  run_part(0);
  for (auto& t : helpers) t.join();

  // The distance `limit` at which the candidates are complete: all rows nearer, and the first
  // `at_limit` rows (in row order) at exactly that distance.
  size_t taken = 0, limit = max_distance + 1, at_limit = 0;
  for (size_t d = 0; d <= max_distance; ++d) {
    size_t count = 0;
    for (const auto& h : histogram) count += h[d];
    if (taken + count >= candidates) {
      limit = d;
      at_limit = candidates - taken;
      break;
    }
    taken += count;
  }
  std::vector<size_t> rows;
  rows.reserve(std::min(candidates, size()));
  for (size_t r = 0; r < size(); ++r) {
    const uint16_t d = distance[r];
    if (d == kExcluded || d > limit) continue;
    if (d == limit) {
      if (at_limit == 0) continue;
      --at_limit;
    }
    rows.push_back(r);
  }
  return rows;
}

std::vector<VectorHit> VectorIndex::to_hits(std::vector<Scored>& all, size_t k) const {
  auto stronger = [&](const Scored& a, const Scored& b) { return is_stronger(a, b); };
  const size_t keep = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), stronger);
  std::vector<VectorHit> out;
  out.reserve(keep);
  for (size_t i = 0; i < keep; ++i)
    out.push_back(VectorHit{chunk_ids_[all[i].row], doc_ids_[doc_index_[all[i].row]], all[i].similarity});
  return out;
}

std::vector<VectorHit> VectorIndex::search_impl(DotKernel kernel, std::span<const float> query, size_t k,
                                                const SearchFilter& filter, bool two_pass) const {
  if (k == 0 || size() == 0) return {};
  QuantizedVector q = quantize(query);
  if (q.factor == 0) return {};
  const std::vector<uint8_t> allowed = allowed_documents(filter);
  const size_t parts = scan_parts();

  if (two_pass && coarse_candidates(k) < size()) {
    // Pass 1 streams 1/8 of the int8 bytes; pass 2 rescores a few thousand rows.
    std::vector<size_t> rows = coarse_rows(q, coarse_candidates(k), allowed, parts);
    std::vector<Scored> all;
    all.reserve(rows.size());
    for (size_t r : rows) {
      int32_t dot = 0;
      kernel(q.values.data(), rows_.data() + r * stride_, stride_, 1, &dot);
      all.push_back(Scored{static_cast<float>(dot) * q.factor * factors_[r], r});
    }
    return to_hits(all, k);
  }

  // A million rows are 384 MB to stream: split them over the cores, each part keeps its own
  // best k, and the parts' lists are merged (the order is the same as one thread's).
  std::vector<std::vector<Scored>> found(parts);
  const size_t per_part = (size() + parts - 1) / parts;
  auto run_part = [&](size_t p) {
    const size_t first = std::min(size(), p * per_part);
    found[p] = scan(kernel, q, first, std::min(size(), first + per_part), k, allowed);
  };
  std::vector<std::thread> helpers;
  for (size_t p = 1; p < parts; ++p) helpers.emplace_back(run_part, p);
  run_part(0);
  for (auto& t : helpers) t.join();

  std::vector<Scored> all;
  for (auto& f : found) all.insert(all.end(), f.begin(), f.end());
  return to_hits(all, k);
}

size_t VectorIndex::memory_bytes() const {
  return rows_.capacity() + codes_.capacity() * sizeof(uint64_t) + factors_.capacity() * sizeof(float) +
         chunk_ids_.capacity() * sizeof(int64_t) +
         doc_index_.capacity() * sizeof(uint32_t) + doc_ids_.capacity() * sizeof(int64_t) +
         doc_collection_.capacity() * sizeof(int64_t);
}

}  // namespace pw::rag
