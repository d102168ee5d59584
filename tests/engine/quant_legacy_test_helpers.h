// Shared helpers of the quant_legacy_*_test.cpp files: the list of formats with their kernels,
// test data generators, and an independent decoder of block codes used to bound dot-product
// rounding.
//
//   for (const auto& f : pw::quant::testing::legacy_formats()) { ... f.dequantize(...) ... }
//   std::vector<float> x = pw::quant::testing::varied_floats(rng, 256);
//   double b = pw::quant::testing::dot_magnitude(f.type, w.data(), a.data(), n);
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "engine/quant/kernels.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"
#include "engine/tensor/fp16.h"
#include "engine/tensor/ggml_type.h"

namespace pw::quant::testing {

struct LegacyFormat {
  std::string name;
  GgmlType type;
  GgmlType act_type;
  DequantizeRowFn dequantize;
  DequantizeRowFn dequantize_avx2;  // same as dequantize for F32 (a copy has no SIMD twin)
  QuantizeRowFn quantize;           // the reference (model file) quantizer
  VecDotFn dot;
  VecDotFn dot_avx2;
  int block;                        // 1 for F32/F16/BF16, 32 otherwise
};

inline const std::vector<LegacyFormat>& legacy_formats() {
  using T = GgmlType;
  static const std::vector<LegacyFormat> formats = {
      {"F32", T::F32, T::F32, dequantize_row_f32, dequantize_row_f32, quantize_row_f32,
       vec_dot_f32_f32_scalar, vec_dot_f32_f32_avx2, 1},
      {"F16", T::F16, T::F16, dequantize_row_f16, dequantize_row_f16_avx2, quantize_row_f16,
       vec_dot_f16_f16_scalar, vec_dot_f16_f16_avx2, 1},
      {"BF16", T::BF16, T::BF16, dequantize_row_bf16, dequantize_row_bf16_avx2, quantize_row_bf16,
       vec_dot_bf16_bf16_scalar, vec_dot_bf16_bf16_avx2, 1},
      {"Q4_0", T::Q4_0, T::Q8_0, dequantize_row_q4_0, dequantize_row_q4_0_avx2, quantize_row_q4_0,
       vec_dot_q4_0_q8_0_scalar, vec_dot_q4_0_q8_0_avx2, 32},
      {"Q4_1", T::Q4_1, T::Q8_1, dequantize_row_q4_1, dequantize_row_q4_1_avx2, quantize_row_q4_1,
       vec_dot_q4_1_q8_1_scalar, vec_dot_q4_1_q8_1_avx2, 32},
      {"Q5_0", T::Q5_0, T::Q8_0, dequantize_row_q5_0, dequantize_row_q5_0_avx2, quantize_row_q5_0,
       vec_dot_q5_0_q8_0_scalar, vec_dot_q5_0_q8_0_avx2, 32},
      {"Q5_1", T::Q5_1, T::Q8_1, dequantize_row_q5_1, dequantize_row_q5_1_avx2, quantize_row_q5_1,
       vec_dot_q5_1_q8_1_scalar, vec_dot_q5_1_q8_1_avx2, 32},
      {"Q8_0", T::Q8_0, T::Q8_0, dequantize_row_q8_0, dequantize_row_q8_0_avx2,
       quantize_row_q8_0_reference, vec_dot_q8_0_q8_0_scalar, vec_dot_q8_0_q8_0_avx2, 32},
      {"IQ4_NL", T::IQ4_NL, T::Q8_0, dequantize_row_iq4_nl, dequantize_row_iq4_nl_avx2,
       quantize_row_iq4_nl, vec_dot_iq4_nl_q8_0_scalar, vec_dot_iq4_nl_q8_0_avx2, 32},
  };
  return formats;
}

inline std::string format_name(const ::testing::TestParamInfo<LegacyFormat>& info) { return info.param.name; }
inline void PrintTo(const LegacyFormat& f, std::ostream* os) { *os << f.name; }

// The AVX2 kernels are called by name in these tests; the machine must have the instructions
// (every x86-64 CPU since 2013). Failing instead of skipping keeps a lost comparison visible.
inline bool has_avx2_fma_f16c() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

inline size_t row_bytes(GgmlType t, int64_t n) {
  const auto bytes = row_size_bytes(t, static_cast<uint64_t>(n));
  EXPECT_TRUE(bytes.has_value()) << type_name(t) << " n=" << n;
  return bytes ? static_cast<size_t>(*bytes) : 0;
}

// Weights-like data: per block of 32 a different magnitude (1e-4 .. 100), normal values, and
// now and then an outlier, a zero block, a block of equal values or of exact half-steps.
inline std::vector<float> varied_floats(std::mt19937& rng, int64_t n) {
  std::vector<float> x(static_cast<size_t>(n));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 19);
  const float scales[] = {1e-4f, 0.02f, 0.5f, 1.0f, 3.0f, 100.0f};
  for (int64_t b = 0; b < n; b += 32) {
    const int64_t end = std::min<int64_t>(n, b + 32);
    const int kind = pick(rng);
    const float scale = scales[pick(rng) % 6];
    for (int64_t i = b; i < end; ++i) {
      float v = normal(rng) * scale;
      if (kind == 0) v = 0.0f;
      if (kind == 1) v = scale;
      if (kind == 2) v = static_cast<float>(static_cast<int>(normal(rng) * 40.0f)) * 0.5f;  // ties
      if (kind == 3 && i == b + 5) v = scale * 40.0f;                                     // outlier
      x[static_cast<size_t>(i)] = v;
    }
  }
  return x;
}

