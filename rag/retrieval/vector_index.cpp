#include "rag/retrieval/vector_index.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "rag/retrieval/int8_dot.h"

namespace pw::rag {
namespace {

constexpr int kMaxDim = 16384;
constexpr size_t kScanBlock = 4096;  // rows per kernel call (the dot buffer stays in cache)
constexpr size_t kMinRowsPerThread = 32768;  // below this a thread costs more than it saves

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
  index.rows_.reserve(rows * index.stride_);
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

std::vector<VectorHit> VectorIndex::search_with(DotKernel kernel, std::span<const float> query, size_t k,
                                                const SearchFilter& filter) const {
  std::vector<VectorHit> out;
  if (k == 0 || size() == 0) return out;
  QuantizedVector q = quantize(query);
  if (q.factor == 0) return out;
  const std::vector<uint8_t> allowed = allowed_documents(filter);

  // A million rows are 384 MB to stream: split them over the cores, each part keeps its own
  // best k, and the parts' lists are merged (the order is the same as one thread's).
  size_t parts = threads_ > 0 ? static_cast<size_t>(threads_) : std::max(1u, std::thread::hardware_concurrency());
  parts = std::clamp<size_t>(std::min(parts, size() / kMinRowsPerThread), 1, 64);
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
  auto stronger = [&](const Scored& a, const Scored& b) { return is_stronger(a, b); };
  const size_t keep = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), stronger);
  out.reserve(keep);
  for (size_t i = 0; i < keep; ++i)
    out.push_back(VectorHit{chunk_ids_[all[i].row], doc_ids_[doc_index_[all[i].row]], all[i].similarity});
  return out;
}

size_t VectorIndex::memory_bytes() const {
  return rows_.capacity() + factors_.capacity() * sizeof(float) + chunk_ids_.capacity() * sizeof(int64_t) +
         doc_index_.capacity() * sizeof(uint32_t) + doc_ids_.capacity() * sizeof(int64_t) +
         doc_collection_.capacity() * sizeof(int64_t);
}

}  // namespace pw::rag
