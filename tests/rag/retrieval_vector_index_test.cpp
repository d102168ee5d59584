// The int8 vector index: AVX2 and scalar dot and Hamming kernels agree exactly; the two-pass
// search of large indexes finds what the exact scan finds; search ranks like a float
// cosine computation; filters; bad input gives no hits instead of failing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "engine/quant/cpu_features.h"
#include "rag/retrieval/binary_code.h"
#include "rag/retrieval/int8_dot.h"
#include "rag/retrieval/vector_index.h"
#include "retrieval_test_library.h"

namespace {

using pw::rag::ChunkPlacement;
using pw::rag::EmbeddingMatrix;
using pw::rag::VectorEncoding;
using pw::rag::VectorIndex;

std::vector<int8_t> random_int8(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

TEST(RetrievalInt8Dot, Avx2MatchesScalarExactly) {
  if (!pw::quant::cpu_features().avx2) GTEST_FAIL() << "this machine has no AVX2: the AVX2 kernel cannot be compared";
  std::mt19937 rng(7);
  for (size_t stride : {32u, 64u, 384u, 416u, 1024u}) {
    const size_t rows = 37;
    auto query = random_int8(rng, stride);
    auto data = random_int8(rng, stride * rows);
    // Extremes: every product at its largest magnitude, both signs.
    std::fill(data.begin(), data.begin() + static_cast<long>(stride), int8_t{127});
    std::fill(data.begin() + static_cast<long>(stride), data.begin() + static_cast<long>(2 * stride), int8_t{-127});
    std::vector<int32_t> a(rows), b(rows);
    pw::rag::int8_dot_rows_scalar(query.data(), data.data(), stride, rows, a.data());
    pw::rag::int8_dot_rows_avx2(query.data(), data.data(), stride, rows, b.data());
    EXPECT_EQ(a, b) << "stride " << stride;
  }
  // All +-127: the pairwise int16 sums reach 32258 and must not saturate.
  std::vector<int8_t> q(64, 127), r(64, 127);
  int32_t s = 0, v = 0;
  pw::rag::int8_dot_rows_scalar(q.data(), r.data(), 64, 1, &s);
  pw::rag::int8_dot_rows_avx2(q.data(), r.data(), 64, 1, &v);
  EXPECT_EQ(s, 64 * 127 * 127);
  EXPECT_EQ(v, s);
}

struct Fixture {
  EmbeddingMatrix matrix;
  std::vector<ChunkPlacement> placements;
  std::vector<std::vector<float>> rows;
};

// n rows of dim floats; chunk i lives in document 100 + i % 5; documents 100, 102, 104 are in
// collection 1, documents 101 and 103 in collection 2 (a document is in one collection).
Fixture make_fixture(size_t n, int dim, uint32_t seed) {
  Fixture f;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  f.matrix.dim = dim;
  f.matrix.encoding = VectorEncoding::Float32;
  for (size_t i = 0; i < n; ++i) {
    std::vector<float> v(static_cast<size_t>(dim));
    for (auto& x : v) x = normal(rng);
    f.matrix.chunk_ids.push_back(static_cast<int64_t>(1000 + i));
    f.matrix.f32.insert(f.matrix.f32.end(), v.begin(), v.end());
    f.placements.push_back({static_cast<int64_t>(1000 + i), static_cast<int64_t>(100 + i % 5), static_cast<int64_t>(1 + (i % 5) % 2)});
    f.rows.push_back(std::move(v));
  }
  return f;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
  }
  return dot / std::sqrt(na * nb);
}

TEST(RetrievalVectorIndex, RanksLikeFloatCosine) {
  Fixture f = make_fixture(3000, 384, 1);
  auto index = VectorIndex::build(f.matrix, f.placements);
  ASSERT_TRUE(index.ok()) << index.error().describe();
  EXPECT_EQ(index->size(), 3000u);
  EXPECT_EQ(index->stride(), 384u);
  std::mt19937 rng(2);
  std::normal_distribution<float> normal;
  for (int q = 0; q < 5; ++q) {
    // A query near row 17*q: the true nearest neighbour is clear.
    std::vector<float> query = f.rows[static_cast<size_t>(17 * q)];
    for (auto& x : query) x += 0.3f * normal(rng);
    auto hits = index->search(query, 10);
    ASSERT_EQ(hits.size(), 10u);
    std::vector<std::pair<double, int64_t>> exact;
    for (size_t i = 0; i < f.rows.size(); ++i) exact.emplace_back(cosine(query, f.rows[i]), f.matrix.chunk_ids[i]);
    std::sort(exact.rbegin(), exact.rend());
    EXPECT_EQ(hits[0].chunk_id, exact[0].second);
    for (size_t i = 0; i < hits.size(); ++i) {
      double truth = 0;
      for (const auto& [c, id] : exact)
        if (id == hits[i].chunk_id) truth = c;
      EXPECT_NEAR(hits[i].similarity, truth, 0.02) << "rank " << i;
      if (i > 0) {
        EXPECT_GE(hits[i - 1].similarity, hits[i].similarity);
      }
    }
    // Whatever int8 loses is below the gap to the 11th: same set as the float top 10, or
    // differences only among near-ties.
    double tenth = exact[9].first;
    for (const auto& h : hits) EXPECT_GE(h.similarity, tenth - 0.03);
  }
}

TEST(RetrievalVectorIndex, ScalarAndAvx2SearchGiveIdenticalHits) {
  if (!pw::quant::cpu_features().avx2) GTEST_FAIL() << "no AVX2 on this machine";
  Fixture f = make_fixture(5000, 200, 3);  // 200 -> stride 224: padding exercised
  auto index = VectorIndex::build(f.matrix, f.placements);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->stride(), 224u);
  auto a = index->search_with(&pw::rag::int8_dot_rows_scalar, f.rows[42], 25, {});
  auto b = index->search_with(&pw::rag::int8_dot_rows_avx2, f.rows[42], 25, {});
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].chunk_id, b[i].chunk_id);
    EXPECT_EQ(a[i].similarity, b[i].similarity);
  }
  EXPECT_EQ(a[0].chunk_id, 1042);
  EXPECT_NEAR(a[0].similarity, 1.0, 0.01);
}

