// Integer dot products of int8 vectors: the inner loop of the semantic search scan.
//
//   std::vector<int32_t> dots(n_rows);
//   pw::rag::int8_dot_rows()(query, rows, stride, n_rows, dots.data());   // best kernel for this CPU
//   pw::rag::int8_dot_rows_scalar(query, rows, stride, n_rows, dots.data());  // reference twin
//
// Contract (tests compare the kernels for exact equality): `stride` bytes per row, a multiple
// of 32, with the query and every row zero-padded to it; values in [-127, 127] (never -128:
// the AVX2 kernel uses sign tricks that would overflow on it). Results are exact int32 sums,
// so both kernels give identical numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pw::rag {

using Int8DotRowsFn = void (*)(const int8_t* query, const int8_t* rows, size_t stride, size_t n_rows, int32_t* out);

void int8_dot_rows_scalar(const int8_t* query, const int8_t* rows, size_t stride, size_t n_rows, int32_t* out);
// Only call when the CPU has AVX2 (pw::quant::cpu_features().avx2).
void int8_dot_rows_avx2(const int8_t* query, const int8_t* rows, size_t stride, size_t n_rows, int32_t* out);

// The fastest kernel this CPU runs (scalar under PAGEWISE_FORCE_SCALAR=1).
Int8DotRowsFn int8_dot_rows();

inline constexpr size_t kInt8RowAlignment = 32;

}  // namespace pw::rag
