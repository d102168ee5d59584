// Tiles of dot products: several weight rows against several activation rows in one call, so a
// weight block is unpacked once for all the tokens of a tile and an activation block is loaded
// once for all its rows. compute::matvec (1 token) and the batched quantized path of
// compute::matmul (prompt processing) go through these; reach them via kernels.h
// (TypeKernels::vec_dot_tile), not by name.
//
//   // y[t * y_stride + r] = dot(weight row r, activation row t), r < nr <= kTileRows, t < nt <= kTileTokens
//   k->vec_dot_tile(n, W, w_row_bytes, 4, A, a_row_bytes, 2, y, rows);
//   // decode: y[r] = dot(weight row r, a) for r < rows, any number of consecutive rows
//   if (k->vec_dot_rows) k->vec_dot_rows(n, W, w_row_bytes, rows, a, y);
//
// Rules (must not change):
// - Each output is made of the same exact integer block sums as vec_dot, scaled and accumulated in
//   block order in one float accumulator per (row, token); the result of a pair never depends
//   on nr, nt or on which tile it was in. So matvec and the batched path give bit-identical
//   outputs for any thread count, tile split and batch size (the model tests rely on it).
// - Against vec_dot (and the scalar twins) only the order of float additions differs; the
//   tests bound that difference like vec_dot's own (tests/engine/quant_tile_test.cpp).
// - vec_dot_rows is the decode product of every fast tile: one token against a run of rows,
//   walked inside one call, so the tile's constants stay in registers and its setup and call are
//   paid once per run, not once per row. Q4_K/Q5_K walk with the 2-row tile (walk_rows); Q6_K
//   with the 1-row tile, because its tile already runs at memory speed and two row streams at
//   once cost it 4-6% when streaming; the 32-value formats with the 4-row tile (walk_rows_by),
//   except the 512-bit Q8_0 tile, which walks one row (wide_tile_kernels_avx512.cpp). Each
//   output is bit-identical to vec_dot_tile's for the same row (the same tile code computes it).
//   Measured 2026-11-22: 1-row tile calls per row cost Q4_K a tenth of its speed at 2048 columns
//   (8 super-blocks per row); see docs/engine-speed.md.
// - One tier per CPU serves decode and batches: the AVX2 tiles, the AVX-512 VNNI tiles (256-bit,
//   bit-identical to the AVX2 ones) or, for Q4_0/Q5_0/IQ4_NL/Q8_0/IQ4_XS/Q2_K/Q3_K on cores with AVX512-VBMI, the 512-bit
//   tiles (their float additions in another order: the last bits differ from the other tiers').
// - _avx2 functions only after cpu_features().avx2_fma_f16c. Their scalar twin is the format's
//   vec_dot_*_scalar applied pair by pair (vec_dot_tile_by_pairs below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

namespace pw::quant {

inline constexpr int kTileRows = 4;    // most weight rows per vec_dot_tile call
inline constexpr int kTileTokens = 2;  // most activation rows per vec_dot_tile call

// The fast tile files' one entry point per format: turns the run-time tile shape (nr rows, nt
// tokens) into compile-time constants, calling run.template operator()<NR, NT>() with NR in
// 1..kTileRows (any other nr takes the 1-row tile) and NT in 1..kTileTokens (nt 2, else 1).
//
//   dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { tile<Format, NR, NT>(n, w, ws, a, as, y, ys); });
template <class Run>
inline void dispatch_tile_shape(int nr, int nt, Run&& run) {
  static_assert(kTileRows == 4 && kTileTokens == 2);
  const auto tokens = [&]<int NR>() {
    if (nt == 2)
      run.template operator()<NR, 2>();
    else
      run.template operator()<NR, 1>();
  };
  switch (nr) {
    case 4: tokens.template operator()<4>(); break;
    case 3: tokens.template operator()<3>(); break;
    case 2: tokens.template operator()<2>(); break;
    default: tokens.template operator()<1>(); break;
  }
}

// The decode walk of a tile function that takes `groups` consecutive groups of NR rows per call:
// the rows G by G, then the last rows % G rows as one group of that height.
// run.template operator()<NR>(first_row, groups).
//
//   walk_rows_by<4>(rows, [&]<int NR>(int64_t first, int64_t groups) {
//     tile<NR, 1>(n, w + first * ws, ws, a, 0, y + first, 1, groups);
//   });
template <int G, class Run>
inline void walk_rows_by(int64_t rows, Run&& run) {
  if (rows >= G) run.template operator()<G>(0, rows / G);
  const int rest = static_cast<int>(rows % G);
  [&]<int... R>(std::integer_sequence<int, R...>) {
    ((rest == R + 1 ? run.template operator()<R + 1>(rows - rest, 1) : void()), ...);
  }(std::make_integer_sequence<int, G - 1>{});
}
// The K-quants' walk: two rows at a time, then the odd last row.
template <class Run>
inline void walk_rows(int64_t rows, Run&& run) {
  walk_rows_by<2>(rows, static_cast<Run&&>(run));
}

// A tile file's entry points from its tile template, wrapped as
//   template <typename F> struct Tiles {
//     template <int NR, int NT>
//     static void run(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
//                     int64_t groups) { tile<F, NR, NT>(n, w, ws, a, as, y, ys, groups); }
//   };
//   void vec_dot_tile_q4_0_q8_0_avx2(...) { tile_entry<Tiles<Q4_0>>(n, w, ws, nr, a, as, nt, y, ys); }
//   void vec_dot_rows_q4_0_q8_0_avx2(...) { rows_entry<Tiles<Q4_0>, kTileRows>(n, w, ws, rows, a, y); }
template <class Tiles>
inline void tile_entry(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt, float* y,
                       size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { Tiles::template run<NR, NT>(n, wb, ws, ab, as, y, ys, 1); });
}
// Decode: the rows G at a time, the rest as one smaller tile (walk_rows_by).
template <class Tiles, int G>
inline void rows_entry(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  walk_rows_by<G>(rows, [&]<int NR>(int64_t first, int64_t groups) {
    Tiles::template run<NR, 1>(n, wb + static_cast<size_t>(first) * ws, ws, ab, 0, y + first, 1, groups);
  });
}