// Quantizes activations with the scalar activation quantizer of `act_type`.
inline std::vector<uint8_t> quantize_activations(GgmlType act_type, const std::vector<float>& x) {
  const auto n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> out(row_bytes(act_type, n));
  const TypeKernels* k = scalar_kernels_for(act_type);
  EXPECT_NE(k, nullptr);
  if (k && !out.empty()) k->quantize_row_scalar(x.data(), out.data(), n);
  return out;
}

// Codes and scales of one block or element, decoded independently of the kernels.
struct Decoded {
  double d = 1.0;   // scale (1 for float formats: the value itself is the code)
  double m = 0.0;   // minimum (Q4_1/Q5_1) or d*sum (Q8_1 `s`)
  double q[32] = {};
  int count = 32;
};

inline uint32_t qh_bits(const uint8_t* qh) {
  uint32_t v;
  std::memcpy(&v, qh, sizeof v);
  return v;
}

// Element or block `i` of a row of type t.
inline Decoded decode(GgmlType t, const void* row, int64_t i) {
  Decoded r;
  const auto* bytes = static_cast<const uint8_t*>(row);
  const auto nib = [](const uint8_t* qs, int j) { return j < 16 ? (qs[j] & 0x0F) : (qs[j - 16] >> 4); };
  switch (t) {
    case GgmlType::F32: {
      float v;
      std::memcpy(&v, bytes + 4 * i, 4);
      r.count = 1;
      r.q[0] = v;
      return r;
    }
    case GgmlType::F16:
    case GgmlType::BF16: {
      uint16_t h;
      std::memcpy(&h, bytes + 2 * i, 2);
      r.count = 1;
      r.q[0] = t == GgmlType::F16 ? fp16_to_fp32(h) : bf16_to_fp32(h);
      return r;
    }
    case GgmlType::Q4_0: {
      const auto& b = static_cast<const BlockQ4_0*>(row)[i];
      r.d = fp16_to_fp32(b.d);
      for (int j = 0; j < 32; ++j) r.q[j] = nib(b.qs, j) - 8;
      return r;
    }
    case GgmlType::Q4_1: {
      const auto& b = static_cast<const BlockQ4_1*>(row)[i];
      r.d = fp16_to_fp32(b.d);
      r.m = fp16_to_fp32(b.m);
      for (int j = 0; j < 32; ++j) r.q[j] = nib(b.qs, j);
      return r;
    }
    case GgmlType::Q5_0: {
      const auto& b = static_cast<const BlockQ5_0*>(row)[i];
      r.d = fp16_to_fp32(b.d);
      for (int j = 0; j < 32; ++j) r.q[j] = (nib(b.qs, j) | static_cast<int>(((qh_bits(b.qh) >> j) & 1u) << 4)) - 16;
      return r;
    }
    case GgmlType::Q5_1: {
      const auto& b = static_cast<const BlockQ5_1*>(row)[i];
      r.d = fp16_to_fp32(b.d);
      r.m = fp16_to_fp32(b.m);
      for (int j = 0; j < 32; ++j) r.q[j] = nib(b.qs, j) | static_cast<int>(((qh_bits(b.qh) >> j) & 1u) << 4);
      return r;
    }
    case GgmlType::Q8_0: {
      const auto& b = static_cast<const BlockQ8_0*>(row)[i];
      r.d = fp16_to_fp32(b.d);
      for (int j = 0; j < 32; ++j) r.q[j] = b.qs[j];
      return r;
    }
    case GgmlType::Q8_1: {
      const auto& b = static_cast<const BlockQ8_1*>(row)[i];
      r.d = fp16_to_fp32(b.d);
      r.m = fp16_to_fp32(b.s);
      for (int j = 0; j < 32; ++j) r.q[j] = b.qs[j];
      return r;
    }
    case GgmlType::IQ4_NL: {
      const auto& b = static_cast<const BlockIq4Nl*>(row)[i];
      r.d = fp16_to_fp32(b.d);
      for (int j = 0; j < 32; ++j) r.q[j] = kIq4NlValues[nib(b.qs, j)];
      return r;
    }
    default:
      ADD_FAILURE() << "no test decoder for " << type_name(t);
      return r;
  }
}

