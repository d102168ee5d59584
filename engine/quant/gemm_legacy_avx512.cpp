// AVX-512 VNNI panels of the 32-value formats Q4_0, Q5_0 and Q8_0 for prompt processing; see
// gemm_kernels.h.
//
// Layout ("rows in lanes"): a panel is 16 weight rows. Per 32-value block it holds, for each of
// the 8 groups of 4 consecutive values, one 64-byte vector with 4 signed codes of every row
// (row r in 32-bit lane r: Q4_0 q-8, Q5_0 q-16, Q8_0 q), then -128 * (sum of the row's 32
// codes) per lane, then the rows' F16 scales as floats. The activations get their own layout
// (quantize_acts): Q8_0 codes exactly as quantize_row_q8_0 makes them, stored as unsigned
// a + 128 (one XOR), then the block scales as floats.
//
// Inner loop per block and token: 8 x vpdpbusd(acc, broadcast 4 activation bytes, codes) gives
// every row's sum of (a + 128) * w; starting acc at -128 * sum(w) leaves the exact integer block
// sum of a * w that the tiles compute. Then one convert and one FMA by d_w * d_a per block and
// 16 rows. No horizontal sums: 16 outputs per vector. The weights' 8 vectors stay in registers
// for up to 8 tokens.
#include <immintrin.h>

#include <cstring>

#include "engine/quant/gemm_avx512_common.h"
#include "engine/quant/gemm_kernels.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"

namespace pw::quant {
namespace {

constexpr int P = 16;  // rows per panel: one 32-bit lane each
constexpr int kGroups = kLegacyBlock / 4;

struct alignas(64) Block {
  int8_t w[kGroups][P][4];
  int32_t corr[P];  // -128 * sum of the row's codes in this block
  float d[P];
};
static_assert(sizeof(Block) == 640);

size_t panel_bytes(int64_t n) { return static_cast<size_t>(n / kLegacyBlock) * sizeof(Block); }

// One block of one row as 32 signed codes in value order (returned in a register: storing
// them and reloading for the row sum stalled on store forwarding), and its scale in d.
template <GgmlType T>
__m256i unpack(const uint8_t* row, int64_t b, float& d) {
  if constexpr (T == GgmlType::Q8_0) {
    const auto* x = reinterpret_cast<const BlockQ8_0*>(row) + b;
    d = _cvtsh_ss(x->d);
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x->qs));
  } else if constexpr (T == GgmlType::Q4_0) {
    const auto* x = reinterpret_cast<const BlockQ4_0*>(row) + b;
    d = _cvtsh_ss(x->d);
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x->qs));
    const __m128i low4 = _mm_set1_epi8(0x0F);
    const __m256i nib = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), low4), _mm_and_si128(q, low4));
    return _mm256_sub_epi8(nib, _mm256_set1_epi8(8));
  } else {
    static_assert(T == GgmlType::Q5_0);
    const auto* x = reinterpret_cast<const BlockQ5_0*>(row) + b;
    d = _cvtsh_ss(x->d);
    uint32_t qh;
    std::memcpy(&qh, x->qh, 4);
    // Bit j of qh -> 0x10 in byte j: each byte of qh broadcast to its 8 bytes, tested per bit.
    const __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(qh)),
                                              _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2,
                                                               2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
    const __m256i bit = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
    const __m256i hi = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(bytes, bit), bit), _mm256_set1_epi8(0x10));
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x->qs));
    const __m128i low4 = _mm_set1_epi8(0x0F);
    const __m256i nib = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), low4), _mm_and_si128(q, low4));
    return _mm256_sub_epi8(_mm256_or_si256(nib, hi), _mm256_set1_epi8(16));
  }
}

// Sum of 32 signed codes.
inline int32_t sum32(__m256i v) {
  const __m256i s16 = _mm256_maddubs_epi16(_mm256_set1_epi8(1), v);  // pairs, exact
  const __m256i s32 = _mm256_madd_epi16(s16, _mm256_set1_epi16(1));
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(s32), _mm256_extracti128_si256(s32, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// Two blocks at a time: 16 rows x 64 codes transposed in registers (row r in lane r).
template <GgmlType T>
void pack(int64_t n, const void* w, size_t ws, int nr, void* panel) {
  auto* out = static_cast<Block*>(panel);
  const int64_t nb = n / kLegacyBlock;
  for (int64_t b = 0; b < nb; b += 2) {
    const int blocks = b + 1 < nb ? 2 : 1;
    __m512i m[P];
    for (int r = 0; r < P; ++r) {
      __m256i q[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
      for (int i = 0; i < blocks; ++i) {
        Block& pb = out[b + i];
        if (r >= nr) {  // missing rows: zero codes and scale, never stored by run()
          pb.corr[r] = 0;
          pb.d[r] = 0.0f;
          continue;
        }
        q[i] = unpack<T>(static_cast<const uint8_t*>(w) + static_cast<size_t>(r) * ws, b + i, pb.d[r]);
        pb.corr[r] = -128 * sum32(q[i]);
      }
      m[r] = _mm512_inserti64x4(_mm512_castsi256_si512(q[0]), q[1], 1);
    }
    avx512::transpose16(m);
    for (int i = 0; i < blocks; ++i)
      for (int g = 0; g < kGroups; ++g) _mm512_store_si512(out[b + i].w[g], m[kGroups * i + g]);
  }
}

// Activation row: n unsigned codes (Q8_0 code + 128), then n / 32 float scales.
size_t act_row_bytes(int64_t n) {
  return (static_cast<size_t>(n) + static_cast<size_t>(n / kLegacyBlock) * sizeof(float) + 63) / 64 * 64;
}

void quantize_acts(const float* x, void* dst, int64_t n) {
  auto* u = static_cast<uint8_t*>(dst);
  auto* d = reinterpret_cast<float*>(u + n);
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    BlockQ8_0 blk;
    quantize_row_q8_0_avx2(x + b * kLegacyBlock, &blk, kLegacyBlock);  // the tiles' activations
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qs));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(u + b * kLegacyBlock), _mm256_xor_si256(q, flip));
    d[b] = _cvtsh_ss(blk.d);
  }
}