// Fast tiles (AVX2, tile_kernels_avx2.cpp / k_tile_kernels_avx2.cpp).
void vec_dot_tile_q4_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);
void vec_dot_tile_q4_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);
void vec_dot_tile_q5_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);
void vec_dot_tile_q5_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);
void vec_dot_tile_q8_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);
void vec_dot_tile_iq4_nl_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys);
void vec_dot_tile_q4_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);
void vec_dot_tile_q5_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);
void vec_dot_tile_q6_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys);

// AVX-512 VNNI tiles (tile_kernels_avx512.cpp / k_tile_kernels_avx512.cpp): only when
// cpu_features().avx512_vnni_kernels. Bit-identical to the AVX2 tiles of the same format (the
// same int32 lanes, the same float steps), so either can serve decode and batched prompts.
void vec_dot_tile_q4_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys);
void vec_dot_tile_q5_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys);
void vec_dot_tile_q8_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys);
void vec_dot_tile_q4_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys);
void vec_dot_tile_q5_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys);
void vec_dot_tile_q6_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys);

// 512-bit tiles of the 32-value formats (wide_tile_kernels_avx512.cpp): only when
// cpu_features().avx512_wide_kernels. Two blocks per register; the float additions go in another
// order than the 256-bit tiles' (last bits differ), the same order for every tile shape and walk.
void vec_dot_tile_q4_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys);
void vec_dot_tile_q5_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys);
void vec_dot_tile_q8_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys);
void vec_dot_tile_iq4_nl_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                          int nt, float* y, size_t ys);
void vec_dot_rows_iq4_nl_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a,
                                          float* y);
void vec_dot_tile_iq4_xs_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                          int nt, float* y, size_t ys);
void vec_dot_rows_iq4_xs_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a,
                                          float* y);
void vec_dot_tile_q2_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys);
void vec_dot_rows_q2_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_tile_q3_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys);
void vec_dot_rows_q3_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q4_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q5_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q8_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);

// Decode products (y[r] = dot(row r at w + r * ws, a), r < rows): the tiles walking rows (the
// K-quants two rows at a time or one, the 32-value formats four at a time, kTileRows).
void vec_dot_rows_q4_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q4_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q5_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q5_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q8_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_iq4_nl_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q4_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q5_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q8_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q4_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q5_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q6_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q4_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q5_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);
void vec_dot_rows_q6_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y);

// Scalar twin of any tile: vec_dot (normally a format's vec_dot_*_scalar) per (row, token) pair.
template <float (*Dot)(int64_t, const void*, const void*)>
void vec_dot_tile_by_pairs(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt, float* y,
                           size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  for (int t = 0; t < nt; ++t)
    for (int r = 0; r < nr; ++r) y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = Dot(n, wb + r * ws, ab + t * as);
}

}  // namespace pw::quant
