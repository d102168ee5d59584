// Embedding vectors of one model held in memory as int8 rows with a per-row factor, scanned
// in full for every query (exact search, no approximate index): a million 384-dimension
// chunks are 384 MB read at memory speed, tens of milliseconds.
//
//   auto model = store.active_embedding_model();                    // the model searches use
//   auto index = pw::rag::VectorIndex::load(store, **model);         // Result<VectorIndex>
//   std::vector<pw::rag::VectorHit> hits = index->search(query_vector, 50, filter);
//   hits[0].similarity;   // cosine similarity, about +-0.01 of the float computation
//
// Cosine similarity from int8: row = q_r * s_r (per-row scale), query likewise; the scan
// computes integer dots q_query . q_r (rag/retrieval/int8_dot.h) and multiplies by
// s_query * s_r / (|query| |row|), both norms taken from the dequantised vectors. The index is
// immutable; rebuild it after the library's vectors change. Large indexes are scanned by one
// thread per core (each keeps a bounded heap of its best k; the lists are merged).
//
// Large indexes (coarse_min_rows(), 262,144 rows by default) are searched in two passes: a
// Hamming scan over 1-bit sign codes (binary_code.h: 48 bytes a row at 384 dimensions instead
// of 384) picks the candidates nearest the query, max(4096, 40 k) of them, and only those are
// rescored with the int8 dots. The similarities returned are the int8 ones; what can differ
// from the exact scan is a true top-k row the first pass missed (tests measure the recall
// against search_exact on clustered vectors). Small indexes, and filters that leave fewer
// rows than the candidate count, are scanned exactly.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/util/status.h"
#include "rag/retrieval/library_queries.h"
#include "rag/store/library_store.h"

namespace pw::rag {

struct VectorHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  float similarity = 0;
};

// A vector quantised to int8 as the index keeps it.
struct QuantizedVector {
  std::vector<int8_t> values;  // padded with zeros to the index stride
  float factor = 0;            // scale / norm: dot * factor_a * factor_b = cosine
};

class VectorIndex {
 public:
  VectorIndex() = default;

  // From the vectors of one model (any encoding) and the chunks' placement; rows whose chunk
  // has no placement (deleted meanwhile) are left out. InvalidArgument on a dimension mismatch
  // or a matrix whose arrays disagree in size.
  static Result<VectorIndex> build(const EmbeddingMatrix& matrix, std::span<const ChunkPlacement> placements);
  // Loads the model's vectors and the placements from the library and builds the index.
  static Result<VectorIndex> load(LibraryStore& store, const EmbeddingModelRecord& model);

  // The k most similar rows allowed by the filter, most similar first (ties: lower chunk id).
  // A query of the wrong dimension or with non-finite values gives no hits.
  std::vector<VectorHit> search(std::span<const float> query, size_t k, const SearchFilter& filter = {}) const;

  // The same search with a chosen dot kernel (tests compare scalar and AVX2 through it).
  using DotKernel = void (*)(const int8_t*, const int8_t*, size_t, size_t, int32_t*);
  std::vector<VectorHit> search_with(DotKernel kernel, std::span<const float> query, size_t k,
                                     const SearchFilter& filter) const;
  // Every allowed row scored with int8 dots, whatever the index size (the reference the
  // two-pass search is measured against).
  std::vector<VectorHit> search_exact(std::span<const float> query, size_t k, const SearchFilter& filter = {}) const;

  // Indexes of at least this many rows are searched in two passes (see above); 0: always,
  // SIZE_MAX: never. Not to be changed while another thread searches.
  void set_coarse_min_rows(size_t rows) { coarse_min_rows_ = rows; }
  size_t coarse_min_rows() const { return coarse_min_rows_; }
  // How many first-pass candidates a search for k hits rescores.
  static size_t coarse_candidates(size_t k);

  QuantizedVector quantize(std::span<const float> values) const;

  // Threads a search may use (0 = one per core, the default); large indexes are split
  // between them. Not to be changed while another thread searches.
  void set_threads(int threads) { threads_ = threads; }

  size_t size() const { return chunk_ids_.size(); }
  int dim() const { return dim_; }
  size_t stride() const { return stride_; }
  size_t memory_bytes() const;

 private:
  // Rows allowed by the filter, as a flag per dense document index (empty = all allowed).
  std::vector<uint8_t> allowed_documents(const SearchFilter& filter) const;
  struct Scored {
    float similarity;
    size_t row;
  };
  bool is_stronger(const Scored& a, const Scored& b) const;
  // The best k rows of [first_row, end_row) as a heap (weakest first), bounded by k.
  std::vector<Scored> scan(DotKernel kernel, const QuantizedVector& q, size_t first_row, size_t end_row, size_t k,
                           const std::vector<uint8_t>& allowed) const;
  // The rows of the first pass: the `candidates` allowed rows nearest q in Hamming distance
  // (ties by row order), in row order; all allowed rows when there are no more than that.
  std::vector<size_t> coarse_rows(const QuantizedVector& q, size_t candidates, const std::vector<uint8_t>& allowed,
                                  size_t parts) const;
  std::vector<VectorHit> search_impl(DotKernel kernel, std::span<const float> query, size_t k,
                                     const SearchFilter& filter, bool two_pass) const;
  size_t scan_parts() const;
  std::vector<VectorHit> to_hits(std::vector<Scored>& all, size_t k) const;

  int threads_ = 0;
  size_t coarse_min_rows_ = 262144;
  int dim_ = 0;
  size_t stride_ = 0;                  // bytes per row, dim rounded up to 32
  std::vector<int8_t> rows_;           // size() * stride_
  std::vector<float> factors_;         // per row: scale / norm (0 for a zero vector)
  size_t code_words_ = 0;              // uint64 words per sign code
  std::vector<uint64_t> codes_;        // size() * code_words_: sign bits of each row
  std::vector<int64_t> chunk_ids_;     // per row
  std::vector<uint32_t> doc_index_;    // per row: index into doc_ids_
  std::vector<int64_t> doc_ids_;       // dense document index -> document id
  std::vector<int64_t> doc_collection_;  // dense document index -> collection id
};

}  // namespace pw::rag
