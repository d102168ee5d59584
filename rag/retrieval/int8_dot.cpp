#include "rag/retrieval/int8_dot.h"

#include "engine/quant/cpu_features.h"

namespace pw::rag {

void int8_dot_rows_scalar(const int8_t* query, const int8_t* rows, size_t stride, size_t n_rows, int32_t* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    const int8_t* row = rows + r * stride;
    int32_t sum = 0;
    for (size_t i = 0; i < stride; ++i) sum += int32_t{query[i]} * int32_t{row[i]};
    out[r] = sum;
  }
}

Int8DotRowsFn int8_dot_rows() {
  const auto& cpu = quant::cpu_features();
  if (cpu.avx2 && !cpu.forced_scalar) return &int8_dot_rows_avx2;
  return &int8_dot_rows_scalar;
}

}  // namespace pw::rag