inline __m512i bcast4(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

// 16 rows x NT tokens; acc[t] holds the 16 rows' outputs of token t.
template <int NT>
inline void run_tokens(int64_t n, const Block* P_, int nr, const uint8_t* a, size_t as, float* y, size_t ys) {
  const int64_t nb = n / kLegacyBlock;
  __m512 acc[NT];
  #pragma GCC unroll 8
  for (int t = 0; t < NT; ++t) acc[t] = _mm512_setzero_ps();
  for (int64_t b = 0; b < nb; ++b) {
    const Block& pb = P_[b];
    __m512i w[kGroups];
    #pragma GCC unroll 8
    for (int g = 0; g < kGroups; ++g) w[g] = _mm512_load_si512(pb.w[g]);
    const __m512 dw = _mm512_load_ps(pb.d);
    #pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) {
      const uint8_t* ua = a + static_cast<size_t>(t) * as + b * kLegacyBlock;
      const float da = reinterpret_cast<const float*>(a + static_cast<size_t>(t) * as + n)[b];
      // Two chains per token: measured faster than one (despite the extra add).
      __m512i s0 = _mm512_load_si512(pb.corr);
      __m512i s1 = _mm512_setzero_si512();
      #pragma GCC unroll 8
      for (int g = 0; g < kGroups; g += 2) {
        s0 = _mm512_dpbusd_epi32(s0, bcast4(ua + 4 * g), w[g]);
        s1 = _mm512_dpbusd_epi32(s1, bcast4(ua + 4 * g + 4), w[g + 1]);
      }
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), _mm512_mul_ps(dw, _mm512_set1_ps(da)),
                               acc[t]);
    }
  }
  const __mmask16 m = static_cast<__mmask16>((1u << nr) - 1u);
  #pragma GCC unroll 8
  for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + static_cast<size_t>(t) * ys, m, acc[t]);
}

void run(int64_t n, const void* panel, int nr, const void* a, size_t as, int64_t nt, float* y, size_t ys) {
  const auto* pb = static_cast<const Block*>(panel);
  const auto* ab = static_cast<const uint8_t*>(a);
  constexpr int T = 8;
  int64_t t = 0;
  for (; t + T <= nt; t += T) run_tokens<T>(n, pb, nr, ab + static_cast<size_t>(t) * as, as, y + static_cast<size_t>(t) * ys, ys);
  const auto rest = [&](auto nt_c) {
    run_tokens<decltype(nt_c)::value>(n, pb, nr, ab + static_cast<size_t>(t) * as, as, y + static_cast<size_t>(t) * ys, ys);
  };
  switch (nt - t) {
    case 7: rest(std::integral_constant<int, 7>{}); break;
    case 6: rest(std::integral_constant<int, 6>{}); break;
    case 5: rest(std::integral_constant<int, 5>{}); break;
    case 4: rest(std::integral_constant<int, 4>{}); break;
    case 3: rest(std::integral_constant<int, 3>{}); break;
    case 2: rest(std::integral_constant<int, 2>{}); break;
    case 1: rest(std::integral_constant<int, 1>{}); break;
    default: break;
  }
}

template <GgmlType T>
constexpr GemmKernels kLegacy{panel_bytes, pack<T>, run, P, GemmTier::Avx512Vnni, act_row_bytes, quantize_acts};

}  // namespace

const GemmKernels* gemm_kernels_avx512_k(GgmlType type);  // gemm_k_avx512.cpp

const GemmKernels* gemm_kernels_avx512(GgmlType type) {
  switch (type) {
    case GgmlType::Q4_0: return &kLegacy<GgmlType::Q4_0>;
    case GgmlType::Q5_0: return &kLegacy<GgmlType::Q5_0>;
    case GgmlType::Q8_0: return &kLegacy<GgmlType::Q8_0>;
    default: return gemm_kernels_avx512_k(type);
  }
}

}  // namespace pw::quant
