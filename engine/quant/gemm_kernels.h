// Batched products for prompt processing: a panel of kGemmRows weight rows, unpacked once into
// a layout the inner loop reads with plain loads, multiplied with many activation rows.
// compute::matmul reaches these through TypeKernels::gemm (kernels.h), not by name.
//
//   const pw::quant::GemmKernels* g = pw::quant::kernels_for(pw::GgmlType::Q4_K)->gemm;
//   std::vector<uint8_t, aligned> panel(g->panel_bytes(n));              // 32-byte aligned
//   g->pack(n, W + r0 * w_row_bytes, w_row_bytes, nr, panel.data());     // rows r0 .. r0+nr-1
//   g->run(n, panel.data(), nr, acts, act_row_bytes, n_tokens, Y + r0, rows);
//   // Y[t * rows + r0 + r] = dot(W row r0 + r, activation row t) for r < nr, t < n_tokens
//
// Why: the prompt path multiplies every weight row with hundreds of tokens. Unpacking nibbles,
// high bits and 6-bit scales costs as much as the multiply itself when it is redone per token
// pair (the vec_dot tiles); here it is done once per row, and the inner loop is only
// maddubs + madd + add per 32 values and (row, token) pair.
//
// Rules (must not change):
// - Each output is the same exact integer block sums as the format's vec_dot_tile, scaled and
//   accumulated in the same order, so gemm and the tiles agree (the AVX2 K-quant panels are
//   bit-identical to vec_dot_tile_*_avx2; tested), and results never depend on nr, n_tokens,
//   the panel a row falls in or the thread count.
// - The activation rows are the format's vec_dot_type (Q8_K for the K-quants), as for vec_dot.
// - `panel` is 32-byte aligned scratch of panel_bytes(n) bytes owned by the caller (one per
//   thread); pack() overwrites it. _avx2 kernels only after cpu_features().avx2_fma_f16c; the
//   scalar twin (gemm_scalar_kernels) keeps the raw rows and calls vec_dot_scalar per pair.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/tensor/ggml_type.h"

namespace pw::quant {

inline constexpr int kGemmRows = 4;  // weight rows per panel

struct GemmKernels {
  // Bytes of one panel for rows of n values.
  size_t (*panel_bytes)(int64_t n);
  // Unpacks nr (1..kGemmRows) rows, w_stride bytes apart, into `panel`.
  void (*pack)(int64_t n, const void* w, size_t w_stride, int nr, void* panel);
  // y[t * y_stride + r] = dot(row r of the panel, activation row t at a + t * a_stride),
  // r < nr, t < nt.
  void (*run)(int64_t n, const void* panel, int nr, const void* a, size_t a_stride, int64_t nt, float* y,
              size_t y_stride);
};

// AVX2 panels (gemm_k_avx2.cpp); null for formats without one.
const GemmKernels* gemm_kernels_avx2(GgmlType type);
// The plain twin of any format with a scalar vec_dot: raw rows, vec_dot_scalar per pair.
const GemmKernels* gemm_scalar_kernels(GgmlType type);

}  // namespace pw::quant
