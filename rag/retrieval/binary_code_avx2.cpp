// AVX2-machine twin of hamming_rows_scalar. Compiled with -mavx2 (file name ends in _avx2.cpp)
// and only called after the run-time CPU check in hamming_rows(). For 384-bit codes (6 words)
// the POPCNT instruction per word is as fast as an AVX2 nibble-table count and simpler, so
// this kernel uses it: every AVX2 CPU has POPCNT, which the target attribute enables here only.
#include <immintrin.h>

#include "rag/retrieval/binary_code.h"

namespace pw::rag {

__attribute__((target("popcnt"))) void hamming_rows_avx2(const uint64_t* query, const uint64_t* codes, size_t words,
                                                           size_t n_rows, uint16_t* out) {
  if (words == 6) {  // 384 dimensions (MiniLM, bge-small): unrolled, the query in registers
    const uint64_t q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3], q4 = query[4], q5 = query[5];
    for (size_t r = 0; r < n_rows; ++r) {
      const uint64_t* row = codes + r * 6;
      const uint64_t d = _mm_popcnt_u64(q0 ^ row[0]) + _mm_popcnt_u64(q1 ^ row[1]) + _mm_popcnt_u64(q2 ^ row[2]) +
                         _mm_popcnt_u64(q3 ^ row[3]) + _mm_popcnt_u64(q4 ^ row[4]) + _mm_popcnt_u64(q5 ^ row[5]);
      out[r] = static_cast<uint16_t>(d);
    }
    return;
  }
  for (size_t r = 0; r < n_rows; ++r) {
    const uint64_t* row = codes + r * words;
    uint64_t d = 0;
    for (size_t w = 0; w < words; ++w) d += static_cast<uint64_t>(_mm_popcnt_u64(query[w] ^ row[w]));
    out[r] = static_cast<uint16_t>(d);
  }
}

}  // namespace pw::rag
