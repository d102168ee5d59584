// Tile kernels (engine/quant/tile_kernels.h) against their scalar twins (vec_dot_*_scalar pair
// by pair) for every format that has one, on random quantized rows of several lengths and for
// every tile shape; and the rule the model relies on: a pair's result is bit-identical whatever
// tile it is computed in (1x1 ... kTileRows x kTileTokens), so decode and batched prompts agree.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/quant/cpu_features.h"
#include "engine/quant/kernels.h"
#include "engine/quant/tile_kernels.h"
#include "engine/tensor/ggml_type.h"

namespace pw::quant {
namespace {

struct Rows {
  std::vector<uint8_t> bytes;
  std::vector<float> values;  // the floats they were quantized from
  size_t row_bytes = 0;
};

// `count` rows of n values of `type`, quantized from normal values whose spread changes from
// row to row (so the per-block scales differ a lot).
Rows make_rows(const TypeKernels& k, int64_t n, int count, std::mt19937& rng) {
  Rows r;
  r.row_bytes = static_cast<size_t>(*row_size_bytes(k.type, static_cast<uint64_t>(n)));
  r.bytes.resize(r.row_bytes * static_cast<size_t>(count));
  r.values.resize(static_cast<size_t>(n) * static_cast<size_t>(count));
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::uniform_real_distribution<float> spread(0.01f, 4.0f);
  for (int i = 0; i < count; ++i) {
    float* v = r.values.data() + static_cast<size_t>(i) * static_cast<size_t>(n);
    for (int64_t j = 0; j < n; ++j) v[j] = nd(rng) * (j % 32 == 0 ? spread(rng) : 1.0f) + (i % 3 == 1 ? 0.3f : 0.0f);
    k.quantize_row(v, r.bytes.data() + static_cast<size_t>(i) * r.row_bytes, n);
  }
  return r;
}

std::vector<GgmlType> tiled_formats() {
  std::vector<GgmlType> out;
  for (uint32_t id = 0; id < kGgmlTypeCount; ++id) {
    if (!is_known_type(id)) continue;
    const TypeKernels* k = kernels_for(static_cast<GgmlType>(id));
    if (k && k->vec_dot_tile) out.push_back(k->type);
  }
  return out;
}

TEST(QuantTile, MainFormatsHaveTiles) {
  for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::IQ4_NL,
                     GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
    const TypeKernels* k = kernels_for(t);
    const TypeKernels* s = scalar_kernels_for(t);
    ASSERT_NE(k, nullptr) << type_name(t);
    EXPECT_NE(k->vec_dot_tile, nullptr) << type_name(t);
    EXPECT_NE(k->vec_dot_tile_scalar, nullptr) << type_name(t);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->vec_dot_tile, s->vec_dot_tile_scalar) << type_name(t) << ": scalar table must use the twin";
    if (cpu_features().avx2_fma_f16c) {
      EXPECT_NE(k->vec_dot_tile, k->vec_dot_tile_scalar) << type_name(t);
    }
  }
}