TEST(RetrievalVectorIndex, FiltersByCollectionAndDocument) {
  Fixture f = make_fixture(500, 64, 4);
  auto index = VectorIndex::build(f.matrix, f.placements);
  ASSERT_TRUE(index.ok());
  auto in_collection = index->search(f.rows[0], 50, pw::rag::SearchFilter::in_collections({2}));
  ASSERT_EQ(in_collection.size(), 50u);
  for (const auto& h : in_collection) EXPECT_TRUE(h.document_id == 101 || h.document_id == 103) << h.document_id;
  auto in_document = index->search(f.rows[0], 500, pw::rag::SearchFilter::in_documents({103}));
  EXPECT_EQ(in_document.size(), 100u);
  for (const auto& h : in_document) EXPECT_EQ(h.document_id, 103);
  pw::rag::SearchFilter both{{2}, {103, 104}};  // both conditions: 104 is in collection 1
  auto in_both = index->search(f.rows[0], 500, both);
  EXPECT_EQ(in_both.size(), 100u);
  for (const auto& h : in_both) EXPECT_EQ(h.document_id, 103);
  pw::rag::SearchFilter neither{{1}, {103}};
  EXPECT_TRUE(index->search(f.rows[0], 500, neither).empty());
  EXPECT_TRUE(index->search(f.rows[0], 10, pw::rag::SearchFilter::in_documents({999})).empty());
}

TEST(RetrievalVectorIndex, BadQueriesAndRowsGiveNoHitsNotErrors) {
  Fixture f = make_fixture(10, 32, 5);
  std::fill(f.matrix.f32.begin(), f.matrix.f32.begin() + 32, 0.0f);  // row 0: zero vector
  f.matrix.f32[32] = std::nanf("");                                  // row 1: NaN
  f.placements.pop_back();                                           // row 9: chunk deleted meanwhile
  auto index = VectorIndex::build(f.matrix, f.placements);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->size(), 9u);
  EXPECT_TRUE(index->search(std::vector<float>(31, 1.0f), 5).empty());       // wrong dimension
  EXPECT_TRUE(index->search(std::vector<float>(32, 0.0f), 5).empty());       // zero query
  std::vector<float> nan_query(32, 1.0f);
  nan_query[3] = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(index->search(nan_query, 5).empty());
  auto hits = index->search(f.rows[5], 20);
  EXPECT_EQ(hits.size(), 9u);
  EXPECT_EQ(hits[0].chunk_id, 1005);
  for (const auto& h : hits) {
    if (h.chunk_id == 1000 || h.chunk_id == 1001) {
      EXPECT_EQ(h.similarity, 0.0f);  // unusable rows never match
    }
  }
  EXPECT_TRUE(index->search(f.rows[5], 0).empty());

  EmbeddingMatrix bad = f.matrix;
  bad.f32.pop_back();
  EXPECT_FALSE(VectorIndex::build(bad, f.placements).ok());
  bad = f.matrix;
  bad.dim = 0;
  EXPECT_FALSE(VectorIndex::build(bad, f.placements).ok());
}

