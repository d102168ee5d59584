// Batched products for prompt processing: a panel of g->rows weight rows, unpacked once into
// a layout the inner loop reads with plain loads, multiplied with many activation rows.
// compute::matmul reaches these through TypeKernels::gemm (kernels.h), not by name.
//
//   const pw::quant::GemmKernels* g = pw::quant::kernels_for(pw::GgmlType::Q4_K)->gemm;
//   std::vector<uint8_t, aligned> panel(g->panel_bytes(n));              // 64-byte aligned
//   g->pack(n, W + r0 * w_row_bytes, w_row_bytes, nr, panel.data());     // rows r0 .. r0+nr-1, nr <= g->rows
//   // acts: rows of the format's vec_dot_type, or g->quantize_acts rows when that is set
//   g->run(n, panel.data(), nr, acts, act_row_bytes, n_tokens, Y + r0, rows);
//   // Y[t * rows + r0 + r] = dot(W row r0 + r, activation row t) for r < nr, t < n_tokens
//
// Why: the prompt path multiplies every weight row with hundreds of tokens. Unpacking nibbles,
// high bits and 6-bit scales costs as much as the multiply itself when it is redone per token
// pair (the vec_dot tiles); here it is done once per row, and the inner loop is only
// maddubs + madd + add per 32 values and (row, token) pair.
//
// Rules (must not change):
// - Each output is the same exact integer block sums as the format's vec_dot_tile; the AVX2
//   panels also scale and accumulate them in the tiles' order, so they are bit-identical to
//   vec_dot_tile_*_avx2 (tested); the VNNI panels agree within float rounding (tested against
//   the scalar twin). Results never depend on nr, n_tokens, the panel a row falls in or the
//   thread count.
// - The activation rows are the format's vec_dot_type (Q8_K for the K-quants), as for vec_dot,
//   unless quantize_acts is set (the VNNI Q4_0/Q5_0/Q8_0 panels: Q8_0 codes + 128 and float
//   scales, the same integers as quantize_row_q8_0 gives).
// - `panel` is 64-byte aligned scratch of panel_bytes(n) bytes owned by the caller (one per
//   thread); pack() overwrites it. _avx2 kernels only after cpu_features().avx2_fma_f16c,
//   _avx512 ones only after cpu_features().avx512_vnni_kernels (kernel_table.cpp); the
//   scalar twin (gemm_scalar_kernels) keeps the raw rows and calls vec_dot_scalar per pair.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/tensor/ggml_type.h"

namespace pw::quant {

inline constexpr int kGemmRows = 4;       // weight rows per panel of the AVX2 panels and the scalar twin

enum class GemmTier { Scalar, Avx2, Avx512Vnni };

struct GemmKernels {
  // Bytes of one panel for rows of n values.
  size_t (*panel_bytes)(int64_t n);
  // Unpacks nr (1..rows) rows, w_stride bytes apart, into `panel`.
  void (*pack)(int64_t n, const void* w, size_t w_stride, int nr, void* panel);
  // y[t * y_stride + r] = dot(row r of the panel, activation row t at a + t * a_stride),
  // r < nr, t < nt.
  void (*run)(int64_t n, const void* panel, int nr, const void* a, size_t a_stride, int64_t nt, float* y,
              size_t y_stride);
  int rows;       // weight rows per panel (kGemmRows, or 16 for the VNNI panels)
  GemmTier tier;  // which instruction set; compute::matmul picks thresholds by it
  // Own activation layout, or null when run() reads rows of the format's vec_dot_type. When
  // set, the caller quantizes each activation row with quantize_acts (act_row_bytes(n) bytes,
  // 64-byte aligned rows) instead of the vec_dot_type's quantize_row.
  size_t (*act_row_bytes)(int64_t n);
  void (*quantize_acts)(const float* x, void* dst, int64_t n);
};

// AVX2 panels (gemm_k_avx2.cpp); null for formats without one.
const GemmKernels* gemm_kernels_avx2(GgmlType type);
// AVX-512 VNNI panels (gemm_k_avx512.cpp, gemm_legacy_avx512.cpp): 16 rows per panel, one row
// per 32-bit lane, vpdpbusd; not bit-identical to the tiles (blocks are scaled in another
// order), tested against the scalar twin within float rounding. Null for formats without one.
// Only when cpu_features().avx512_vnni_kernels.
const GemmKernels* gemm_kernels_avx512(GgmlType type);
// The plain twin of any format with a scalar vec_dot: raw rows, vec_dot_scalar per pair.
const GemmKernels* gemm_scalar_kernels(GgmlType type);

}  // namespace pw::quant
