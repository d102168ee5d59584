// Error-minimising scale searches used by the K-quant quantizers (not a public API).
//
//   // x ~= scale * L - neg_min, L in 0..15, weighted squared error:
//   AffineFit f = fit_affine(x, weights, 32, 15, {-1.0f, 0.1f, 20, ErrorNorm::kSquared}, L);
//   // x ~= scale * L, L in -32..31 (stored as L+32):
//   float s = fit_symmetric(x, 16, 32, L);
//
// Why searches: round-to-nearest with scale = max/nmax wastes levels when one value is an
// outlier. Trying a range of candidate inverse scales and solving a small least-squares problem
// for each (the approach of ggml's reference quantizers, reimplemented here) lowers the error
// noticeably; the quantizer's acceptance bar is "RMSE within 5% of ggml's".
#pragma once

#include <cstdint>

namespace pw::quant::detail {

enum class ErrorNorm { kSquared, kAbsolute };

struct AffineSearch {
  float first_offset;  // candidate k uses inverse scale (nmax + first_offset + step*k)/(max-min)
  float step;
  int steps;           // candidates k = 0..steps (plus the plain max-min scale)
  ErrorNorm norm;
};

struct AffineFit {
  float scale;    // >= 0
  float neg_min;  // >= 0; the represented values are scale*L - neg_min
};

// Asymmetric fit of n values to levels 0..nmax with per-value weights. Writes the chosen levels
// to L. A constant or all-zero input gives scale 0 (and neg_min = -min(x, 0)).
AffineFit fit_affine(const float* x, const float* weights, int n, int nmax, const AffineSearch& search,
                     uint8_t* L);

// Symmetric fit to levels -nmax..nmax-1 with weights x^2, trying inverse scales
// -(nmax + 0.1*k)/max for k in -9..9 (max = the value of largest magnitude, so that value lands
// on the roomier negative end). Writes L + nmax to L; returns the signed scale (0 for an
// all-zero input).
float fit_symmetric(const float* x, int n, int nmax, uint8_t* L);

// Symmetric fit like fit_symmetric but starting from plain rounding and then moving single
// values to the level that best fits the others (a few coordinate-descent passes). Used by Q3_K,
// where only 8 levels exist and single moves matter more than the scale grid.
float fit_symmetric_refined(const float* x, int n, int nmax, uint8_t* L);

}  // namespace pw::quant::detail
