// Sign-bit codes of vectors and their Hamming distances: the coarse first pass of the
// semantic scan on large indexes (vector_index.h), 1 bit per dimension instead of 8.
//
//   std::vector<uint64_t> code(pw::rag::binary_code_words(dim));
//   pw::rag::binary_code(values, code.data());                        // bit i = values[i] > 0
//   std::vector<uint16_t> dist(n_rows);
//   pw::rag::hamming_rows()(code.data(), codes, words, n_rows, dist.data());   // best kernel
//   pw::rag::hamming_rows_scalar(code.data(), codes, words, n_rows, dist.data());  // reference twin
//
// Why it works: for vectors from a trained encoder the angle between two vectors is about
// pi * hamming / dim (random-hyperplane argument), so the rows nearest in Hamming distance
// hold the rows nearest in cosine; the int8 scan then rescores only those. Contract (tests
// compare the kernels for equality): `words` uint64 per row, unused high bits zero in the
// query and every row; results are exact counts (at most 64 * words, which fits uint16 for
// dim <= 65535).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pw::rag {

constexpr size_t binary_code_words(size_t dim) { return (dim + 63) / 64; }

// Bit i of the code (word i / 64, bit i % 64) is set when values[i] > 0. Writes
// binary_code_words(values.size()) words.
void binary_code(std::span<const float> values, uint64_t* out);
// The same for int8 values (a stored int8 row: the same signs as its floats).
void binary_code(std::span<const int8_t> values, uint64_t* out);

using HammingRowsFn = void (*)(const uint64_t* query, const uint64_t* codes, size_t words, size_t n_rows,
                               uint16_t* out);

void hamming_rows_scalar(const uint64_t* query, const uint64_t* codes, size_t words, size_t n_rows, uint16_t* out);
// Only call when the CPU has AVX2 (every such CPU also has POPCNT, which it uses).
void hamming_rows_avx2(const uint64_t* query, const uint64_t* codes, size_t words, size_t n_rows, uint16_t* out);

// The fastest kernel this CPU runs (scalar under PAGEWISE_FORCE_SCALAR=1).
HammingRowsFn hamming_rows();

}  // namespace pw::rag
