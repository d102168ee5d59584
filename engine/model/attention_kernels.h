// The three inner loops of attention, shared by decoding (attend_group in blocks.h, one query
// token, all query heads of one KV head) and prompt processing (attend_tile in
// batch_attention.h), so both paths compute the same numbers bit for bit:
//
//   const AttentionKernels& ak = attention_kernels();           // fastest this CPU has
//   KvRows k{kv.k_row(layer, first) + k_off, k_row_bytes, f16}; // n cached rows of one KV head
//   ak.scores(q, nh, dk, k, n, s, s_stride);      // s[h][j] = q_h . k_j
//   ak.softmax(s + h * s_stride, n, scale, cap, f16);   // per head: p = softmax(cap(s) * scale)
//   ak.weighted_sum(s, s_stride, nh, v, n, dv, out, out_stride);  // out_h = sum_j p_hj v_j
//
// K and V rows are read (and converted from F16) once for all nh query heads; the results do
// not depend on nh, on how positions are split, nor on whether a row is F16 in the cache or
// already converted to F32 (F16 -> F32 is exact). The scalar and AVX2 twins give the same
// bits (tested), because they follow the same order of operations:
// - scores: 8 lanes, lane l accumulates fma(q[8b+l], k[8b+l], acc) over blocks b (zero-padded
//   past dk), then ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)) (what AVX2's horizontal adds give
//   for eight dot products at once).
// - softmax: soft-cap tanh(x/cap)*cap first (cap > 0), then x*scale, exp(x - max) with
//   softmax_exp (softmax_kernels.h, < 3e-7 relative), sum in double over 8 lanes (full blocks
//   of 8; the tail summed in order after them) reduced as ((l0+l4)+(l1+l5)) + ((l2+l6)+(l3+l7))
//   plus the tail, p = e * float(1/sum),
//   then rounded to F16 when round_f16 (F16 cache: what ggml's F16 mul_mat sees).
// - weighted sum: out[d] = fma(p_j, v_j[d], out[d]) for j ascending from out = 0.
// What must not change without changing every twin: those orders.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pw::model {

// n rows of one head's K or V: row j at base + j * stride bytes, F16 bits or F32 floats.
struct KvRows {
  const uint8_t* base = nullptr;
  size_t stride = 0;
  bool f16 = false;
  const uint8_t* row(int j) const { return base + static_cast<size_t>(j) * stride; }
};

// s[h * s_stride + j] = q_h . k_j for h < nh, j < n; q_h = q + h * dk (F32, already rounded to
// F16 values when the cache is F16).
using AttnScoresFn = void (*)(const float* q, int nh, int dk, KvRows k, int n, float* s, size_t s_stride);
// In place over one row of n >= 1 raw scores.
using AttnSoftmaxFn = void (*)(float* s, int n, float scale, float cap, bool round_f16);
// out[h * out_stride + d] = sum_j p[h * p_stride + j] * v_j[d] for h < nh, d < dv.
using AttnWeightedSumFn = void (*)(const float* p, size_t p_stride, int nh, KvRows v, int n, int dv, float* out,
                                   size_t out_stride);

struct AttentionKernels {
  const char* name;
  AttnScoresFn scores;
  AttnSoftmaxFn softmax;
  AttnWeightedSumFn weighted_sum;
};

// Scalar twins (any CPU; std::fma) and AVX2+FMA+F16C (needs cpu_features().avx2_fma_f16c);
// attention_kernels() picks the fastest available. No AVX-512 twin: two were tried on the
// Cascade Lake dev VM (2026-11-22, `pagewise-bench attention`, loaded machine) — zmm
// accumulators with two positions per zmm in the scores (12% slower at depth 256, 5-12%
// faster at 1024-1500, and 512-bit FMAs lower the core clock for the matrix kernels too), and
// a weighted sum with 4 heads x 32 values in AVX-512VL's 32 ymm registers (not faster) — so
// AVX-512 CPUs take the AVX2 twin.
const AttentionKernels& attention_kernels_scalar();
const AttentionKernels& attention_kernels_avx2();
const AttentionKernels& attention_kernels();

// Parts the twins share (attention_kernels.cpp).
namespace attn_detail {
// ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)): the lane reduction of the scores.
inline float reduce8(const float* l) { return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); }
// ((l0+l4)+(l1+l5)) + ((l2+l6)+(l3+l7)): the lane reduction of the softmax sum (doubles).
inline double reduce8(const double* l) {
  return ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7]));
}
// x = cap * tanh(x / cap), scalar in every twin (only Gemma 2 soft-caps attention).
void softcap_row(float* s, int n, float cap);
}  // namespace attn_detail

}  // namespace pw::model
