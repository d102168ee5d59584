// K-quant weight formats (Q2_K .. Q6_K), their activation format Q8_K, and IQ4_XS, in ggml's
// exact block layouts (super-blocks of 256 values), so GGUF files from the hubs are used as they
// are and files we write load in other GGUF readers.
//
//   std::vector<uint8_t> w(*pw::row_size_bytes(pw::GgmlType::Q4_K, n));
//   pw::quant::quantize_row_q4_K(weights_f32, w.data(), n);        // error-minimising search
//   std::vector<uint8_t> a(*pw::row_size_bytes(pw::GgmlType::Q8_K, n));
//   pw::quant::quantize_row_q8_K(activations_f32, a.data(), n);    // round-to-nearest, f32 scale
//   float y = pw::quant::vec_dot_q4_K_q8_K_scalar(n, w.data(), a.data());
//   if (pw::quant::cpu_features().avx2_fma_f16c) y = pw::quant::vec_dot_q4_K_q8_K_avx2(n, w.data(), a.data());
//
// Normally reached through the kernel table (engine/quant/kernels.h), not called directly.
//
// Rules (must not change):
// - `n` is a multiple of 256 (kQK_K); callers check. Pointers need only 2-byte alignment
//   (block sizes are even; Q8_K buffers, which hold an f32, are 4-byte aligned by their owner).
// - Block layouts below are ggml's byte for byte (engine/tensor/ggml_type.h has the sizes).
// - *_avx2 functions are compiled with -mavx2 -mfma -mf16c and may only be called after
//   cpu_features().avx2_fma_f16c. Each has a scalar twin: dequantize and quantize_row_q8_K give
//   bit-identical results; vec_dot sums the same exact integer partial sums per block and
//   differs only in the order of the final float additions.
// - Quantizers never produce NaN/Inf for finite input: scales too large for F16 saturate to the
//   largest finite half instead of becoming infinite.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pw::quant {

inline constexpr int kQK_K = 256;  // values per super-block for every format in this header

// ---- Block layouts (ggml's; the names of the fields are ggml's too, for cross-reading) -------
// F16 fields are raw IEEE half bits (engine/tensor/fp16.h converts them).

// 2.625 bits/value: 16 sub-blocks of 16; value = d*scale_j*q - dmin*min_j, q in 0..3.
struct BlockQ2K {
  uint8_t scales[kQK_K / 16];  // low nibble: scale_j, high nibble: min_j (4 bits each)
  uint8_t qs[kQK_K / 4];       // 2-bit quants: byte 32*h+l holds values 128*h+32*g+l at bits 2g
  uint16_t d;                  // F16 super-scale of the scales
  uint16_t dmin;               // F16 super-scale of the mins
};

// 3.4375 bits/value: 16 sub-blocks of 16; value = d*(scale_j-32)*(q-4), q in 0..7.
struct BlockQ3K {
  uint8_t hmask[kQK_K / 8];  // bit (4h+g) of hmask[l] = high bit (value 4) of value 128h+32g+l
  uint8_t qs[kQK_K / 4];     // low 2 bits, arranged like BlockQ2K::qs
  uint8_t scales[12];        // 16 6-bit scales: low nibbles in bytes 0..7, high pairs in 8..11
  uint16_t d;                // F16
};

// 4.5 bits/value: 8 sub-blocks of 32; value = d*scale_j*q - dmin*min_j, q in 0..15.
struct BlockQ4K {
  uint16_t d;           // F16 super-scale of the scales
  uint16_t dmin;        // F16 super-scale of the mins
  uint8_t scales[12];   // 8 6-bit scales + 8 6-bit mins (packing: unpack_scales_mins_k4)
  uint8_t qs[kQK_K / 2];  // byte 32*p+l: low nibble value 64p+l, high nibble value 64p+32+l
};

// 5.5 bits/value: like Q4_K plus a fifth bit; q in 0..31.
struct BlockQ5K {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[12];
  uint8_t qh[kQK_K / 8];  // bit k of qh[l] = high bit (value 16) of value 32k+l
  uint8_t qs[kQK_K / 2];  // low 4 bits, arranged like BlockQ4K::qs
};

// 6.5625 bits/value: 16 sub-blocks of 16; value = d*scale_j*(q-32), q in 0..63.
struct BlockQ6K {
  uint8_t ql[kQK_K / 2];      // low 4 bits: ql[64h+l] = values 128h+l (lo), 128h+64+l (hi);
                              //             ql[64h+32+l] = values 128h+32+l, 128h+96+l
  uint8_t qh[kQK_K / 4];      // high 2 bits: qh[32h+l] bits 2g..2g+1 = value 128h+32g+l
  int8_t scales[kQK_K / 16];  // signed 8-bit sub-block scales
  uint16_t d;                 // F16
};

// Activations: value = d*qs[i]; bsums[j] = sum of qs[16j..16j+15] (used for the K-quant mins).
struct BlockQ8K {
  float d;
  int8_t qs[kQK_K];
  int16_t bsums[kQK_K / 16];
};

