// Scalar dot products of K-quant / IQ4_XS weight rows with Q8_K activation rows: the reference
// the AVX2 kernels (k_quants_dot_avx2.cpp) are tested against.
//
// Each super-block is reduced to exact integers first: isum = sum over sub-blocks of
// scale_j * sum(q * a), and for the formats with mins msum = sum_j min_j * (sum of a over j),
// which the Q8_K block sums give directly. Only then does float enter:
// result += (d_act*d) * isum - (d_act*dmin) * msum. The AVX2 twins compute the same integers
// and differ only in how the per-block float terms are added up.
#include "engine/quant/k_quants.h"
#include "engine/tensor/fp16.h"

namespace pw::quant {
namespace {

// Q2_K and Q3_K store the low two bits of value 128h+32g+l at bits 2g of byte 32h+l.
inline int two_bits(const uint8_t* qs, int e) {
  return (qs[32 * (e / 128) + e % 32] >> (2 * ((e / 32) % 4))) & 3;
}

}  // namespace

float vec_dot_q2_K_q8_K_scalar(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ2K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int32_t isum = 0, msum = 0;
    for (int sub = 0; sub < 16; ++sub) {
      int32_t dot = 0;
      for (int e = 16 * sub; e < 16 * sub + 16; ++e) dot += two_bits(x[b].qs, e) * y[b].qs[e];
      isum += (x[b].scales[sub] & 0x0F) * dot;
      msum += (x[b].scales[sub] >> 4) * y[b].bsums[sub];
    }
    sum += y[b].d * fp16_to_fp32(x[b].d) * static_cast<float>(isum);
    sum -= y[b].d * fp16_to_fp32(x[b].dmin) * static_cast<float>(msum);
  }
  return sum;
}

float vec_dot_q3_K_q8_K_scalar(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ3K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int8_t scales[16];
    unpack_scales_q3_K(x[b].scales, scales);
    int32_t isum = 0;
    for (int sub = 0; sub < 16; ++sub) {
      int32_t dot = 0;
      for (int e = 16 * sub; e < 16 * sub + 16; ++e) {
        const int high = (x[b].hmask[e % 32] >> (e / 32)) & 1;
        dot += (two_bits(x[b].qs, e) + 4 * high - 4) * y[b].qs[e];
      }
      isum += scales[sub] * dot;
    }
    sum += y[b].d * fp16_to_fp32(x[b].d) * static_cast<float>(isum);
  }
  return sum;
}

namespace {

// Shared by Q4_K and Q5_K: 8 sub-blocks of 32, 6-bit scales and mins.
template <typename Block, typename QuantAt>
float dot_k4_layout(int64_t n, const Block* x, const BlockQ8K* y, QuantAt quant_at) {
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    uint8_t scales[8], mins[8];
    unpack_scales_mins_k4(x[b].scales, scales, mins);
    int32_t isum = 0, msum = 0;
    for (int sub = 0; sub < 8; ++sub) {
      int32_t dot = 0;
      for (int e = 32 * sub; e < 32 * sub + 32; ++e) dot += quant_at(x[b], e) * y[b].qs[e];
      isum += scales[sub] * dot;
      msum += mins[sub] * (y[b].bsums[2 * sub] + y[b].bsums[2 * sub + 1]);
    }
    sum += y[b].d * fp16_to_fp32(x[b].d) * static_cast<float>(isum);
    sum -= y[b].d * fp16_to_fp32(x[b].dmin) * static_cast<float>(msum);
  }
  return sum;
}

inline int nibble_k4(const uint8_t* qs, int e) {
  return (qs[32 * (e / 64) + e % 32] >> (4 * ((e / 32) % 2))) & 0x0F;
}

}  // namespace

float vec_dot_q4_K_q8_K_scalar(int64_t n, const void* w, const void* act) {
  return dot_k4_layout(n, static_cast<const BlockQ4K*>(w), static_cast<const BlockQ8K*>(act),
                       [](const BlockQ4K& blk, int e) { return nibble_k4(blk.qs, e); });
}

float vec_dot_q5_K_q8_K_scalar(int64_t n, const void* w, const void* act) {
  return dot_k4_layout(n, static_cast<const BlockQ5K*>(w), static_cast<const BlockQ8K*>(act),
                       [](const BlockQ5K& blk, int e) {
                         return nibble_k4(blk.qs, e) | (((blk.qh[e % 32] >> (e / 32)) & 1) << 4);
                       });
}

float vec_dot_q6_K_q8_K_scalar(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ6K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int32_t isum = 0;
    for (int sub = 0; sub < 16; ++sub) {
      int32_t dot = 0;
      for (int e = 16 * sub; e < 16 * sub + 16; ++e) {
        const int half = e / 128, group = (e / 32) % 4, lane = e % 32;
        const uint8_t low_byte = x[b].ql[64 * half + 32 * (group % 2) + lane];
        const int low = group < 2 ? (low_byte & 0x0F) : (low_byte >> 4);
        const int high = (x[b].qh[32 * half + lane] >> (2 * group)) & 3;
        dot += ((low | (high << 4)) - 32) * y[b].qs[e];
      }
      isum += x[b].scales[sub] * dot;
    }
    sum += y[b].d * fp16_to_fp32(x[b].d) * static_cast<float>(isum);
  }
  return sum;
}

float vec_dot_iq4_xs_q8_K_scalar(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockIQ4XS*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int32_t isum = 0;
    for (int sub = 0; sub < 8; ++sub) {
      const int ls = ((x[b].scales_l[sub / 2] >> (4 * (sub % 2))) & 0x0F) |
                     (((x[b].scales_h >> (2 * sub)) & 3) << 4);
      const uint8_t* q = x[b].qs + 16 * sub;
      const int8_t* a = y[b].qs + 32 * sub;
      int32_t dot = 0;
      for (int l = 0; l < 16; ++l) {
        dot += kIQ4NLValues[q[l] & 0x0F] * a[l] + kIQ4NLValues[q[l] >> 4] * a[l + 16];
      }
      isum += (ls - 32) * dot;
    }
    sum += y[b].d * fp16_to_fp32(x[b].d) * static_cast<float>(isum);
  }
  return sum;
}

}  // namespace pw::quant