// B = sum over blocks of |dx*dy| * sum_j |qx_j*qy_j| (+ |m * s| for Q4_1/Q5_1): the size of
// the terms a dot product adds up, which bounds its float rounding error (see the kernels).
// For float formats it is sum |x_i * y_i|.
inline double dot_magnitude(GgmlType wt, GgmlType at, const void* w, const void* a, int64_t n) {
  const int block = type_info(wt).block_size;
  double total = 0.0;
  for (int64_t i = 0; i < n / block; ++i) {
    const Decoded x = decode(wt, w, i);
    const Decoded y = decode(at, a, i);
    double s = 0.0;
    for (int j = 0; j < x.count; ++j) s += std::fabs(x.q[j] * y.q[j]);
    total += std::fabs(static_cast<double>(static_cast<float>(x.d) * static_cast<float>(y.d))) * s;
    if (wt == GgmlType::Q4_1 || wt == GgmlType::Q5_1) total += std::fabs(x.m * y.m);
  }
  return total;
}

// Exact (double) dot product of the decoded blocks, with the F32 scale product the kernels use.
inline double exact_dot(GgmlType wt, GgmlType at, const void* w, const void* a, int64_t n) {
  const int block = type_info(wt).block_size;
  double total = 0.0;
  for (int64_t i = 0; i < n / block; ++i) {
    const Decoded x = decode(wt, w, i);
    const Decoded y = decode(at, a, i);
    double s = 0.0;
    for (int j = 0; j < x.count; ++j) s += x.q[j] * y.q[j];
    total += static_cast<double>(static_cast<float>(x.d) * static_cast<float>(y.d)) * s;
    if (wt == GgmlType::Q4_1 || wt == GgmlType::Q5_1) total += static_cast<double>(static_cast<float>(x.m) * static_cast<float>(y.m));
  }
  return total;
}

inline bool same_float_bits(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return fp32_to_bits(a) == fp32_to_bits(b);
}

}  // namespace pw::quant::testing
