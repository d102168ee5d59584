// AVX2/FMA/F16C kernels of the plain float formats (twins of float_formats.cpp).
//
// Dot products: 4 independent accumulators of 8 lanes (32 products per step) hide the FMA
// latency; each lane sums about n/32 exact-product FMAs, so the float32 result is within
// (n/32 + 40) * 2^-24 * sum|x*y| of the exact value (the tail adds at most 31 + 5 roundings).
// Conversions (F16 <-> F32, BF16 <-> F32) are exact or round to nearest even exactly like
// engine/tensor/fp16.h, so dequantize/quantize agree with the scalar twins bit for bit.
//
// Tails (n not a multiple of 8) go through the same vector code on a zero-padded copy instead
// of calling the inline scalar helpers of fp16.h: an inline function compiled here with AVX2
// could be the copy the linker keeps for the whole program, and would then crash old CPUs.
#include <immintrin.h>

#include <cstring>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_quants.h"

namespace pw::quant {
namespace {

inline __m256 load_f16x8(const uint16_t* p) { return _mm256_cvtph_ps(avx2::load128(p)); }

inline __m256 load_bf16x8(const uint16_t* p) {
  const __m256i wide = _mm256_cvtepu16_epi32(avx2::load128(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

// Shared skeleton of the three dot products: Load(p) returns 8 floats starting at element p.
// Pass a lambda, not a function name: a function pointer is not inlined by GCC here and costs
// a call per 8 values (measured 4x slower).
template <typename T, typename Load>
float dot_fma(int64_t n, const T* a, const T* b, Load load) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm256_fmadd_ps(load(a + i + 0), load(b + i + 0), acc0);
    acc1 = _mm256_fmadd_ps(load(a + i + 8), load(b + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(load(a + i + 16), load(b + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(load(a + i + 24), load(b + i + 24), acc3);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(load(a + i), load(b + i), acc0);
  if (i < n) {  // 1..7 left: zero padding adds exact zeros
    T ta[8] = {}, tb[8] = {};
    std::memcpy(ta, a + i, static_cast<size_t>(n - i) * sizeof(T));
    std::memcpy(tb, b + i, static_cast<size_t>(n - i) * sizeof(T));
    acc1 = _mm256_fmadd_ps(load(ta), load(tb), acc1);
  }
  return avx2::hsum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
}

// Runs `body(src8, dst8)` on whole groups of 8 and once more on a padded copy of the rest.
template <typename Src, typename Dst, typename Body>
void by_eight(const Src* src, Dst* dst, int64_t n, Body body) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) body(src + i, dst + i);
  if (i < n) {
    Src s[8] = {};
    Dst d[8];
    std::memcpy(s, src + i, static_cast<size_t>(n - i) * sizeof(Src));
    body(s, d);
    std::memcpy(dst + i, d, static_cast<size_t>(n - i) * sizeof(Dst));
  }
}

}  // namespace

float vec_dot_f32_f32_avx2(int64_t n, const void* x, const void* y) {
  return dot_fma(
      n, static_cast<const float*>(x), static_cast<const float*>(y),
      [](const float* p) { return _mm256_loadu_ps(p); });
}

void dequantize_row_f16_avx2(const void* src, float* dst, int64_t n) {
  by_eight(static_cast<const uint16_t*>(src), dst, n,
           [](const uint16_t* s, float* d) { _mm256_storeu_ps(d, load_f16x8(s)); });
}

void quantize_row_f16_avx2(const float* src, void* dst, int64_t n) {
  by_eight(src, static_cast<uint16_t*>(dst), n, [](const float* s, uint16_t* d) {
    const __m128i abs_mask = _mm_set1_epi16(0x7FFF);
    const __m128i inf = _mm_set1_epi16(0x7C00);
    const __m128i quiet_nan = _mm_set1_epi16(0x7E00);
    const __m128i sign = _mm_set1_epi16(static_cast<short>(0x8000));
    __m128i r = _mm256_cvtps_ph(_mm256_loadu_ps(s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // F16C keeps NaN payload bits; the scalar conversion (fp16.h) makes every NaN the plain
    // quiet NaN. Follow the scalar rule so both paths give the same bytes for any input.
    const __m128i is_nan = _mm_cmpgt_epi16(_mm_and_si128(r, abs_mask), inf);
    const __m128i canonical = _mm_or_si128(_mm_and_si128(r, sign), quiet_nan);
    r = _mm_blendv_epi8(r, canonical, is_nan);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), r);
  });
}

float vec_dot_f16_f16_avx2(int64_t n, const void* x, const void* y) {
  return dot_fma(
      n, static_cast<const uint16_t*>(x), static_cast<const uint16_t*>(y),
      [](const uint16_t* p) { return load_f16x8(p); });
}

void dequantize_row_bf16_avx2(const void* src, float* dst, int64_t n) {
  by_eight(static_cast<const uint16_t*>(src), dst, n,
           [](const uint16_t* s, float* d) { _mm256_storeu_ps(d, load_bf16x8(s)); });
}

void quantize_row_bf16_avx2(const float* src, void* dst, int64_t n) {
  by_eight(src, static_cast<uint16_t*>(dst), n, [](const float* s, uint16_t* d) {
    const __m256i u = _mm256_castps_si256(_mm256_loadu_ps(s));
    // Round to nearest even on the upper 16 bits, as fp32_to_bf16 does; NaN keeps its top
    // bits and gets the quiet bit.
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    const __m256i biased = _mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7FFF), lsb));
    const __m256i rounded = _mm256_srli_epi32(biased, 16);
    const __m256i nan = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
    const __m256i is_nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, _mm256_set1_epi32(0x7FFFFFFF)),
                                              _mm256_set1_epi32(0x7F800000));
    const __m256i r = _mm256_blendv_epi8(rounded, nan, is_nan);  // 8 x uint32, each <= 0xFFFF
    // packus works within 128-bit lanes: lane 0 gives values 0..3, lane 1 values 4..7.
    const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), packed);
  });
}

float vec_dot_bf16_bf16_avx2(int64_t n, const void* x, const void* y) {
  return dot_fma(
      n, static_cast<const uint16_t*>(x), static_cast<const uint16_t*>(y),
      [](const uint16_t* p) { return load_bf16x8(p); });
}

}  // namespace pw::quant
