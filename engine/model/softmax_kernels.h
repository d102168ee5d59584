// Row softmax for attention, in place: p_j = exp(s_j - max) / sum. A vectorised AVX2+FMA
// kernel and its plain twin, picked at run time by softmax_row(); tests compare them.
//
//   softmax_row(scores, n);           // n >= 1; -inf entries (masked) become 0
//
// Both use the same exp: n = round(x log2 e), r = x - n ln 2 (two-part ln 2), a degree-6
// polynomial in r, times 2^n; inputs below -87.3 give 0. Relative error < 3e-7 against std::exp.
// The sums differ in order (8 lanes vs one), so the twins agree to float rounding, not bits.
#pragma once

namespace pw::model {

float softmax_exp(float x);                 // the scalar exp both kernels implement
void softmax_row_scalar(float* s, int n);
void softmax_row_avx2(float* s, int n);     // needs AVX2 + FMA
void softmax_row(float* s, int n);          // the fastest this CPU has

}  // namespace pw::model
