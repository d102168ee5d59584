// The scalar twin of the gemm panels (gemm_kernels.h): the panel holds the raw rows (with their
// byte size in front) and run() calls the format's scalar vec_dot per (row, token) pair.
#include <cstring>

#include "engine/quant/gemm_kernels.h"
#include "engine/quant/legacy_quants.h"

#if __has_include("engine/quant/k_quants.h")
#include "engine/quant/k_quants.h"
#define PW_GEMM_HAVE_K_QUANTS 1
#else
#define PW_GEMM_HAVE_K_QUANTS 0
#endif

namespace pw::quant {
namespace {

constexpr size_t kHeader = 32;  // keeps the rows 32-byte aligned after the row size

template <GgmlType T>
size_t row_bytes(int64_t n) {
  const auto b = row_size_bytes(T, static_cast<uint64_t>(n));
  return b ? static_cast<size_t>(*b) : 0;
}

template <GgmlType T>
size_t panel_bytes(int64_t n) {
  return kHeader + static_cast<size_t>(kGemmRows) * row_bytes<T>(n);
}

template <GgmlType T>
void pack(int64_t n, const void* w, size_t ws, int nr, void* panel) {
  const size_t rb = row_bytes<T>(n);
  auto* p = static_cast<uint8_t*>(panel);
  std::memcpy(p, &rb, sizeof rb);
  for (int r = 0; r < nr; ++r) std::memcpy(p + kHeader + r * rb, static_cast<const uint8_t*>(w) + r * ws, rb);
}

template <float (*Dot)(int64_t, const void*, const void*)>
void run(int64_t n, const void* panel, int nr, const void* a, size_t as, int64_t nt, float* y, size_t ys) {
  const auto* p = static_cast<const uint8_t*>(panel);
  size_t rb;
  std::memcpy(&rb, p, sizeof rb);
  for (int64_t t = 0; t < nt; ++t)
    for (int r = 0; r < nr; ++r)
      y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] =
          Dot(n, p + kHeader + r * rb, static_cast<const uint8_t*>(a) + static_cast<size_t>(t) * as);
}

template <GgmlType T, float (*Dot)(int64_t, const void*, const void*)>
constexpr GemmKernels kScalar{panel_bytes<T>, pack<T>, run<Dot>, kGemmRows, GemmTier::Scalar, nullptr, nullptr};

}  // namespace

const GemmKernels* gemm_scalar_kernels(GgmlType type) {
  switch (type) {
    case GgmlType::Q4_0: return &kScalar<GgmlType::Q4_0, vec_dot_q4_0_q8_0_scalar>;
    case GgmlType::Q5_0: return &kScalar<GgmlType::Q5_0, vec_dot_q5_0_q8_0_scalar>;
    case GgmlType::Q8_0: return &kScalar<GgmlType::Q8_0, vec_dot_q8_0_q8_0_scalar>;
#if PW_GEMM_HAVE_K_QUANTS
    case GgmlType::Q4_K: return &kScalar<GgmlType::Q4_K, vec_dot_q4_K_q8_K_scalar>;
    case GgmlType::Q5_K: return &kScalar<GgmlType::Q5_K, vec_dot_q5_K_q8_K_scalar>;
    case GgmlType::Q6_K: return &kScalar<GgmlType::Q6_K, vec_dot_q6_K_q8_K_scalar>;
#endif
    default: return nullptr;
  }
}

}  // namespace pw::quant
