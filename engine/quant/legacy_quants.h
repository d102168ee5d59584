// Kernels of the float formats (F32, F16, BF16) and ggml's 32-value block formats (Q4_0, Q4_1,
// Q5_0, Q5_1, Q8_0, Q8_1, IQ4_NL). Most code reaches them through the table in
// engine/quant/kernels.h; tests and benchmarks call them by name.
//
//   std::vector<uint8_t> w(*pw::row_size_bytes(pw::GgmlType::Q4_0, n));
//   pw::quant::quantize_row_q4_0(weights_f32, w.data(), n);          // like llama-quantize
//   std::vector<uint8_t> a(*pw::row_size_bytes(pw::GgmlType::Q8_0, n));
//   pw::quant::quantize_row_q8_0(act_f32, a.data(), n);              // activations
//   float y = pw::quant::vec_dot_q4_0_q8_0_scalar(n, w.data(), a.data());
//
// Naming: dequantize_row_<t>, quantize_row_<t>, vec_dot_<weight>_<activation>_{scalar,avx2}.
// Functions ending in _avx2 live in *_avx2.cpp files and may only be called when
// cpu_features().avx2_fma_f16c is true. Every _avx2 function has a plain twin here that it must
// agree with: bit for bit for dequantize_row and quantize_row, within float rounding for vec_dot.
// `n` is a multiple of 32 for the block formats (callers check it); any n >= 0 for F32/F16/BF16.
//
// Two quantizers for Q8_0 and Q8_1, on purpose:
// - quantize_row_q8_0 / _q8_1 (+ _avx2) quantize activations the way ggml's x86 AVX2 code does:
//   scale 127 / amax, rounding half to even (vroundps). ggml's matmul on an AVX2 machine (the
//   reference fixtures) uses exactly this, so matching it keeps our logits closest to the
//   goldens, and the scalar twin uses the same rules so the two agree byte for byte.
// - quantize_row_q8_0_reference / _q8_1_reference are ggml's quantize_row_q8_*_ref (inverse
//   scale 1 / (amax / 127), roundf: half away from zero), which llama-quantize uses to write
//   Q8_0 model files; our quantizer uses them so its files match llama.cpp's byte for byte.
// The two differ only on rare ties and last-bit scale differences.
#pragma once

#include <cstdint>

