// One table of kernels per weight format, chosen at run time. Kernels know nothing of models.
//
//   const pw::quant::TypeKernels* k = pw::quant::kernels_for(pw::GgmlType::Q4_K);
//   if (!k) return Error(ErrorCode::Unsupported, "tensor type q4_K cannot be computed");
//   std::vector<uint8_t> act(*pw::row_size_bytes(k->vec_dot_type, n));
//   pw::quant::kernels_for(k->vec_dot_type)->quantize_row(x, act.data(), n);   // activations -> Q8_K
//   float y = k->vec_dot(n, weight_row, act.data());                          // fastest for this CPU
//   float y_ref = k->vec_dot_scalar(n, weight_row, act.data());               // plain C++ twin
//   if (k->vec_dot_tile) k->vec_dot_tile(n, W, w_row_bytes, 4, acts, act_row_bytes, 2, y, rows);  // 4x2 outputs
//   kernels_for(GgmlType::Q8_0)->quantize_row_reference(w, out, n);          // model files, like llama-quantize
//
// Rules (must not change):
// - Every format has a scalar reference kernel; fast kernels (files *_avx2.cpp, built with
//   -mavx2 -mfma -mf16c) are installed into `vec_dot`/`dequantize_row`/`quantize_row` only
//   when CPUID says the CPU has them (engine/quant/cpu_features.h). Tests compare fast
//   against scalar.
// - Block layouts are ggml's exactly (engine/tensor/ggml_type.h).
// - `n` is always a multiple of the type's block size; callers check that.
// - quantize_row and quantize_row_scalar give identical bytes; vec_dot agrees with
//   vec_dot_scalar within float rounding; dequantize_row with dequantize_row_scalar bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/tensor/ggml_type.h"

namespace pw::quant {

struct GemmKernels;  // engine/quant/gemm_kernels.h

// src: n values in this type's layout -> dst: n floats.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
// src: n floats -> dst: this type's layout.
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Dot product of one weight row (this type) with one activation row already quantized to
// `vec_dot_type`, over n values.
using VecDotFn = float (*)(int64_t n, const void* weight_row, const void* act_row);
// nr (1..kTileRows) weight rows x nt (1..kTileTokens) activation rows in one call
// (engine/quant/tile_kernels.h): y[t * y_stride + r] = dot(row r at w + r * w_stride,
// activation row t at a + t * a_stride).
using VecDotTileFn = void (*)(int64_t n, const void* w, size_t w_stride, int nr, const void* a, size_t a_stride,
                              int nt, float* y, size_t y_stride);
// Decode product of one activation row against `rows` consecutive weight rows (tile_kernels.h):
// y[r] = dot(row r at w + r * w_stride, a), each bit-identical to vec_dot_tile's output for that row.
using VecDotRowsFn = void (*)(int64_t n, const void* w, size_t w_stride, int64_t rows, const void* a, float* y);

struct TypeKernels {
  GgmlType type;
  GgmlType vec_dot_type;            // format activations are converted to for vec_dot
  DequantizeRowFn dequantize_row;   // fastest available; null only for Q8_K without one
  DequantizeRowFn dequantize_row_scalar;
  // Activation path: what vec_dot of the formats whose vec_dot_type is this one expects. For
  // Q8_0/Q8_1 this follows ggml's AVX2 rounding (half to even, scale 127/amax); for the other
  // formats it is the reference quantizer below. May be null for formats we only read.
  QuantizeRowFn quantize_row;             // fastest available
  QuantizeRowFn quantize_row_scalar;      // plain twin, identical bytes
  // Model-file path: ggml's reference quantizer as llama-quantize runs it without importance
  // matrix (round-to-nearest formulas, or the error-minimising search of K-quants/IQ4), so our
  // quantized files match llama.cpp's byte for byte. Differs from quantize_row only for Q8_0
  // and Q8_1 (roundf and scale 1/d). May be null.
  QuantizeRowFn quantize_row_reference;
  VecDotFn vec_dot;                 // fastest available; null for activation-only formats
  VecDotFn vec_dot_scalar;
  // Tiles of vec_dot (decode: 4 rows x 1 token; prompt: 4 rows x 2 tokens), the same exact
  // integer block sums per pair; see tile_kernels.h. Null for formats without a tile kernel:
  // callers then use vec_dot pair by pair. vec_dot_tile_scalar is the twin tests compare with.
  VecDotTileFn vec_dot_tile = nullptr;
  VecDotTileFn vec_dot_tile_scalar = nullptr;
  // Decode (one token, any number of rows) in one call, where that is faster than tile calls
  // row by row (the K-quants' fast tiles); null otherwise: callers then use vec_dot_tile.
  VecDotRowsFn vec_dot_rows = nullptr;
  // Prompt-processing panels (gemm_kernels.h): fastest available and the scalar twin. Null for
  // formats without them (compute::matmul then uses the tiles or dequantize + sgemm).
  const GemmKernels* gemm = nullptr;
  const GemmKernels* gemm_scalar = nullptr;
};

// nullptr when this build cannot compute with the type.
const TypeKernels* kernels_for(GgmlType type);

// Kernels with only the scalar code paths, for tests and for PAGEWISE_FORCE_SCALAR=1.
const TypeKernels* scalar_kernels_for(GgmlType type);

}  // namespace pw::quant