// 4.25 bits/value: 8 sub-blocks of 32; value = d*(scale_j-32)*kIQ4NLValues[q], q in 0..15.
struct BlockIQ4XS {
  uint16_t d;                // F16
  uint16_t scales_h;         // high 2 bits of the 6-bit scale j at bits 2j..2j+1
  uint8_t scales_l[kQK_K / 64];  // low 4 bits of scale j: nibble j%2 of byte j/2
  uint8_t qs[kQK_K / 2];     // byte 16j+l: low nibble value 32j+l, high nibble value 32j+16+l
};

// The 16 non-linear levels of IQ4_NL / IQ4_XS (ggml's table; part of the format).
inline constexpr int8_t kIQ4NLValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                             1,    13,   25,  38,  53,  69,  89,  113};

static_assert(sizeof(BlockQ2K) == 84, "Q2_K block layout");
static_assert(sizeof(BlockQ3K) == 110, "Q3_K block layout");
static_assert(sizeof(BlockQ4K) == 144, "Q4_K block layout");
static_assert(sizeof(BlockQ5K) == 176, "Q5_K block layout");
static_assert(sizeof(BlockQ6K) == 210, "Q6_K block layout");
static_assert(sizeof(BlockQ8K) == 292, "Q8_K block layout");
static_assert(sizeof(BlockIQ4XS) == 136, "IQ4_XS block layout");

// Q4_K/Q5_K pack 8 scales and 8 mins (6 bits each) into 12 bytes: scale j and min j for j < 4
// are bytes j and j+4 (low 6 bits); for j >= 4 their low nibbles are byte j+4 (scale: low
// nibble, min: high nibble) and their top two bits are the top bits of bytes j-4 and j.
void unpack_scales_mins_k4(const uint8_t packed[12], uint8_t scales[8], uint8_t mins[8]);
// Q3_K packs 16 6-bit scales into 12 bytes; returns them with the +32 bias removed.
void unpack_scales_q3_K(const uint8_t packed[12], int8_t scales[16]);

// ---- Kernels --------------------------------------------------------------------------------

void dequantize_row_q2_K(const void* src, float* dst, int64_t n);
void dequantize_row_q3_K(const void* src, float* dst, int64_t n);
void dequantize_row_q4_K(const void* src, float* dst, int64_t n);
void dequantize_row_q5_K(const void* src, float* dst, int64_t n);
void dequantize_row_q6_K(const void* src, float* dst, int64_t n);
void dequantize_row_q8_K(const void* src, float* dst, int64_t n);
void dequantize_row_iq4_xs(const void* src, float* dst, int64_t n);

void dequantize_row_q2_K_avx2(const void* src, float* dst, int64_t n);
void dequantize_row_q3_K_avx2(const void* src, float* dst, int64_t n);
void dequantize_row_q4_K_avx2(const void* src, float* dst, int64_t n);
void dequantize_row_q5_K_avx2(const void* src, float* dst, int64_t n);
void dequantize_row_q6_K_avx2(const void* src, float* dst, int64_t n);
void dequantize_row_iq4_xs_avx2(const void* src, float* dst, int64_t n);

// Reference quantizers (no importance matrix): error-minimising searches for sub-block scales
// (and mins) as in ggml, the sub-block scales quantized against an F16 super-scale, then the
// best neighbouring integer scale per sub-block. Error 1-13% below ggml's reference quantizers;
// the bytes therefore differ from llama-quantize's (the format does not).
void quantize_row_q2_K(const float* src, void* dst, int64_t n);
void quantize_row_q3_K(const float* src, void* dst, int64_t n);
void quantize_row_q4_K(const float* src, void* dst, int64_t n);
void quantize_row_q5_K(const float* src, void* dst, int64_t n);
void quantize_row_q6_K(const float* src, void* dst, int64_t n);
void quantize_row_iq4_xs(const float* src, void* dst, int64_t n);

// Activations -> Q8_K: d = max|x|/127 (sign chosen like ggml), round to nearest even; the same
// bytes as ggml. Quants stay within [-127, 127]; the IQ4_XS AVX2 dot relies on that.
void quantize_row_q8_K(const float* src, void* dst, int64_t n);
void quantize_row_q8_K_avx2(const float* src, void* dst, int64_t n);

float vec_dot_q2_K_q8_K_scalar(int64_t n, const void* w, const void* act);
float vec_dot_q3_K_q8_K_scalar(int64_t n, const void* w, const void* act);
float vec_dot_q4_K_q8_K_scalar(int64_t n, const void* w, const void* act);
float vec_dot_q5_K_q8_K_scalar(int64_t n, const void* w, const void* act);
float vec_dot_q6_K_q8_K_scalar(int64_t n, const void* w, const void* act);
float vec_dot_iq4_xs_q8_K_scalar(int64_t n, const void* w, const void* act);

float vec_dot_q2_K_q8_K_avx2(int64_t n, const void* w, const void* act);
float vec_dot_q3_K_q8_K_avx2(int64_t n, const void* w, const void* act);
float vec_dot_q4_K_q8_K_avx2(int64_t n, const void* w, const void* act);
float vec_dot_q5_K_q8_K_avx2(int64_t n, const void* w, const void* act);
float vec_dot_q6_K_q8_K_avx2(int64_t n, const void* w, const void* act);
float vec_dot_iq4_xs_q8_K_avx2(int64_t n, const void* w, const void* act);

}  // namespace pw::quant