// Vectors stored in the library (int8 encoding) load into an index that finds them again.
TEST(RetrievalVectorIndex, LoadsStoredInt8Vectors) {
  pw::rag::testing::TestLibrary lib;
  int64_t c = lib.collection("c");
  lib.add_pages(c, "/a.txt", "A", {"Annual leave carries over for five days. Sick leave does not carry over."});
  lib.add_pages(c, "/b.txt", "B", {"The parking garage opens at seven in the morning on weekdays."});
  pw::rag::testing::HashingEmbedder embedder(128);
  auto model = lib.store().ensure_embedding_model(embedder.model_name(), 128, VectorEncoding::Int8);
  ASSERT_TRUE(model.ok());
  auto todo = lib.store().chunks_missing_embeddings(model->id, 100);
  ASSERT_TRUE(todo.ok());
  ASSERT_EQ(todo->size(), 2u);
  std::vector<pw::rag::ChunkEmbedding> rows;
  for (const auto& t : *todo) rows.push_back({t.chunk_id, embedder.embed(t.text)});
  ASSERT_TRUE(lib.store().put_embeddings(model->id, rows).ok());
  auto index = VectorIndex::load(lib.store(), *model);
  ASSERT_TRUE(index.ok()) << index.error().describe();
  EXPECT_EQ(index->size(), 2u);
  auto hits = index->search(embedder.embed("parking garage opening time"), 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].chunk_id, (*todo)[1].chunk_id);
  EXPECT_GT(hits[0].similarity, hits[1].similarity);
}

}  // namespace

// A large index is scanned by several threads; the result is the one thread's, exactly.
TEST(RetrievalVectorIndex, ThreadedScanEqualsOneThread) {
  Fixture f = make_fixture(70000, 32, 5);  // above two threads' minimum share of rows
  auto index = VectorIndex::build(f.matrix, f.placements);
  ASSERT_TRUE(index.ok());
  std::mt19937 rng(9);
  std::normal_distribution<float> normal;
  for (int q = 0; q < 3; ++q) {
    std::vector<float> query(32);
    for (auto& x : query) x = normal(rng);
    index->set_threads(1);
    auto one = index->search(query, 25);
    auto one_filtered = index->search(query, 25, pw::rag::SearchFilter::in_collections({2}));
    index->set_threads(2);
    auto two = index->search(query, 25);
    auto two_filtered = index->search(query, 25, pw::rag::SearchFilter::in_collections({2}));
    ASSERT_EQ(one.size(), 25u);
    ASSERT_EQ(one.size(), two.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(one[i].chunk_id, two[i].chunk_id) << i;
      EXPECT_EQ(one[i].similarity, two[i].similarity) << i;
    }
    ASSERT_EQ(one_filtered.size(), two_filtered.size());
    for (size_t i = 0; i < one_filtered.size(); ++i) EXPECT_EQ(one_filtered[i].chunk_id, two_filtered[i].chunk_id);
  }
}

TEST(RetrievalBinaryCode, SignBitsAndHammingKernelsAgree) {
  // Bit i is the sign of value i, the same from floats and from their int8 quantisation.
  std::vector<float> f = {0.5f, -1.0f, 0.0f, 2.0f};
  std::vector<int8_t> q = {64, -127, 0, 127};
  uint64_t a = 0, b = 0;
  pw::rag::binary_code(std::span<const float>(f), &a);
  pw::rag::binary_code(std::span<const int8_t>(q), &b);
  EXPECT_EQ(a, 0b1001u);
  EXPECT_EQ(b, a);
  if (!pw::quant::cpu_features().avx2) GTEST_FAIL() << "this machine has no AVX2: the fast kernel cannot be compared";
  std::mt19937_64 rng(5);
  for (size_t words : {1u, 2u, 4u, 6u, 12u, 13u}) {  // 6: the unrolled 384-dimension path
    const size_t rows = 101;
    std::vector<uint64_t> query(words), codes(words * rows);
    for (auto& w : query) w = rng();
    for (auto& w : codes) w = rng();
    std::fill(codes.begin(), codes.begin() + static_cast<long>(words), ~uint64_t{0});  // every bit set
    for (size_t w = 0; w < words; ++w) codes[words + w] = query[w];                   // distance 0
    std::vector<uint16_t> s(rows), v(rows);
    pw::rag::hamming_rows_scalar(query.data(), codes.data(), words, rows, s.data());
    pw::rag::hamming_rows_avx2(query.data(), codes.data(), words, rows, v.data());
    EXPECT_EQ(s, v) << words << " words";
    EXPECT_EQ(s[1], 0);
    unsigned ones = 0;
    for (uint64_t w : query) ones += static_cast<unsigned>(__builtin_popcountll(~w));
    EXPECT_EQ(s[0], ones);
  }
}

