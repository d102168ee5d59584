#include "rag/retrieval/binary_code.h"

#include <algorithm>

#include "engine/quant/cpu_features.h"

namespace pw::rag {
namespace {

template <typename T>
void code_of(std::span<const T> values, uint64_t* out) {
  const size_t words = binary_code_words(values.size());
  std::fill(out, out + words, uint64_t{0});
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i] > T{0}) out[i / 64] |= uint64_t{1} << (i % 64);
}

// Portable population count (the scalar twin must not depend on a POPCNT instruction).
inline unsigned bit_count(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
}

}  // namespace

void binary_code(std::span<const float> values, uint64_t* out) { code_of(values, out); }
void binary_code(std::span<const int8_t> values, uint64_t* out) { code_of(values, out); }

void hamming_rows_scalar(const uint64_t* query, const uint64_t* codes, size_t words, size_t n_rows, uint16_t* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    const uint64_t* row = codes + r * words;
    unsigned d = 0;
    for (size_t w = 0; w < words; ++w) d += bit_count(query[w] ^ row[w]);
    out[r] = static_cast<uint16_t>(d);
  }
}

HammingRowsFn hamming_rows() {
  const auto& cpu = quant::cpu_features();
  if (cpu.avx2 && !cpu.forced_scalar) return &hamming_rows_avx2;
  return &hamming_rows_scalar;
}

}  // namespace pw::rag
