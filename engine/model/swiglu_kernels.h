// SwiGLU over a row, out[i] = gate[i] / (1 + exp(-gate[i])) * up[i]: the plain kernel and its
// AVX2 twin. blocks.h swiglu() picks one at run time (cpu_features); tests compare them bit
// for bit. Both take exp from softmax_exp (softmax_kernels.h, < 3e-7 relative to std::exp; 8
// lanes wide in the twin), then an IEEE division and multiply, so their results are the same.
//
//   swiglu_scalar(gate, up, n, out);   // out may equal gate or up
#pragma once

namespace pw::model {

void swiglu_scalar(const float* gate, const float* up, int n, float* out);
void swiglu_avx2(const float* gate, const float* up, int n, float* out);  // needs AVX2 + FMA

}  // namespace pw::model
