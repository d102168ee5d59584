// GELU over a row through ggml's F16 table: the plain kernel and its F16C twin. blocks.h
// gelu() picks one at run time (cpu_features); tests compare them bit for bit.
//
//   gelu_scalar(row, n, table);   // table: 65536 F16 GELU values indexed by the F16 input
#pragma once

#include <cstdint>

namespace pw::model {

void gelu_scalar(float* x, int n, const uint16_t* table);
void gelu_avx2(float* x, int n, const uint16_t* table);  // needs AVX2 + F16C

}  // namespace pw::model