namespace pw::quant {

// ---- F32 (vec_dot activations: F32) ----
void dequantize_row_f32(const void* src, float* dst, int64_t n);  // copy
void quantize_row_f32(const float* src, void* dst, int64_t n);    // copy
float vec_dot_f32_f32_scalar(int64_t n, const void* x, const void* y);
float vec_dot_f32_f32_avx2(int64_t n, const void* x, const void* y);

// ---- F16 (activations rounded to F16 like ggml) ----
void dequantize_row_f16(const void* src, float* dst, int64_t n);
void dequantize_row_f16_avx2(const void* src, float* dst, int64_t n);
void quantize_row_f16(const float* src, void* dst, int64_t n);       // nearest even
void quantize_row_f16_avx2(const float* src, void* dst, int64_t n);
float vec_dot_f16_f16_scalar(int64_t n, const void* x, const void* y);
float vec_dot_f16_f16_avx2(int64_t n, const void* x, const void* y);

// ---- BF16 (activations rounded to BF16) ----
void dequantize_row_bf16(const void* src, float* dst, int64_t n);
void dequantize_row_bf16_avx2(const void* src, float* dst, int64_t n);
void quantize_row_bf16(const float* src, void* dst, int64_t n);      // nearest even, NaN kept
void quantize_row_bf16_avx2(const float* src, void* dst, int64_t n);
float vec_dot_bf16_bf16_scalar(int64_t n, const void* x, const void* y);
float vec_dot_bf16_bf16_avx2(int64_t n, const void* x, const void* y);

// ---- Q4_0 x Q8_0 ----
void dequantize_row_q4_0(const void* src, float* dst, int64_t n);
void dequantize_row_q4_0_avx2(const void* src, float* dst, int64_t n);
void quantize_row_q4_0(const float* src, void* dst, int64_t n);   // ggml quantize_row_q4_0_ref
float vec_dot_q4_0_q8_0_scalar(int64_t n, const void* x, const void* y);
float vec_dot_q4_0_q8_0_avx2(int64_t n, const void* x, const void* y);

// ---- Q4_1 x Q8_1 ----
void dequantize_row_q4_1(const void* src, float* dst, int64_t n);
void dequantize_row_q4_1_avx2(const void* src, float* dst, int64_t n);
void quantize_row_q4_1(const float* src, void* dst, int64_t n);   // ggml quantize_row_q4_1_ref
float vec_dot_q4_1_q8_1_scalar(int64_t n, const void* x, const void* y);
float vec_dot_q4_1_q8_1_avx2(int64_t n, const void* x, const void* y);

// ---- Q5_0 x Q8_0 ----
void dequantize_row_q5_0(const void* src, float* dst, int64_t n);
void dequantize_row_q5_0_avx2(const void* src, float* dst, int64_t n);
void quantize_row_q5_0(const float* src, void* dst, int64_t n);   // ggml quantize_row_q5_0_ref
float vec_dot_q5_0_q8_0_scalar(int64_t n, const void* x, const void* y);
float vec_dot_q5_0_q8_0_avx2(int64_t n, const void* x, const void* y);

// ---- Q5_1 x Q8_1 ----
void dequantize_row_q5_1(const void* src, float* dst, int64_t n);
void dequantize_row_q5_1_avx2(const void* src, float* dst, int64_t n);
void quantize_row_q5_1(const float* src, void* dst, int64_t n);   // ggml quantize_row_q5_1_ref
float vec_dot_q5_1_q8_1_scalar(int64_t n, const void* x, const void* y);
float vec_dot_q5_1_q8_1_avx2(int64_t n, const void* x, const void* y);

// ---- Q8_0 (weights x Q8_0, and the activation format of Q4_0/Q5_0/Q8_0/IQ4_NL) ----
void dequantize_row_q8_0(const void* src, float* dst, int64_t n);
void dequantize_row_q8_0_avx2(const void* src, float* dst, int64_t n);
void quantize_row_q8_0(const float* src, void* dst, int64_t n);            // activations
void quantize_row_q8_0_avx2(const float* src, void* dst, int64_t n);       // same bytes
void quantize_row_q8_0_reference(const float* src, void* dst, int64_t n);  // model files
float vec_dot_q8_0_q8_0_scalar(int64_t n, const void* x, const void* y);
float vec_dot_q8_0_q8_0_avx2(int64_t n, const void* x, const void* y);

// ---- Q8_1 (activation format of Q4_1/Q5_1; no weights of this type) ----
void dequantize_row_q8_1(const void* src, float* dst, int64_t n);
void quantize_row_q8_1(const float* src, void* dst, int64_t n);            // activations
void quantize_row_q8_1_avx2(const float* src, void* dst, int64_t n);       // same bytes
void quantize_row_q8_1_reference(const float* src, void* dst, int64_t n);  // ggml's _ref

// ---- IQ4_NL x Q8_0 ----
void dequantize_row_iq4_nl(const void* src, float* dst, int64_t n);
void dequantize_row_iq4_nl_avx2(const void* src, float* dst, int64_t n);
// ggml's quantize_iq4_nl without importance matrix (what llama-quantize writes): per block an
// error-minimising scale search over 15 candidates, weights x^2.
void quantize_row_iq4_nl(const float* src, void* dst, int64_t n);
float vec_dot_iq4_nl_q8_0_scalar(int64_t n, const void* x, const void* y);
float vec_dot_iq4_nl_q8_0_avx2(int64_t n, const void* x, const void* y);

}  // namespace pw::quant
