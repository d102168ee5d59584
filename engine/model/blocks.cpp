#include "engine/model/blocks.h"
#include "engine/model/attention_kernels.h"
#include "engine/model/gelu_kernels.h"
#include "engine/model/softmax_kernels.h"
#include "engine/model/swiglu_kernels.h"
#include "engine/quant/cpu_features.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/quant/kernels.h"
#include "engine/tensor/fp16.h"

namespace pw::model {
namespace {

constexpr float kGeluCoefA = 0.044715f;
constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;

// ggml_table_gelu_f16: GELU of every F16 value, rounded to F16. Built once (128 KiB).
const std::vector<uint16_t>& gelu_table() {
  static const std::vector<uint16_t> table = [] {
    std::vector<uint16_t> t(1u << 16);
    for (uint32_t i = 0; i < t.size(); ++i) t[i] = fp32_to_fp16(gelu_tanh(fp16_to_fp32(static_cast<uint16_t>(i))));
    return t;
  }();
  return table;
}

}  // namespace

void rms_norm(const float* x, const float* w, int n, float eps, float* y) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
  const float mean = static_cast<float>(sum / n);
  const float scale = 1.0f / std::sqrt(mean + eps);
  if (w) {
    for (int i = 0; i < n; ++i) y[i] = x[i] * scale * w[i];
  } else {
    for (int i = 0; i < n; ++i) y[i] = x[i] * scale;
  }
}

void rope_cos_sin(int pos, const RopeParams& p, float* cs) {
  const float theta_scale = std::pow(p.freq_base, -2.0f / static_cast<float>(p.n_rot));
  float theta = static_cast<float>(pos);
  for (int i = 0; i < p.n_rot / 2; ++i) {
    const float ff = p.freq_factors ? p.freq_factors[i] : 1.0f;
    const float angle = p.freq_scale * (theta / ff);
    cs[2 * i] = std::cos(angle) * p.attn_factor;
    cs[2 * i + 1] = std::sin(angle) * p.attn_factor;
    theta *= theta_scale;
  }
}

void rope_apply(float* x, int n_heads, int head_dim, const RopeParams& p, const float* cs) {
  const int half = p.n_rot / 2;
  for (int h = 0; h < n_heads; ++h) {
    float* v = x + static_cast<size_t>(h) * static_cast<size_t>(head_dim);
    for (int i = 0; i < half; ++i) {
      // Normal pairs neighbours (2i, 2i+1); NeoX pairs the two halves (i, i + n_rot/2).
      const int a = p.type == RopeType::Normal ? 2 * i : i;
      const int b = p.type == RopeType::Normal ? 2 * i + 1 : i + half;
      const float c = cs[2 * i];
      const float s = cs[2 * i + 1];
      const float x0 = v[a];
      const float x1 = v[b];
      v[a] = x0 * c - x1 * s;
      v[b] = x0 * s + x1 * c;
    }
  }
}

void swiglu_scalar(const float* gate, const float* up, int n, float* out) {
  for (int i = 0; i < n; ++i) {
    const float g = gate[i];
    out[i] = g / (1.0f + softmax_exp(-g)) * up[i];
  }
}

void swiglu(const float* gate, const float* up, int n, float* out) {
  static const bool fast = quant::cpu_features().avx2_fma_f16c;
  if (fast)
    swiglu_avx2(gate, up, n, out);
  else
    swiglu_scalar(gate, up, n, out);
}

float gelu_tanh(float x) { return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * (1.0f + kGeluCoefA * x * x))); }

float gelu_f16_table(float x) {
  if (x <= -10.0f) return 0.0f;
  if (x >= 10.0f) return x;
  return fp16_to_fp32(gelu_table()[fp32_to_fp16(x)]);
}

void gelu_scalar(float* x, int n, const uint16_t* table) {
  for (int i = 0; i < n; ++i) {
    const float g = x[i];
    if (g <= -10.0f)
      x[i] = 0.0f;
    else if (g < 10.0f)
      x[i] = fp16_to_fp32(table[fp32_to_fp16(g)]);
  }
}

void gelu(float* x, int n) {
  static const bool fast = quant::cpu_features().avx2_fma_f16c;
  const uint16_t* table = gelu_table().data();
  if (fast)
    gelu_avx2(x, n, table);
  else
    gelu_scalar(x, n, table);
}

void geglu(const float* gate, const float* up, int n, float* out) {
  const std::vector<uint16_t>& table = gelu_table();
  for (int i = 0; i < n; ++i) {
    const float g = gate[i];
    float act;
    if (g <= -10.0f)
      act = 0.0f;
    else if (g >= 10.0f)
      act = g;
    else
      act = fp16_to_fp32(table[fp32_to_fp16(g)]);
    out[i] = act * up[i];
  }
}

void softcap(float* x, int n, float cap) {
  const float inv = 1.0f / cap;
  for (int i = 0; i < n; ++i) x[i] = std::tanh(x[i] * inv) * cap;
}

void add_rows(float* x, const float* y, int n) {
  for (int i = 0; i < n; ++i) x[i] += y[i];
}

void attend_group(const float* q, const KvCache& kv, int layer, int kv_head, int group, int pos,
                  const AttentionParams& p, const AttentionScratch& scratch, float* out) {
  static const AttentionKernels& kern = attention_kernels();
  const bool f16 = kv.type() == KvType::F16;
  const size_t elem = f16 ? sizeof(uint16_t) : sizeof(float);
  const int dk = p.head_dim_k, dv = p.head_dim_v;
  const int first = p.window > 0 ? std::max(0, pos - p.window + 1) : 0;
  const int n = pos - first + 1;
  // F16 cache: q rounded to F16 (what ggml's F16 mul_mat sees).
  const size_t q_count = static_cast<size_t>(group) * static_cast<size_t>(dk);
  for (size_t i = 0; i < q_count; ++i) scratch.q[i] = f16 ? fp16_to_fp32(fp32_to_fp16(q[i])) : q[i];
  const KvRows k{static_cast<const uint8_t*>(kv.k_row(layer, first)) + static_cast<size_t>(kv_head) * static_cast<size_t>(dk) * elem,
                 kv.k_row_bytes(), f16};
  const KvRows v{static_cast<const uint8_t*>(kv.v_row(layer, first)) + static_cast<size_t>(kv_head) * static_cast<size_t>(dv) * elem,
                 kv.v_row_bytes(), f16};
  const size_t stride = static_cast<size_t>(n);
  kern.scores(scratch.q, group, dk, k, n, scratch.scores, stride);
  for (int h = 0; h < group; ++h) kern.softmax(scratch.scores + static_cast<size_t>(h) * stride, n, p.kq_scale, p.softcap, f16);
  kern.weighted_sum(scratch.scores, stride, group, v, n, dv, out, static_cast<size_t>(dv));
}

void attend_head(const float* q, const KvCache& kv, int layer, int kv_head, int pos, const AttentionParams& p,
                 const AttentionScratch& scratch, float* out) {
  attend_group(q, kv, layer, kv_head, 1, pos, p, scratch, out);
}

}  // namespace pw::model
