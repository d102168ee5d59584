// AVX2 dequantization of Q2_K .. Q6_K and IQ4_XS (prefill dequantizes weight tiles to f32). Bit-identical
// to the scalar twins in k_quants_dequant.cpp: per sub-block the float scale and min are
// computed with the same scalar operations, then value = scale*q - min with two separate
// roundings. Built with -mavx2 -mfma -mf16c; call only after cpu_features().avx2_fma_f16c.
//
// Must not change: the `keep_rounded` barrier between multiply and subtract. GCC contracts
// a*b - c into one FMA even in ISO C++ mode once -mfma is on, which would round once instead
// of twice and break bit-exactness with the scalar kernels (and with ggml).
#include <immintrin.h>

#include <type_traits>

#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/tensor/fp16.h"

namespace pw::quant {
namespace {

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// Forces the rounded product into a register so the compiler cannot fuse it into an FMA.
inline __m256 keep_rounded(__m256 v) {
  __asm__("" : "+x"(v));
  return v;
}

// 16 int8 quants (signed) -> out[0..15] = scale*q - min.
inline void write16_affine(float* out, __m128i q, float scale, float min) {
  const __m256 vs = _mm256_set1_ps(scale), vm = _mm256_set1_ps(min);
  const __m256 f0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q));
  const __m256 f1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(q, 8)));
  _mm256_storeu_ps(out, _mm256_sub_ps(keep_rounded(_mm256_mul_ps(vs, f0)), vm));
  _mm256_storeu_ps(out + 8, _mm256_sub_ps(keep_rounded(_mm256_mul_ps(vs, f1)), vm));
}

// 16 int8 quants (signed) -> out[0..15] = scale*q (formats without mins: no subtraction, so
// a zero keeps the sign the scalar kernel gives it).
inline void write16_scaled(float* out, __m128i q, float scale) {
  const __m256 vs = _mm256_set1_ps(scale);
  _mm256_storeu_ps(out, _mm256_mul_ps(vs, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q))));
  _mm256_storeu_ps(out + 8, _mm256_mul_ps(vs, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(q, 8)))));
}

inline __m128i lane0(__m256i v) { return _mm256_castsi256_si128(v); }
inline __m128i lane1(__m256i v) { return _mm256_extracti128_si256(v, 1); }

template <typename Block>
void dequantize_k4_layout(const Block* blocks, float* dst, int64_t n) {
  constexpr bool kHasFifthBit = std::is_same_v<Block, BlockQ5K>;
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const Block& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d), dmin = fp16_to_fp32(blk.dmin);
    uint8_t scales[8], mins[8];
    unpack_scales_mins_k4(blk.scales, scales, mins);
    float* out = dst + b * kQK_K;
    __m256i qh = _mm256_setzero_si256();
    if constexpr (kHasFifthBit) qh = load32(blk.qh);
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {
      const __m256i q = load32(blk.qs + 32 * p);
      __m256i lo = _mm256_and_si256(q, low4);
      __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
      if constexpr (kHasFifthBit) {
        lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(qh, 4), bit4));
        hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_slli_epi16(qh, 3), bit4));
        qh = _mm256_srli_epi16(qh, 2);
      }
#pragma GCC unroll 2
      for (int half = 0; half < 2; ++half) {
        const int sub = 2 * p + half;
        const __m256i v = half == 0 ? lo : hi;
        const float scale = d * static_cast<float>(scales[sub]);
        const float min = dmin * static_cast<float>(mins[sub]);
        write16_affine(out + 32 * sub, lane0(v), scale, min);
        write16_affine(out + 32 * sub + 16, lane1(v), scale, min);
      }
    }
  }
}

}  // namespace

void dequantize_row_q4_K_avx2(const void* src, float* dst, int64_t n) {
  dequantize_k4_layout(static_cast<const BlockQ4K*>(src), dst, n);
}

void dequantize_row_q5_K_avx2(const void* src, float* dst, int64_t n) {
  dequantize_k4_layout(static_cast<const BlockQ5K*>(src), dst, n);
}

