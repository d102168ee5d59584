// Scale searches for the K-quant quantizers; see k_quants_search.h for what each one fits.
#include "engine/quant/k_quants_search.h"

#include <cmath>
#include <cstring>

#include "engine/quant/k_quants_internal.h"

namespace pw::quant::detail {
namespace {

constexpr int kMaxGroup = 32;        // largest sub-block any caller passes
constexpr float kAllZero = 1e-15f;   // below this magnitude a sub-block is treated as zero

float weighted_error(const float* x, const float* w, const uint8_t* L, int n, float scale, float offset,
                     ErrorNorm norm) {
  float err = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float diff = scale * static_cast<float>(L[i]) + offset - x[i];
    err += w[i] * (norm == ErrorNorm::kSquared ? diff * diff : std::fabs(diff));
  }
  return err;
}

// Index of the value of largest magnitude (the first one on ties).
int index_of_max_magnitude(const float* x, int n) {
  int best = 0;
  float amax = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float ax = std::fabs(x[i]);
    if (ax > amax) {
      amax = ax;
      best = i;
    }
  }
  return best;
}

// Copies x / max|x| into xn and returns max|x| (the signed value of largest magnitude in
// *signed_max). The symmetric searches weigh by x^2 and compare squared sums, i.e. terms of
// order x^6: on raw data they overflow for |x| ~ 1e6 and underflow for |x| ~ 1e-7, so they
// run on values normalised to [-1, 1] and scale the result back.
float normalize(const float* x, int n, float* xn, float* signed_max) {
  const int at = index_of_max_magnitude(x, n);
  const float amax = std::fabs(x[at]);
  *signed_max = x[at];
  const float inv = amax > 0.0f ? 1.0f / amax : 0.0f;
  for (int i = 0; i < n; ++i) xn[i] = x[i] * inv;
  return amax;
}

}  // namespace

AffineFit fit_affine(const float* x, const float* w, int n, int nmax, const AffineSearch& search, uint8_t* L) {
  float lo = x[0], hi = x[0], sum_w = 0.0f, sum_wx = 0.0f;
  for (int i = 0; i < n; ++i) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
    sum_w += w[i];
    sum_wx += w[i] * x[i];
  }
  // The format can only subtract a min (offset <= 0): an all-positive group starts at 0.
  if (lo > 0.0f) lo = 0.0f;
  if (!(hi > lo)) {
    std::memset(L, 0, static_cast<size_t>(n));
    return {0.0f, -lo};
  }
  // Candidate 0: the plain grid from the group's min to its max.
  float best_scale = (hi - lo) / static_cast<float>(nmax);
  float best_offset = lo;
  const float inv0 = static_cast<float>(nmax) / (hi - lo);
  for (int i = 0; i < n; ++i) L[i] = static_cast<uint8_t>(round_clamped(inv0 * (x[i] - lo), 0, nmax));
  float best_err = weighted_error(x, w, L, n, best_scale, best_offset, search.norm);

  // Other candidates: stretch or shrink the grid, round, then solve the 2x2 weighted
  // least-squares problem for (scale, offset) given those levels. Once a candidate wins, the
  // following grids start from its fitted offset instead of the raw min: the search drifts
  // towards the better origin (ggml's search behaves the same way and is measurably better
  // than keeping the origin fixed).
  float origin = lo;
  uint8_t cand[kMaxGroup];
  for (int k = 0; k <= search.steps; ++k) {
    const float inv = (static_cast<float>(nmax) + search.first_offset + search.step * static_cast<float>(k)) / (hi - origin);
    float sum_l = 0.0f, sum_l2 = 0.0f, sum_lx = 0.0f;
    for (int i = 0; i < n; ++i) {
      const int l = round_clamped(inv * (x[i] - origin), 0, nmax);
      cand[i] = static_cast<uint8_t>(l);
      const float wl = w[i] * static_cast<float>(l);
      sum_l += wl;
      sum_l2 += wl * static_cast<float>(l);
      sum_lx += wl * x[i];
    }
    const float det = sum_w * sum_l2 - sum_l * sum_l;
    if (!(det > 0.0f)) continue;
    float scale = (sum_w * sum_lx - sum_wx * sum_l) / det;
    float offset = (sum_l2 * sum_wx - sum_l * sum_lx) / det;
    if (offset > 0.0f) {  // not representable: refit the scale alone with offset 0
      offset = 0.0f;
      scale = sum_lx / sum_l2;
    }
    if (!(scale >= 0.0f)) continue;
    const float err = weighted_error(x, w, cand, n, scale, offset, search.norm);
    if (err < best_err) {
      best_err = err;
      best_scale = scale;
      best_offset = offset;
      origin = offset;
      std::memcpy(L, cand, static_cast<size_t>(n));
    }
  }
  return {best_scale, -best_offset};
}

