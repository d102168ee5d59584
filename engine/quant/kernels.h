// One table of kernels per weight format, chosen at run time. Kernels know nothing of models.
//
//   const pw::quant::TypeKernels* k = pw::quant::kernels_for(pw::GgmlType::Q4_K);
//   if (!k) return Error(ErrorCode::Unsupported, "tensor type q4_K cannot be computed");
//   std::vector<uint8_t> act(*pw::row_size_bytes(k->vec_dot_type, n));
//   pw::quant::kernels_for(k->vec_dot_type)->quantize_row(x, act.data(), n);   // activations -> Q8_K
//   float y = k->vec_dot(n, weight_row, act.data());                          // fastest for this CPU
//   float y_ref = k->vec_dot_scalar(n, weight_row, act.data());               // plain C++ twin
//
// Rules (must not change):
// - Every format has a scalar reference kernel; fast kernels (files *_avx2.cpp, built with
//   -mavx2 -mfma -mf16c) are installed into `vec_dot`/`dequantize_row` only when CPUID says
//   the CPU has them (engine/quant/cpu_features.h). Tests compare fast against scalar.
// - Block layouts are ggml's exactly (engine/tensor/ggml_type.h).
// - `n` is always a multiple of the type's block size; callers check that.
#pragma once

#include <cstdint>

#include "engine/tensor/ggml_type.h"

namespace pw::quant {

// src: n values in this type's layout -> dst: n floats.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
// src: n floats -> dst: this type's layout. The reference quantization (round-to-nearest or
// ggml's error-minimising search for K-quants), used for activations and by the quantizer.
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Dot product of one weight row (this type) with one activation row already quantized to
// `vec_dot_type`, over n values.
using VecDotFn = float (*)(int64_t n, const void* weight_row, const void* act_row);

struct TypeKernels {
  GgmlType type;
  GgmlType vec_dot_type;            // format activations are converted to for vec_dot
  DequantizeRowFn dequantize_row;   // fastest available
  DequantizeRowFn dequantize_row_scalar;
  QuantizeRowFn quantize_row;       // may be null for formats we only read
  VecDotFn vec_dot;                 // fastest available; may be null (activation-only formats)
  VecDotFn vec_dot_scalar;
};

// nullptr when this build cannot compute with the type.
const TypeKernels* kernels_for(GgmlType type);

// Kernels with only the scalar code paths, for tests and for PAGEWISE_FORCE_SCALAR=1.
const TypeKernels* scalar_kernels_for(GgmlType type);

}  // namespace pw::quant
