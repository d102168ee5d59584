// Shared helpers for the K-quant kernel tests (tests/engine/k_quants_*_test.cpp).
//
//   for (const KFormat& f : k_formats()) { ... f.quantize(x.data(), q.data(), n); ... }
//   std::vector<float> x = gaussian_values(4096, /*seed=*/1);
//   std::vector<uint8_t> w = random_blocks(f, n, seed);   // any bit pattern, sane F16 scales
//
// Data comes from our own xorshift generator so the numbers are the same on every platform
// (std::normal_distribution is implementation-defined).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/quant/k_quants.h"
#include "engine/tensor/fp16.h"
#include "engine/tensor/ggml_type.h"

namespace pw::quant::test {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}
  uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  float gaussian() {
    return static_cast<float>(std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()));
  }
  // Student-t with 3 degrees of freedom: heavy tails, like real weight matrices' outliers.
  float student_t3() {
    const double z = gaussian();
    double chi2 = 0;
    for (int i = 0; i < 3; ++i) {
      const double g = gaussian();
      chi2 += g * g;
    }
    return static_cast<float>(z / std::sqrt(chi2 / 3.0));
  }

 private:
  uint64_t state_;
};

inline std::vector<float> gaussian_values(int64_t n, uint64_t seed, float scale = 1.0f) {
  Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = scale * rng.gaussian();
  return v;
}

inline std::vector<float> heavy_tailed_values(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = rng.student_t3();
  return v;
}

struct KFormat {
  std::string name;
  GgmlType type;
  size_t block_bytes;
  void (*quantize)(const float*, void*, int64_t);
  void (*dequantize)(const void*, float*, int64_t);
  void (*dequantize_avx2)(const void*, float*, int64_t);
  float (*dot_scalar)(int64_t, const void*, const void*);
  float (*dot_avx2)(int64_t, const void*, const void*);
  // Byte ranges of the F16 scales inside a block (to make random blocks decodable).
  std::vector<size_t> fp16_offsets;
  // Byte ranges [begin, end) holding the quants; zeroing them leaves only -min per value
  // (formats with mins). Empty for formats without mins.
  size_t quants_begin = 0, quants_end = 0;
  bool has_mins = false;
};

inline const std::vector<KFormat>& k_formats() {
  static const std::vector<KFormat> formats = {
      {"q2_K", GgmlType::Q2_K, sizeof(BlockQ2K), quantize_row_q2_K, dequantize_row_q2_K, dequantize_row_q2_K_avx2,
       vec_dot_q2_K_q8_K_scalar, vec_dot_q2_K_q8_K_avx2, {offsetof(BlockQ2K, d), offsetof(BlockQ2K, dmin)},
       offsetof(BlockQ2K, qs), offsetof(BlockQ2K, qs) + sizeof(BlockQ2K::qs), true},
      {"q3_K", GgmlType::Q3_K, sizeof(BlockQ3K), quantize_row_q3_K, dequantize_row_q3_K, dequantize_row_q3_K_avx2,
       vec_dot_q3_K_q8_K_scalar, vec_dot_q3_K_q8_K_avx2, {offsetof(BlockQ3K, d)}, 0, 0, false},
      {"q4_K", GgmlType::Q4_K, sizeof(BlockQ4K), quantize_row_q4_K, dequantize_row_q4_K, dequantize_row_q4_K_avx2,
       vec_dot_q4_K_q8_K_scalar, vec_dot_q4_K_q8_K_avx2, {offsetof(BlockQ4K, d), offsetof(BlockQ4K, dmin)},
       offsetof(BlockQ4K, qs), sizeof(BlockQ4K), true},
      {"q5_K", GgmlType::Q5_K, sizeof(BlockQ5K), quantize_row_q5_K, dequantize_row_q5_K, dequantize_row_q5_K_avx2,
       vec_dot_q5_K_q8_K_scalar, vec_dot_q5_K_q8_K_avx2, {offsetof(BlockQ5K, d), offsetof(BlockQ5K, dmin)},
       offsetof(BlockQ5K, qh), sizeof(BlockQ5K), true},
      {"q6_K", GgmlType::Q6_K, sizeof(BlockQ6K), quantize_row_q6_K, dequantize_row_q6_K, dequantize_row_q6_K_avx2,
       vec_dot_q6_K_q8_K_scalar, vec_dot_q6_K_q8_K_avx2, {offsetof(BlockQ6K, d)}, 0, 0, false},
      {"iq4_xs", GgmlType::IQ4_XS, sizeof(BlockIQ4XS), quantize_row_iq4_xs, dequantize_row_iq4_xs, dequantize_row_iq4_xs_avx2,
       vec_dot_iq4_xs_q8_K_scalar, vec_dot_iq4_xs_q8_K_avx2, {offsetof(BlockIQ4XS, d)}, 0, 0, false},
  };
  return formats;
}