TEST(QuantTile, FastAgreesWithScalarTwinAndIsTileShapeIndependent) {
  ASSERT_TRUE(cpu_features().avx2_fma_f16c) << "AVX2/FMA/F16C needed to compare the fast tiles";
  std::mt19937 rng(21);
  for (GgmlType type : tiled_formats()) {
    const TypeKernels& k = *kernels_for(type);
    const TypeKernels& ak = *kernels_for(k.vec_dot_type);
    const int64_t block = static_cast<int64_t>(type_info(type).block_size);
    for (int64_t n : {block, 3 * block, 4096 + 2 * block}) {
      if (n % static_cast<int64_t>(type_info(k.vec_dot_type).block_size) != 0) continue;
      const Rows w = make_rows(k, n, kTileRows, rng);
      const Rows a = make_rows(ak, n, kTileTokens, rng);
      // Reference: 1x1 tiles of the fast kernel; scalar twin for the whole tile.
      std::vector<float> one(kTileRows * kTileTokens), twin(kTileRows * kTileTokens);
      for (int t = 0; t < kTileTokens; ++t)
        for (int r = 0; r < kTileRows; ++r)
          k.vec_dot_tile(n, w.bytes.data() + r * w.row_bytes, w.row_bytes, 1, a.bytes.data() + t * a.row_bytes,
                         a.row_bytes, 1, &one[static_cast<size_t>(t * kTileRows + r)], kTileRows);
      k.vec_dot_tile_scalar(n, w.bytes.data(), w.row_bytes, kTileRows, a.bytes.data(), a.row_bytes, kTileTokens,
                            twin.data(), kTileRows);
      for (int t = 0; t < kTileTokens; ++t)
        for (int r = 0; r < kTileRows; ++r) {
          const size_t i = static_cast<size_t>(t * kTileRows + r);
          // Float summation order is all that differs: a few units of roundoff of sum |w * a|.
          double magnitude = 0;
          for (int64_t j = 0; j < n; ++j)
            magnitude += std::fabs(static_cast<double>(w.values[static_cast<size_t>(r * n + j)]) *
                                   a.values[static_cast<size_t>(t * n + j)]);
          const double tol = 2e-5 * magnitude + 1e-6;
          EXPECT_NEAR(one[i], twin[i], tol) << type_name(type) << " n=" << n << " r=" << r << " t=" << t;
          const float by_vec_dot =
              k.vec_dot(n, w.bytes.data() + r * w.row_bytes, a.bytes.data() + t * a.row_bytes);
          EXPECT_NEAR(one[i], by_vec_dot, tol) << type_name(type) << " n=" << n << " vs vec_dot";
        }
      // Every tile shape gives the 1x1 result bit for bit.
      for (int nr = 1; nr <= kTileRows; ++nr)
        for (int nt = 1; nt <= kTileTokens; ++nt) {
          std::vector<float> y(kTileRows * kTileTokens, -7.0f);
          k.vec_dot_tile(n, w.bytes.data(), w.row_bytes, nr, a.bytes.data(), a.row_bytes, nt, y.data(), kTileRows);
          for (int t = 0; t < kTileTokens; ++t)
            for (int r = 0; r < kTileRows; ++r) {
              const size_t i = static_cast<size_t>(t * kTileRows + r);
              if (r < nr && t < nt) {
                EXPECT_EQ(std::memcmp(&y[i], &one[i], sizeof(float)), 0)
                    << type_name(type) << " n=" << n << " tile " << nr << "x" << nt << " r=" << r << " t=" << t << ": "
                    << y[i] << " vs " << one[i];
              } else {
                EXPECT_EQ(y[i], -7.0f) << type_name(type) << ": wrote outside the tile";
              }
            }
        }
    }
  }
}

// The AVX-512 VNNI tiles against the AVX2 tiles of the same format: bit for bit (the same int32
// lanes and float steps, tile_kernels.h), for every tile shape and for odd block counts; and the
// kernel table installs them exactly when the CPU has them. (Against the scalar twin they are
// covered by the test above, which runs whatever kernels_for() picked.)
struct TilePair {
  GgmlType type;
  VecDotTileFn avx2, avx512;
  VecDotTileFn wide = nullptr;  // the 512-bit tile (avx512_wide_kernels), not bit-identical
};

