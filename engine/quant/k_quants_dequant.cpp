// Scalar dequantization of the K-quant formats, Q8_K and IQ4_XS: the reference the AVX2 twins
// (k_quants_dequant_avx2.cpp) must match bit for bit.
//
// What must not change: the float evaluation order. Each value is computed as
// (super_scale * sub_scale) * q - (super_min * sub_min), two roundings, no fused multiply-add;
// that is also how ggml evaluates it, so our results equal ggml's exactly (tested with golden
// blocks made by ggml).
#include "engine/quant/k_quants.h"
#include "engine/tensor/fp16.h"

namespace pw::quant {

void dequantize_row_q2_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ2K*>(src);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ2K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    const float dmin = fp16_to_fp32(blk.dmin);
    float* out = dst + b * kQK_K;
    for (int e = 0; e < kQK_K; ++e) {
      const int half = e / 128, group = (e / 32) % 4, lane = e % 32;
      const uint8_t sc = blk.scales[e / 16];
      const float scale = d * static_cast<float>(sc & 0x0F);
      const float min = dmin * static_cast<float>(sc >> 4);
      const int q = (blk.qs[32 * half + lane] >> (2 * group)) & 3;
      out[e] = scale * static_cast<float>(q) - min;
    }
  }
}

void dequantize_row_q3_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ3K*>(src);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ3K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    int8_t scales[16];
    unpack_scales_q3_K(blk.scales, scales);
    float* out = dst + b * kQK_K;
    for (int e = 0; e < kQK_K; ++e) {
      const int half = e / 128, group = (e / 32) % 4, lane = e % 32;
      const float scale = d * static_cast<float>(scales[e / 16]);
      const int low = (blk.qs[32 * half + lane] >> (2 * group)) & 3;
      const int high = (blk.hmask[lane] >> (4 * half + group)) & 1;
      out[e] = scale * static_cast<float>(low + 4 * high - 4);
    }
  }
}

void dequantize_row_q4_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4K*>(src);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ4K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    const float dmin = fp16_to_fp32(blk.dmin);
    uint8_t scales[8], mins[8];
    unpack_scales_mins_k4(blk.scales, scales, mins);
    float* out = dst + b * kQK_K;
    for (int sub = 0; sub < 8; ++sub) {
      const float scale = d * static_cast<float>(scales[sub]);
      const float min = dmin * static_cast<float>(mins[sub]);
      const uint8_t* q = blk.qs + 32 * (sub / 2);
      const int shift = 4 * (sub % 2);
      for (int l = 0; l < 32; ++l) {
        out[32 * sub + l] = scale * static_cast<float>((q[l] >> shift) & 0x0F) - min;
      }
    }
  }
}

void dequantize_row_q5_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5K*>(src);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ5K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    const float dmin = fp16_to_fp32(blk.dmin);
    uint8_t scales[8], mins[8];
    unpack_scales_mins_k4(blk.scales, scales, mins);
    float* out = dst + b * kQK_K;
    for (int sub = 0; sub < 8; ++sub) {
      const float scale = d * static_cast<float>(scales[sub]);
      const float min = dmin * static_cast<float>(mins[sub]);
      const uint8_t* q = blk.qs + 32 * (sub / 2);
      const int shift = 4 * (sub % 2);
      for (int l = 0; l < 32; ++l) {
        const int v = ((q[l] >> shift) & 0x0F) | (((blk.qh[l] >> sub) & 1) << 4);
        out[32 * sub + l] = scale * static_cast<float>(v) - min;
      }
    }
  }
}

void dequantize_row_q6_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ6K*>(src);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ6K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    float* out = dst + b * kQK_K;
    for (int e = 0; e < kQK_K; ++e) {
      const int half = e / 128, group = (e / 32) % 4, lane = e % 32;
      // Groups 0,1 take the low nibbles of ql[64h + 32*(g%2) + l], groups 2,3 the high ones.
      const uint8_t low_byte = blk.ql[64 * half + 32 * (group % 2) + lane];
      const int low = group < 2 ? (low_byte & 0x0F) : (low_byte >> 4);
      const int high = (blk.qh[32 * half + lane] >> (2 * group)) & 3;
      const float scale = d * static_cast<float>(blk.scales[e / 16]);
      out[e] = scale * static_cast<float>((low | (high << 4)) - 32);
    }
  }
}

void dequantize_row_q8_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8K*>(src);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    for (int e = 0; e < kQK_K; ++e) {
      dst[b * kQK_K + e] = blocks[b].d * static_cast<float>(blocks[b].qs[e]);
    }
  }
}

void dequantize_row_iq4_xs(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockIQ4XS*>(src);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockIQ4XS& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d);
    float* out = dst + b * kQK_K;
    for (int sub = 0; sub < 8; ++sub) {
      const int ls = ((blk.scales_l[sub / 2] >> (4 * (sub % 2))) & 0x0F) |
                     (((blk.scales_h >> (2 * sub)) & 3) << 4);
      const float scale = d * static_cast<float>(ls - 32);
      const uint8_t* q = blk.qs + 16 * sub;
      for (int l = 0; l < 16; ++l) {
        out[32 * sub + l] = scale * static_cast<float>(kIQ4NLValues[q[l] & 0x0F]);
        out[32 * sub + 16 + l] = scale * static_cast<float>(kIQ4NLValues[q[l] >> 4]);
      }
    }
  }
}

}  // namespace pw::quant