float fit_symmetric(const float* x_raw, int n, int nmax, uint8_t* L) {
  float x[kMaxGroup], max_raw;
  const float amax = normalize(x_raw, n, x, &max_raw);
  if (!(amax >= kAllZero) || !std::isfinite(amax)) {
    for (int i = 0; i < n; ++i) L[i] = static_cast<uint8_t>(nmax);
    return 0.0f;
  }
  const float max = max_raw < 0.0f ? -1.0f : 1.0f;  // the normalised value of largest magnitude
  // For levels fixed, the best scale is sum(w x l)/sum(w l^2) and the error left is
  // sum(w x^2) - sum(w x l)^2/sum(w l^2): maximise sum(w x l)^2/sum(w l^2). Weights are x^2.
  float best_num = 0.0f, best_den = 1.0f;  // best ratio so far = best_num^2 / best_den
  bool have_best = false;
  for (int k = 0; k <= 18; ++k) {
    const int step = k == 0 ? 0 : (k <= 9 ? k - 10 : k - 9);  // 0 first, then -9..-1, 1..9
    const float inv = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(step)) / max;
    float sum_lx = 0.0f, sum_l2 = 0.0f;
    for (int i = 0; i < n; ++i) {
      const float l = static_cast<float>(round_clamped(inv * x[i], -nmax, nmax - 1));
      const float w = x[i] * x[i];
      sum_lx += w * x[i] * l;
      sum_l2 += w * l * l;
    }
    if (!(sum_l2 > 0.0f)) continue;
    if (!have_best || sum_lx * sum_lx * best_den > best_num * best_num * sum_l2) {  // |values| <= 1
      have_best = true;
      best_num = sum_lx;
      best_den = sum_l2;
      for (int i = 0; i < n; ++i) L[i] = static_cast<uint8_t>(round_clamped(inv * x[i], -nmax, nmax - 1) + nmax);
    }
  }
  if (!have_best) {
    for (int i = 0; i < n; ++i) L[i] = static_cast<uint8_t>(nmax);
    return 0.0f;
  }
  return best_num / best_den * amax;
}

float fit_symmetric_refined(const float* x_raw, int n, int nmax, uint8_t* L) {
  float x[kMaxGroup], max_raw;
  const float amax = normalize(x_raw, n, x, &max_raw);
  if (!(amax >= kAllZero) || !std::isfinite(amax)) {
    for (int i = 0; i < n; ++i) L[i] = static_cast<uint8_t>(nmax);
    return 0.0f;
  }
  const float max = max_raw < 0.0f ? -1.0f : 1.0f;  // the normalised value of largest magnitude
  const float inv = -static_cast<float>(nmax) / max;
  int levels[kMaxGroup];
  float sum_lx = 0.0f, sum_l2 = 0.0f;
  for (int i = 0; i < n; ++i) {
    levels[i] = round_clamped(inv * x[i], -nmax, nmax - 1);
    const float w = x[i] * x[i];
    sum_lx += w * x[i] * static_cast<float>(levels[i]);
    sum_l2 += w * static_cast<float>(levels[i] * levels[i]);
  }
  // Coordinate descent: move one value to the level that fits the scale of all the others
  // best, keep the move when sum(w x l)^2 / sum(w l^2) grows. Works for either sign of scale.
  for (int pass = 0; pass < 5; ++pass) {
    int changed = 0;
    for (int i = 0; i < n; ++i) {
      const float w = x[i] * x[i];
      const float l_old = static_cast<float>(levels[i]);
      const float others_lx = sum_lx - w * x[i] * l_old;
      const float others_l2 = sum_l2 - w * l_old * l_old;
      if (others_lx == 0.0f || !(others_l2 > 0.0f)) continue;
      const int l_new = round_clamped(x[i] * others_l2 / others_lx, -nmax, nmax - 1);
      if (l_new == levels[i]) continue;
      const float new_lx = others_lx + w * x[i] * static_cast<float>(l_new);
      const float new_l2 = others_l2 + w * static_cast<float>(l_new * l_new);
      if (new_l2 > 0.0f && new_lx * new_lx * sum_l2 > sum_lx * sum_lx * new_l2) {
        levels[i] = l_new;
        sum_lx = new_lx;
        sum_l2 = new_l2;
        ++changed;
      }
    }
    if (changed == 0) break;
  }
  for (int i = 0; i < n; ++i) L[i] = static_cast<uint8_t>(levels[i] + nmax);
  return sum_l2 > 0.0f ? sum_lx / sum_l2 * amax : 0.0f;
}

}  // namespace pw::quant::detail
