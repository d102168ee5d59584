// Helpers shared by the AVX-512 VNNI panels (gemm_k_avx512.cpp, gemm_legacy_avx512.cpp); only
// for files built with the *_avx512.cpp flags.
//
//   __m512i m[16];                 // m[r]: 16 dwords of row r (4 codes of 16 value groups)
//   avx512::transpose16(m);        // m[g]: dword g of every row, row r in lane r
//
// Why: the panels keep one weight row per 32-bit lane; packing turns 16 unpacked rows into
// that layout with 64 shuffles per 16 x 16 dwords instead of 256 scalar copies.
#pragma once

#include <immintrin.h>

// GCC 12's _mm512_cvtepi32_ps and _mm512_unpack*_epi32 pass _mm512_undefined_*() as the unused
// merge source and then warn that it is (or may be) used uninitialized: a false positive in its
// own header. Only the *_avx512.cpp files include this one.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace pw::quant::avx512 {

// In place: m[r] lane g  ->  m[g] lane r.
inline void transpose16(__m512i m[16]) {
  __m512i t[16], u[16];
  for (int i = 0; i < 8; ++i) {  // pairs of rows: per 128-bit lane a0 b0 a1 b1 / a2 b2 a3 b3
    t[2 * i] = _mm512_unpacklo_epi32(m[2 * i], m[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(m[2 * i], m[2 * i + 1]);
  }
  for (int q = 0; q < 4; ++q) {  // quads of rows: u[4q + e] lane L = rows 4q..4q+3, element 4L + e
    u[4 * q + 0] = _mm512_unpacklo_epi64(t[4 * q], t[4 * q + 2]);
    u[4 * q + 1] = _mm512_unpackhi_epi64(t[4 * q], t[4 * q + 2]);
    u[4 * q + 2] = _mm512_unpacklo_epi64(t[4 * q + 1], t[4 * q + 3]);
    u[4 * q + 3] = _mm512_unpackhi_epi64(t[4 * q + 1], t[4 * q + 3]);
  }
  for (int e = 0; e < 4; ++e) {  // 128-bit lanes: element 4L + e gathers lane L of the 4 quads
    const __m512i x0 = _mm512_shuffle_i32x4(u[e], u[4 + e], 0x44);
    const __m512i x1 = _mm512_shuffle_i32x4(u[e], u[4 + e], 0xEE);
    const __m512i y0 = _mm512_shuffle_i32x4(u[8 + e], u[12 + e], 0x44);
    const __m512i y1 = _mm512_shuffle_i32x4(u[8 + e], u[12 + e], 0xEE);
    m[e] = _mm512_shuffle_i32x4(x0, y0, 0x88);
    m[4 + e] = _mm512_shuffle_i32x4(x0, y0, 0xDD);
    m[8 + e] = _mm512_shuffle_i32x4(x1, y1, 0x88);
    m[12 + e] = _mm512_shuffle_i32x4(x1, y1, 0xDD);
  }
}

}  // namespace pw::quant::avx512
