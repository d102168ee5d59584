// Scalar twins of the attention kernels (attention_kernels.h) and the run-time pick. Every
// line follows the lane order the header defines, so the SIMD twins match these bit for bit.
#include "engine/model/attention_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/model/softmax_kernels.h"
#include "engine/quant/cpu_features.h"
#include "engine/tensor/fp16.h"

namespace pw::model {
namespace attn_detail {

void softcap_row(float* s, int n, float cap) {
  const float inv = 1.0f / cap;
  for (int j = 0; j < n; ++j) s[j] = std::tanh(s[j] * inv) * cap;
}

}  // namespace attn_detail

namespace {

float load(const uint8_t* row, bool f16, int i) {
  if (f16) {
    uint16_t h;
    std::memcpy(&h, row + static_cast<size_t>(i) * 2, 2);
    return fp16_to_fp32(h);
  }
  float f;
  std::memcpy(&f, row + static_cast<size_t>(i) * 4, 4);
  return f;
}

// One cache row as floats (F16 converted exactly), so each row is converted once for every head.
const float* row_f32(const uint8_t* row, bool f16, int n, std::vector<float>& buf) {
  if (!f16) {
    buf.resize(static_cast<size_t>(n));
    std::memcpy(buf.data(), row, static_cast<size_t>(n) * sizeof(float));  // rows need not be aligned
    return buf.data();
  }
  buf.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) buf[static_cast<size_t>(i)] = load(row, true, i);
  return buf.data();
}

void scores_scalar(const float* q, int nh, int dk, KvRows k, int n, float* s, size_t s_stride) {
  const int blocks = (dk + 7) / 8;
  thread_local std::vector<float> buf;
  for (int j = 0; j < n; ++j) {
    const float* kr = row_f32(k.row(j), k.f16, dk, buf);
    for (int h = 0; h < nh; ++h) {
      const float* qh = q + static_cast<size_t>(h) * static_cast<size_t>(dk);
      float lane[8] = {};
      for (int b = 0; b < blocks; ++b)
        for (int l = 0; l < 8; ++l) {
          const int i = 8 * b + l;
          // Past dk both factors are 0, as in the zero-padded SIMD tail.
          lane[l] = i < dk ? std::fma(qh[i], kr[i], lane[l]) : std::fma(0.0f, 0.0f, lane[l]);
        }
      s[static_cast<size_t>(h) * s_stride + static_cast<size_t>(j)] = attn_detail::reduce8(lane);
    }
  }
}

void softmax_scalar(float* s, int n, float scale, float cap, bool round_f16) {
  if (cap > 0.0f) attn_detail::softcap_row(s, n, cap);
  float max = -INFINITY;
  for (int j = 0; j < n; ++j) {
    s[j] *= scale;
    max = std::max(max, s[j]);
  }
  double lane[8] = {};
  const int full = n / 8 * 8;
  for (int j = 0; j < full; ++j) {
    s[j] = softmax_exp(s[j] - max);
    lane[j % 8] += static_cast<double>(s[j]);
  }
  double tail = 0.0;
  for (int j = full; j < n; ++j) {
    s[j] = softmax_exp(s[j] - max);
    tail += static_cast<double>(s[j]);
  }
  const float inv = static_cast<float>(1.0 / (attn_detail::reduce8(lane) + tail));
  for (int j = 0; j < n; ++j) {
    s[j] *= inv;
    if (round_f16) s[j] = fp16_to_fp32(fp32_to_fp16(s[j]));
  }
}

void weighted_sum_scalar(const float* p, size_t p_stride, int nh, KvRows v, int n, int dv, float* out,
                         size_t out_stride) {
  for (int h = 0; h < nh; ++h) std::fill(out + static_cast<size_t>(h) * out_stride, out + static_cast<size_t>(h) * out_stride + dv, 0.0f);
  thread_local std::vector<float> buf;
  for (int j = 0; j < n; ++j) {
    const float* vr = row_f32(v.row(j), v.f16, dv, buf);
    for (int h = 0; h < nh; ++h) {
      float* o = out + static_cast<size_t>(h) * out_stride;
      const float w = p[static_cast<size_t>(h) * p_stride + static_cast<size_t>(j)];
      for (int d = 0; d < dv; ++d) o[d] = std::fma(w, vr[d], o[d]);
    }
  }
}

}  // namespace

const AttentionKernels& attention_kernels_scalar() {
  static const AttentionKernels k{"scalar", scores_scalar, softmax_scalar, weighted_sum_scalar};
  return k;
}

const AttentionKernels& attention_kernels() {
  static const AttentionKernels& k =
      quant::cpu_features().avx2_fma_f16c ? attention_kernels_avx2() : attention_kernels_scalar();
  return k;
}

}  // namespace pw::model