inline std::vector<uint8_t> quantize(const KFormat& f, const std::vector<float>& x) {
  std::vector<uint8_t> q(x.size() / kQK_K * f.block_bytes);
  f.quantize(x.data(), q.data(), static_cast<int64_t>(x.size()));
  return q;
}

inline std::vector<float> dequantize(const KFormat& f, const std::vector<uint8_t>& q, int64_t n) {
  std::vector<float> y(static_cast<size_t>(n));
  f.dequantize(q.data(), y.data(), n);
  return y;
}

inline std::vector<uint8_t> quantize_q8_K(const std::vector<float>& x) {
  std::vector<uint8_t> q(x.size() / kQK_K * sizeof(BlockQ8K));
  quantize_row_q8_K(x.data(), q.data(), static_cast<int64_t>(x.size()));
  return q;
}

// Blocks of random bytes (every quant and sub-scale bit pattern), with the F16 super-scales
// replaced by random finite values of moderate size so results are comparable.
inline std::vector<uint8_t> random_blocks(const KFormat& f, int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint8_t> q(static_cast<size_t>(n / kQK_K) * f.block_bytes);
  for (auto& b : q) b = static_cast<uint8_t>(rng.next() >> 56);
  for (size_t blk = 0; blk < q.size() / f.block_bytes; ++blk) {
    for (size_t off : f.fp16_offsets) {
      const float v = static_cast<float>(0.001 + 0.01 * rng.uniform());
      const uint16_t h = fp32_to_fp16(v);
      std::memcpy(&q[blk * f.block_bytes + off], &h, 2);
    }
  }
  return q;
}

inline double rms(const std::vector<float>& x) {
  double s = 0;
  for (float v : x) s += static_cast<double>(v) * v;
  return std::sqrt(s / static_cast<double>(x.size()));
}

inline double rmse(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    s += d * d;
  }
  return std::sqrt(s / static_cast<double>(a.size()));
}

// Tolerance for two kernels that compute the same exact integer sums per super-block and
// differ only in the order/fusing of the float steps (per-block products, then a sum of nb
// terms). Each term is at most sum|w_i*a_i| + sum|min_i*a_i| over its block (M in total); its
// rounding errors are a few ulps of it and independent between blocks, so the difference
// grows like sqrt(nb): tolerance = (4 + sqrt(nb)) ulps of M. (The worst case, nb+8 ulps, is
// far looser than anything observed: measured differences are ~0.3 ulp of M.)
inline double dot_magnitude(const KFormat& f, const std::vector<uint8_t>& w, const std::vector<uint8_t>& act,
                            int64_t n) {
  std::vector<float> wf(static_cast<size_t>(n)), af(static_cast<size_t>(n)), mins(static_cast<size_t>(n), 0.0f);
  f.dequantize(w.data(), wf.data(), n);
  dequantize_row_q8_K(act.data(), af.data(), n);
  if (f.has_mins) {
    std::vector<uint8_t> zeroed = w;
    for (size_t blk = 0; blk < zeroed.size() / f.block_bytes; ++blk) {
      std::memset(&zeroed[blk * f.block_bytes + f.quants_begin], 0, f.quants_end - f.quants_begin);
    }
    f.dequantize(zeroed.data(), mins.data(), n);  // every value is -min of its sub-block
  }
  double m = 0;
  for (int64_t i = 0; i < n; ++i) m += (std::fabs(wf[i]) + std::fabs(mins[i])) * std::fabs(af[i]);
  return m;
}

inline double dot_tolerance(const KFormat& f, const std::vector<uint8_t>& w, const std::vector<uint8_t>& act,
                            int64_t n) {
  const double ulp = 1.1920928955078125e-07;  // FLT_EPSILON
  return (4.0 + std::sqrt(static_cast<double>(n / kQK_K))) * ulp * dot_magnitude(f, w, act, n) + 1e-30;
}

}  // namespace pw::quant::test