TEST(QuantTile, Avx512TilesMatchAvx2TilesBitForBit) {
  const TilePair pairs[] = {
      {GgmlType::Q4_0, vec_dot_tile_q4_0_q8_0_avx2, vec_dot_tile_q4_0_q8_0_avx512, vec_dot_tile_q4_0_q8_0_avx512_wide},
      {GgmlType::Q5_0, vec_dot_tile_q5_0_q8_0_avx2, vec_dot_tile_q5_0_q8_0_avx512, vec_dot_tile_q5_0_q8_0_avx512_wide},
      {GgmlType::Q8_0, vec_dot_tile_q8_0_q8_0_avx2, vec_dot_tile_q8_0_q8_0_avx512, vec_dot_tile_q8_0_q8_0_avx512_wide},
      {GgmlType::Q4_K, vec_dot_tile_q4_K_q8_K_avx2, vec_dot_tile_q4_K_q8_K_avx512},
      {GgmlType::Q5_K, vec_dot_tile_q5_K_q8_K_avx2, vec_dot_tile_q5_K_q8_K_avx512},
      {GgmlType::Q6_K, vec_dot_tile_q6_K_q8_K_avx2, vec_dot_tile_q6_K_q8_K_avx512},
  };
  if (!cpu_features().avx512_vnni_kernels) {
    GTEST_SKIP() << "this CPU has no AVX-512 VNNI (or PAGEWISE_FORCE_AVX2 is set): AVX-512 tiles not compared";
  }
  std::mt19937 rng(77);
  for (const TilePair& p : pairs) {
    const TypeKernels& k = *kernels_for(p.type);
    const bool wide = cpu_features().avx512_wide_kernels && p.wide;
    EXPECT_EQ(k.vec_dot_tile, wide ? p.wide : p.avx512)
        << type_name(p.type) << ": the table must pick the " << (wide ? "512-bit" : "AVX-512") << " tile";
    const TypeKernels& ak = *kernels_for(k.vec_dot_type);
    const int64_t block = static_cast<int64_t>(type_info(p.type).block_size);
    for (int64_t n : {block, 3 * block, 2048 + block, 8 * block}) {
      // Rows several tiles long, as matvec walks them, with a stride that is not the row length.
      const int rows = kTileRows + 1;
      const Rows w = make_rows(k, n, rows, rng);
      const Rows a = make_rows(ak, n, kTileTokens, rng);
      for (int nr = 1; nr <= kTileRows; ++nr)
        for (int nt = 1; nt <= kTileTokens; ++nt)
          for (int first : {0, rows - nr}) {
            std::vector<float> y2(kTileRows * kTileTokens, -7.0f), y5(kTileRows * kTileTokens, -7.0f);
            const uint8_t* wr = w.bytes.data() + static_cast<size_t>(first) * w.row_bytes;
            p.avx2(n, wr, w.row_bytes, nr, a.bytes.data(), a.row_bytes, nt, y2.data(), kTileRows);
            p.avx512(n, wr, w.row_bytes, nr, a.bytes.data(), a.row_bytes, nt, y5.data(), kTileRows);
            for (size_t i = 0; i < y2.size(); ++i)
              EXPECT_EQ(std::memcmp(&y2[i], &y5[i], sizeof(float)), 0)
                  << type_name(p.type) << " n=" << n << " tile " << nr << "x" << nt << " at row " << first
                  << " output " << i << ": avx2 " << y2[i] << " vs avx512 " << y5[i];
          }
    }
  }
}

// Decode walks (vec_dot_rows: a tile walking a run of rows in one call, the K-quants two rows at
// a time or one, the 32-value formats four) against the same tile row by row: bit for bit, for
// run lengths that leave every possible remainder, at several row lengths (odd block counts too)
// and with a row stride longer than a row (as in a real tensor's slices); the AVX2 walks on any
// AVX2 CPU, the AVX-512 ones where the CPU has them; and the kernel table pairs every fast tile
// with its own walk.
struct WalkTier {
  VecDotRowsFn walk = nullptr;
  VecDotTileFn tile = nullptr;
  bool runs() const { return walk != nullptr; }
};
struct RowsKernels {
  GgmlType type;
  WalkTier avx2, avx512, wide;  // avx512: 256-bit VNNI tiles; wide: 512-bit (avx512_wide_kernels)
};