void dequantize_row_q2_K_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ2K*>(src);
  const __m256i low2 = _mm256_set1_epi8(0x03);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ2K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d), dmin = fp16_to_fp32(blk.dmin);
    float* out = dst + b * kQK_K;
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      __m256i q2 = load32(blk.qs + 32 * h);
#pragma GCC unroll 4
      for (int g = 0; g < 4; ++g) {
        const __m256i q = _mm256_and_si256(q2, low2);
        q2 = _mm256_srli_epi16(q2, 2);
        const int sub = 8 * h + 2 * g;  // first of the two 16-value sub-blocks in q
#pragma GCC unroll 2
        for (int k = 0; k < 2; ++k) {
          const uint8_t sc = blk.scales[sub + k];
          const float scale = d * static_cast<float>(sc & 0x0F);
          const float min = dmin * static_cast<float>(sc >> 4);
          write16_affine(out + 16 * (sub + k), k == 0 ? lane0(q) : lane1(q), scale, min);
        }
      }
    }
  }
}

void dequantize_row_q3_K_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ3K*>(src);
  const __m256i low2 = _mm256_set1_epi8(0x03);
  const __m256i bit2 = _mm256_set1_epi8(0x04);
  const __m256i four = _mm256_set1_epi8(4);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ3K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    int8_t scales[16];
    unpack_scales_q3_K(blk.scales, scales);
    float* out = dst + b * kQK_K;
    __m256i hm = load32(blk.hmask);
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      __m256i q2 = load32(blk.qs + 32 * h);
#pragma GCC unroll 4
      for (int g = 0; g < 4; ++g) {
        const __m256i u = _mm256_or_si256(_mm256_and_si256(q2, low2), _mm256_and_si256(_mm256_slli_epi16(hm, 2), bit2));
        const __m256i q = _mm256_sub_epi8(u, four);
        q2 = _mm256_srli_epi16(q2, 2);
        hm = _mm256_srli_epi16(hm, 1);
        const int sub = 8 * h + 2 * g;
        write16_scaled(out + 16 * sub, lane0(q), d * static_cast<float>(scales[sub]));
        write16_scaled(out + 16 * (sub + 1), lane1(q), d * static_cast<float>(scales[sub + 1]));
      }
    }
  }
}

void dequantize_row_q6_K_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ6K*>(src);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  const __m256i off = _mm256_set1_epi8(32);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ6K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    float* out = dst + b * kQK_K;
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      const __m256i ql0 = load32(blk.ql + 64 * h);
      const __m256i ql1 = load32(blk.ql + 64 * h + 32);
      const __m256i qh = load32(blk.qh + 32 * h);
      const __m256i q[4] = {
          _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45)),
          _mm256_or_si256(_mm256_and_si256(ql1, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45)),
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4), _mm256_and_si256(qh, bits45)),
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                          _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45)),
      };
#pragma GCC unroll 4
      for (int g = 0; g < 4; ++g) {
        const __m256i v = _mm256_sub_epi8(q[g], off);
        const int sub = 8 * h + 2 * g;
        write16_scaled(out + 16 * sub, lane0(v), d * static_cast<float>(blk.scales[sub]));
        write16_scaled(out + 16 * (sub + 1), lane1(v), d * static_cast<float>(blk.scales[sub + 1]));
      }
    }
  }
}

void dequantize_row_iq4_xs_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockIQ4XS*>(src);
  const __m128i table = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIQ4NLValues));
  const __m128i low4 = _mm_set1_epi8(0x0F);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockIQ4XS& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    float* out = dst + b * kQK_K;
#pragma GCC unroll 8
    for (int sub = 0; sub < 8; ++sub) {
      const int ls = ((blk.scales_l[sub / 2] >> (4 * (sub % 2))) & 0x0F) | (((blk.scales_h >> (2 * sub)) & 3) << 4);
      const float scale = d * static_cast<float>(ls - 32);
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.qs + 16 * sub));
      // Low nibbles are values 0..15 of the sub-block, high nibbles 16..31; the level table
      // is looked up with pshufb.
      write16_scaled(out + 32 * sub, _mm_shuffle_epi8(table, _mm_and_si128(q, low4)), scale);
      write16_scaled(out + 32 * sub + 16, _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(q, 4), low4)), scale);
    }
  }
}

}  // namespace pw::quant