// Clustered vectors, as a trained encoder's are (chunks on one topic lie near each other):
// `clusters` centres, each with `per_cluster` rows around it.
static Fixture make_clustered(size_t clusters, size_t per_cluster, int dim, uint32_t seed, std::vector<std::vector<float>>& centres) {
  Fixture f;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  f.matrix.dim = dim;
  f.matrix.encoding = VectorEncoding::Float32;
  centres.assign(clusters, std::vector<float>(static_cast<size_t>(dim)));
  for (auto& c : centres)
    for (auto& x : c) x = normal(rng);
  for (size_t i = 0; i < clusters * per_cluster; ++i) {
    std::vector<float> v = centres[i % clusters];
    for (auto& x : v) x += 0.8f * normal(rng);
    f.matrix.chunk_ids.push_back(static_cast<int64_t>(1000 + i));
    f.matrix.f32.insert(f.matrix.f32.end(), v.begin(), v.end());
    f.placements.push_back({static_cast<int64_t>(1000 + i), static_cast<int64_t>(100 + i % 50), static_cast<int64_t>(1 + (i % 50) % 2)});
  }
  return f;
}

// The two-pass search (Hamming first pass, int8 rescoring) against the exact scan: the same
// top 10 for nearly every query, the same similarity for every row both return, and the
// filter honoured. 80,000 rows: the 4,096 candidates are 5% of the index.
TEST(RetrievalVectorIndex, TwoPassSearchFindsWhatTheExactScanFinds) {
  std::vector<std::vector<float>> centres;
  Fixture f = make_clustered(800, 100, 256, 12, centres);
  auto index = VectorIndex::build(f.matrix, f.placements);
  ASSERT_TRUE(index.ok());
  index->set_coarse_min_rows(0);  // two passes whatever the size
  std::mt19937 rng(13);
  std::normal_distribution<float> normal;
  size_t found = 0, wanted = 0;
  for (int q = 0; q < 20; ++q) {
    std::vector<float> query = centres[static_cast<size_t>(q) * 37 % centres.size()];
    for (auto& x : query) x += 0.5f * normal(rng);
    auto fast = index->search(query, 10);
    auto exact = index->search_exact(query, 10);
    ASSERT_EQ(fast.size(), 10u);
    ASSERT_EQ(exact.size(), 10u);
    for (const auto& e : exact) {
      ++wanted;
      for (const auto& h : fast)
        if (h.chunk_id == e.chunk_id) {
          ++found;
          EXPECT_EQ(h.similarity, e.similarity);  // rescored with the same int8 dots
        }
    }
    EXPECT_EQ(fast[0].chunk_id, exact[0].chunk_id) << "query " << q;
    // The filter applies in the first pass: only collection 2's rows come back.
    for (const auto& h : index->search(query, 10, pw::rag::SearchFilter::in_collections({2})))
      EXPECT_EQ((h.document_id - 100) % 2, 1) << h.document_id;
  }
  EXPECT_GE(static_cast<double>(found) / static_cast<double>(wanted), 0.95) << found << " of " << wanted;
  // A filter leaving fewer rows than the candidates: every allowed row is rescored, exactly.
  auto one_doc = index->search(centres[3], 30, pw::rag::SearchFilter::in_documents({103}));
  auto one_doc_exact = index->search_exact(centres[3], 30, pw::rag::SearchFilter::in_documents({103}));
  ASSERT_EQ(one_doc.size(), 30u);
  for (size_t i = 0; i < one_doc.size(); ++i) EXPECT_EQ(one_doc[i].chunk_id, one_doc_exact[i].chunk_id);
  // Two threads' first pass picks the same candidates as one thread's.
  index->set_threads(1);
  auto one = index->search(centres[5], 25);
  index->set_threads(2);
  auto two = index->search(centres[5], 25);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i].chunk_id, two[i].chunk_id);
}