TEST(QuantTile, RowWalksMatchTheTilesRowByRowBitForBit) {
  // The formats without AVX-512 tiles walk with their AVX2 tile on every CPU.
  const RowsKernels walks[] = {
      {GgmlType::Q4_0,
       {vec_dot_rows_q4_0_q8_0_avx2, vec_dot_tile_q4_0_q8_0_avx2},
       {vec_dot_rows_q4_0_q8_0_avx512, vec_dot_tile_q4_0_q8_0_avx512},
       {vec_dot_rows_q4_0_q8_0_avx512_wide, vec_dot_tile_q4_0_q8_0_avx512_wide}},
      {GgmlType::Q4_1, {vec_dot_rows_q4_1_q8_1_avx2, vec_dot_tile_q4_1_q8_1_avx2}, {}, {}},
      {GgmlType::Q5_0,
       {vec_dot_rows_q5_0_q8_0_avx2, vec_dot_tile_q5_0_q8_0_avx2},
       {vec_dot_rows_q5_0_q8_0_avx512, vec_dot_tile_q5_0_q8_0_avx512},
       {vec_dot_rows_q5_0_q8_0_avx512_wide, vec_dot_tile_q5_0_q8_0_avx512_wide}},
      {GgmlType::Q5_1, {vec_dot_rows_q5_1_q8_1_avx2, vec_dot_tile_q5_1_q8_1_avx2}, {}, {}},
      {GgmlType::Q8_0,
       {vec_dot_rows_q8_0_q8_0_avx2, vec_dot_tile_q8_0_q8_0_avx2},
       {vec_dot_rows_q8_0_q8_0_avx512, vec_dot_tile_q8_0_q8_0_avx512},
       {vec_dot_rows_q8_0_q8_0_avx512_wide, vec_dot_tile_q8_0_q8_0_avx512_wide}},
      {GgmlType::IQ4_NL,
       {vec_dot_rows_iq4_nl_q8_0_avx2, vec_dot_tile_iq4_nl_q8_0_avx2},
       {},
       {vec_dot_rows_iq4_nl_q8_0_avx512_wide, vec_dot_tile_iq4_nl_q8_0_avx512_wide}},
      // No AVX2 tile: elsewhere the table has neither tile nor walk for IQ4_XS, Q2_K and Q3_K.
      {GgmlType::Q2_K, {}, {}, {vec_dot_rows_q2_K_q8_K_avx512_wide, vec_dot_tile_q2_K_q8_K_avx512_wide}},
      {GgmlType::IQ4_XS, {}, {}, {vec_dot_rows_iq4_xs_q8_K_avx512_wide, vec_dot_tile_iq4_xs_q8_K_avx512_wide}},
      {GgmlType::Q3_K, {}, {}, {vec_dot_rows_q3_K_q8_K_avx512_wide, vec_dot_tile_q3_K_q8_K_avx512_wide}},
      {GgmlType::Q4_K,
       {vec_dot_rows_q4_K_q8_K_avx2, vec_dot_tile_q4_K_q8_K_avx2},
       {vec_dot_rows_q4_K_q8_K_avx512, vec_dot_tile_q4_K_q8_K_avx512},
       {}},
      {GgmlType::Q5_K,
       {vec_dot_rows_q5_K_q8_K_avx2, vec_dot_tile_q5_K_q8_K_avx2},
       {vec_dot_rows_q5_K_q8_K_avx512, vec_dot_tile_q5_K_q8_K_avx512},
       {}},
      {GgmlType::Q6_K,
       {vec_dot_rows_q6_K_q8_K_avx2, vec_dot_tile_q6_K_q8_K_avx2},
       {vec_dot_rows_q6_K_q8_K_avx512, vec_dot_tile_q6_K_q8_K_avx512},
       {}},
  };
  if (!cpu_features().avx2_fma_f16c) {
    for (const GgmlType type : tiled_formats()) EXPECT_EQ(kernels_for(type)->vec_dot_rows, nullptr) << type_name(type);
    GTEST_SKIP() << "this CPU has no AVX2/FMA/F16C: no row walks to compare";
  }
  // Every format with a fast tile walks rows in decode.
  for (const GgmlType type : tiled_formats()) {
    bool listed = false;
    for (const RowsKernels& p : walks) listed = listed || p.type == type;
    EXPECT_TRUE(listed) << type_name(type) << " has a tile but no row walk in this test";
  }
  const bool vnni = cpu_features().avx512_vnni_kernels;
  const bool wide = cpu_features().avx512_wide_kernels;
  std::mt19937 rng(78);
  for (const RowsKernels& p : walks) {
    const TypeKernels& k = *kernels_for(p.type);
    // The table walks with the tile it picked.
    const WalkTier& picked = wide && p.wide.runs() ? p.wide : vnni && p.avx512.runs() ? p.avx512 : p.avx2;
    EXPECT_EQ(k.vec_dot_rows, picked.walk) << type_name(p.type) << ": the table's walk";
    EXPECT_EQ(k.vec_dot_tile, picked.tile) << type_name(p.type) << ": the table's tile";
    const TypeKernels& ak = *kernels_for(k.vec_dot_type);
    for (int64_t n : {int64_t{256}, int64_t{3 * 256}, int64_t{2048}, int64_t{2048 + 32}}) {
      if (n % static_cast<int64_t>(type_info(p.type).block_size) != 0) continue;
      constexpr int kRows = 9;
      const Rows dense = make_rows(k, n, kRows, rng);
      // The same rows with 64 bytes of junk after each: the walk must step by the stride.
      const size_t stride = dense.row_bytes + 64;
      std::vector<uint8_t> w(stride * kRows, 0xA5);
      for (int r = 0; r < kRows; ++r)
        std::memcpy(w.data() + r * stride, dense.bytes.data() + r * dense.row_bytes, dense.row_bytes);
      const Rows a = make_rows(ak, n, 1, rng);
      // Every tier this CPU runs, against its own tile row by row.
      for (const WalkTier* tier : {&p.avx2, vnni ? &p.avx512 : nullptr, wide ? &p.wide : nullptr}) {
        if (!tier || !tier->runs()) continue;
        const char* isa = tier == &p.avx2 ? " avx2" : tier == &p.avx512 ? " avx512" : " avx512 wide";
        std::vector<float> expect(kRows);
        for (int r = 0; r < kRows; ++r)
          tier->tile(n, w.data() + r * stride, stride, 1, a.bytes.data(), a.row_bytes, 1, &expect[r], 1);
        for (int first : {0, 1})
          for (int rows : {1, 2, 3, 4, 5, 6, 7, kRows - first}) {
            if (first + rows > kRows) continue;
            std::vector<float> y(kRows + 1, -7.0f);
            tier->walk(n, w.data() + first * stride, stride, rows, a.bytes.data(), y.data());
            for (int r = 0; r < rows; ++r)
              EXPECT_EQ(std::memcmp(&y[r], &expect[first + r], sizeof(float)), 0)
                  << type_name(p.type) << isa << " n=" << n << " rows " << first << ".." << first + rows << " row "
                  << first + r << ": " << y[r] << " vs tile " << expect[first + r];
            EXPECT_EQ(y[rows], -7.0f) << type_name(p.type) << isa << ": the walk wrote past its rows";
          }
      }
    }
  }
}

// The tolerance above must be far below what a real mistake changes: results of different
// weight rows against the same activations (what a wrong row, block or scale gives) spread over
// many times the tolerance.
TEST(QuantTile, ToleranceIsFarBelowRowToRowDifferences) {
  std::mt19937 rng(5);
  for (GgmlType type : tiled_formats()) {
    const TypeKernels& k = *kernels_for(type);
    const TypeKernels& ak = *kernels_for(k.vec_dot_type);
    const int64_t n = 1024;
    const int count = 8;
    const Rows w = make_rows(k, n, count, rng);
    const Rows a = make_rows(ak, n, 1, rng);
    double lo = 1e30, hi = -1e30, worst_tol = 0;
    for (int r = 0; r < count; ++r) {
      float y = 0;
      k.vec_dot_tile(n, w.bytes.data() + r * w.row_bytes, w.row_bytes, 1, a.bytes.data(), a.row_bytes, 1, &y, 1);
      double magnitude = 0;
      for (int64_t j = 0; j < n; ++j)
        magnitude += std::fabs(static_cast<double>(w.values[static_cast<size_t>(r * n + j)]) * a.values[static_cast<size_t>(j)]);
      lo = std::min<double>(lo, y);
      hi = std::max<double>(hi, y);
      worst_tol = std::max(worst_tol, 2e-5 * magnitude + 1e-6);
    }
    EXPECT_GT(hi - lo, 50 * worst_tol) << type_name(type);
  }
}

}  // namespace
}  // namespace pw::quant
