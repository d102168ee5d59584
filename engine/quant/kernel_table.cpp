// kernels_for() / scalar_kernels_for(): one TypeKernels per format, built once (thread-safe
// static initialisation) from cpu_features(). See kernels.h for the contract.
//
// The K-quant and IQ4_XS kernels are written on their own branch (engine/quant/k_quants.h,
// iq4_xs*). Their entries are compiled only when those headers exist, so this file builds with
// or without them; kernels that header may or may not provide (the _avx2 dequantizers,
// dequantize_row_q8_K, everything IQ4_XS) are detected by overload resolution below.
#include <array>
#include <type_traits>

#include "engine/quant/cpu_features.h"
#include "engine/quant/gemm_kernels.h"
#include "engine/quant/kernels.h"
#include "engine/quant/legacy_quants.h"
#include "engine/quant/tile_kernels.h"

#if __has_include("engine/quant/k_quants.h")
#include "engine/quant/k_quants.h"
#define PW_HAVE_K_QUANTS 1
#else
#define PW_HAVE_K_QUANTS 0
#endif
#if __has_include("engine/quant/iq4_xs.h")
#include "engine/quant/iq4_xs.h"
#endif

namespace pw::quant {

// Optional kernels. Each name gets a never-defined fallback template; a real function of the
// same name and kernels.h signature, when declared, wins overload resolution (non-template
// beats template), so `kHas_<name>` tells whether it exists. Calls to a missing one only ever
// sit in discarded `if constexpr` branches, so nothing needs the fallback's definition.
namespace optional_kernel {
struct Missing {
  // Only so that a wrapper returning a missing vec_dot's result compiles; never called.
  explicit operator float() const { return 0.0f; }
};
}  // namespace optional_kernel

#define PW_OPTIONAL_DEQUANTIZE(name)                                                             \
  template <typename T = void>                                                                   \
  optional_kernel::Missing name(const void*, float*, int64_t, T* = nullptr);                     \
  inline constexpr bool kHas_##name = !std::is_same_v<                                           \
      decltype(name(static_cast<const void*>(nullptr), static_cast<float*>(nullptr), int64_t{})), \
      optional_kernel::Missing>;                                                                 \
  inline DequantizeRowFn optional_##name() {                                                     \
    if constexpr (kHas_##name) {                                                                 \
      return [](const void* s, float* d, int64_t n) { name(s, d, n); };                          \
    } else {                                                                                     \
      return nullptr;                                                                            \
    }                                                                                            \
  }

#define PW_OPTIONAL_QUANTIZE(name)                                                               \
  template <typename T = void>                                                                   \
  optional_kernel::Missing name(const float*, void*, int64_t, T* = nullptr);                     \
  inline constexpr bool kHas_##name = !std::is_same_v<                                           \
      decltype(name(static_cast<const float*>(nullptr), static_cast<void*>(nullptr), int64_t{})), \
      optional_kernel::Missing>;                                                                 \
  inline QuantizeRowFn optional_##name() {                                                       \
    if constexpr (kHas_##name) {                                                                 \
      return [](const float* s, void* d, int64_t n) { name(s, d, n); };                          \
    } else {                                                                                     \
      return nullptr;                                                                            \
    }                                                                                            \
  }

#define PW_OPTIONAL_VEC_DOT(name)                                                                \
  template <typename T = void>                                                                   \
  optional_kernel::Missing name(int64_t, const void*, const void*, T* = nullptr);                \
  inline constexpr bool kHas_##name = !std::is_same_v<                                           \
      decltype(name(int64_t{}, static_cast<const void*>(nullptr), static_cast<const void*>(nullptr))), \
      optional_kernel::Missing>;                                                                 \
  inline VecDotFn optional_##name() {                                                            \
    if constexpr (kHas_##name) {                                                                 \
      return [](int64_t n, const void* x, const void* y) -> float { return static_cast<float>(name(n, x, y)); }; \
    } else {                                                                                     \
      return nullptr;                                                                            \
    }                                                                                            \
  }

#if PW_HAVE_K_QUANTS
PW_OPTIONAL_DEQUANTIZE(dequantize_row_q2_K_avx2)
PW_OPTIONAL_DEQUANTIZE(dequantize_row_q3_K_avx2)
PW_OPTIONAL_DEQUANTIZE(dequantize_row_q4_K_avx2)
PW_OPTIONAL_DEQUANTIZE(dequantize_row_q5_K_avx2)
PW_OPTIONAL_DEQUANTIZE(dequantize_row_q6_K_avx2)
PW_OPTIONAL_DEQUANTIZE(dequantize_row_q8_K)
#endif
PW_OPTIONAL_DEQUANTIZE(dequantize_row_iq4_xs)
PW_OPTIONAL_DEQUANTIZE(dequantize_row_iq4_xs_avx2)
PW_OPTIONAL_QUANTIZE(quantize_row_iq4_xs)
PW_OPTIONAL_VEC_DOT(vec_dot_iq4_xs_q8_K_scalar)
PW_OPTIONAL_VEC_DOT(vec_dot_iq4_xs_q8_K_avx2)

namespace {

struct Table {
  std::array<TypeKernels, kGgmlTypeCount> entry{};
  std::array<bool, kGgmlTypeCount> present{};

  void add(const TypeKernels& k) {
    const auto i = static_cast<uint32_t>(k.type);
    entry[i] = k;
    present[i] = true;
  }
  const TypeKernels* find(GgmlType t) const {
    const auto i = static_cast<uint32_t>(t);
    return i < kGgmlTypeCount && present[i] ? &entry[i] : nullptr;
  }
};

template <typename Fn>
Fn pick(bool fast, Fn fast_fn, Fn scalar_fn) {
  return fast && fast_fn ? fast_fn : scalar_fn;
}

// A weight format whose reference quantizer is also its activation quantizer.
TypeKernels weight_format(bool fast, GgmlType type, GgmlType vec_dot_type, DequantizeRowFn deq_fast,
                          DequantizeRowFn deq, QuantizeRowFn quant, VecDotFn dot_fast, VecDotFn dot) {
  return TypeKernels{type, vec_dot_type, pick(fast, deq_fast, deq), deq, quant, quant, quant,
                     pick(fast, dot_fast, dot), dot};
}

// Tile kernels (tile_kernels.h) of the formats that have one; the scalar twin is the format's
// scalar vec_dot pair by pair. AVX-512 VNNI tiles replace the AVX2 ones when the CPU has them
// (cpu_features().avx512_vnni_kernels, off under PAGEWISE_FORCE_AVX2).
void attach_tiles(Table& t, bool fast) {
  using T = GgmlType;
  const bool vnni = fast && cpu_features().avx512_vnni_kernels;
  const bool wide = fast && cpu_features().avx512_wide_kernels;
  const auto set = [&](T type, VecDotTileFn fast_fn, VecDotTileFn scalar_fn, VecDotTileFn vnni_fn = nullptr,
                       VecDotTileFn wide_fn = nullptr) {
    const auto i = static_cast<uint32_t>(type);
    if (!t.present[i]) return;
    t.entry[i].vec_dot_tile = wide && wide_fn ? wide_fn : vnni && vnni_fn ? vnni_fn : pick(fast, fast_fn, scalar_fn);
    t.entry[i].vec_dot_tile_scalar = scalar_fn;
  };
  set(T::Q4_0, vec_dot_tile_q4_0_q8_0_avx2, vec_dot_tile_by_pairs<vec_dot_q4_0_q8_0_scalar>,
      vec_dot_tile_q4_0_q8_0_avx512, vec_dot_tile_q4_0_q8_0_avx512_wide);
  set(T::Q4_1, vec_dot_tile_q4_1_q8_1_avx2, vec_dot_tile_by_pairs<vec_dot_q4_1_q8_1_scalar>);
  set(T::Q5_0, vec_dot_tile_q5_0_q8_0_avx2, vec_dot_tile_by_pairs<vec_dot_q5_0_q8_0_scalar>,
      vec_dot_tile_q5_0_q8_0_avx512, vec_dot_tile_q5_0_q8_0_avx512_wide);
  set(T::Q5_1, vec_dot_tile_q5_1_q8_1_avx2, vec_dot_tile_by_pairs<vec_dot_q5_1_q8_1_scalar>);
  set(T::Q8_0, vec_dot_tile_q8_0_q8_0_avx2, vec_dot_tile_by_pairs<vec_dot_q8_0_q8_0_scalar>,
      vec_dot_tile_q8_0_q8_0_avx512, vec_dot_tile_q8_0_q8_0_avx512_wide);
  set(T::IQ4_NL, vec_dot_tile_iq4_nl_q8_0_avx2, vec_dot_tile_by_pairs<vec_dot_iq4_nl_q8_0_scalar>, nullptr,
      vec_dot_tile_iq4_nl_q8_0_avx512_wide);
  // Decode walks of the fast tiles (the scalar tables keep tiles), the walk of the tile the
  // table picked above: each output bit-identical to vec_dot_tile's.
  const auto set_rows = [&](T type, VecDotRowsFn fast_fn, VecDotRowsFn vnni_fn = nullptr,
                            VecDotRowsFn wide_fn = nullptr) {
    const auto i = static_cast<uint32_t>(type);
    if (t.present[i] && fast)
      t.entry[i].vec_dot_rows = wide && wide_fn ? wide_fn : vnni && vnni_fn ? vnni_fn : fast_fn;
  };
  set_rows(T::Q4_0, vec_dot_rows_q4_0_q8_0_avx2, vec_dot_rows_q4_0_q8_0_avx512, vec_dot_rows_q4_0_q8_0_avx512_wide);
  set_rows(T::Q4_1, vec_dot_rows_q4_1_q8_1_avx2);
  set_rows(T::Q5_0, vec_dot_rows_q5_0_q8_0_avx2, vec_dot_rows_q5_0_q8_0_avx512, vec_dot_rows_q5_0_q8_0_avx512_wide);
  set_rows(T::Q5_1, vec_dot_rows_q5_1_q8_1_avx2);
  set_rows(T::Q8_0, vec_dot_rows_q8_0_q8_0_avx2, vec_dot_rows_q8_0_q8_0_avx512, vec_dot_rows_q8_0_q8_0_avx512_wide);
  set_rows(T::IQ4_NL, vec_dot_rows_iq4_nl_q8_0_avx2, nullptr, vec_dot_rows_iq4_nl_q8_0_avx512_wide);
#if PW_HAVE_K_QUANTS
  set_rows(T::Q4_K, vec_dot_rows_q4_K_q8_K_avx2, vec_dot_rows_q4_K_q8_K_avx512);
  set_rows(T::Q5_K, vec_dot_rows_q5_K_q8_K_avx2, vec_dot_rows_q5_K_q8_K_avx512);
  set_rows(T::Q6_K, vec_dot_rows_q6_K_q8_K_avx2, vec_dot_rows_q6_K_q8_K_avx512);
  set(T::Q4_K, vec_dot_tile_q4_K_q8_K_avx2, vec_dot_tile_by_pairs<vec_dot_q4_K_q8_K_scalar>,
      vec_dot_tile_q4_K_q8_K_avx512);
  set(T::Q5_K, vec_dot_tile_q5_K_q8_K_avx2, vec_dot_tile_by_pairs<vec_dot_q5_K_q8_K_scalar>,
      vec_dot_tile_q5_K_q8_K_avx512);
  set(T::Q6_K, vec_dot_tile_q6_K_q8_K_avx2, vec_dot_tile_by_pairs<vec_dot_q6_K_q8_K_scalar>,
      vec_dot_tile_q6_K_q8_K_avx512);
#endif
  // Formats whose only tiles are the 512-bit ones: elsewhere they keep vec_dot pair by pair
  // (set and set_rows skip a format the table does not hold).
  if (wide) {
#if PW_HAVE_K_QUANTS
    set(T::Q2_K, nullptr, vec_dot_tile_by_pairs<vec_dot_q2_K_q8_K_scalar>, nullptr, vec_dot_tile_q2_K_q8_K_avx512_wide);
    set_rows(T::Q2_K, nullptr, nullptr, vec_dot_rows_q2_K_q8_K_avx512_wide);
    set(T::Q3_K, nullptr, vec_dot_tile_by_pairs<vec_dot_q3_K_q8_K_scalar>, nullptr, vec_dot_tile_q3_K_q8_K_avx512_wide);
    set_rows(T::Q3_K, nullptr, nullptr, vec_dot_rows_q3_K_q8_K_avx512_wide);
#endif
    if constexpr (kHas_vec_dot_iq4_xs_q8_K_scalar) {
      set(T::IQ4_XS, nullptr, vec_dot_tile_by_pairs<vec_dot_iq4_xs_q8_K_scalar>, nullptr,
          vec_dot_tile_iq4_xs_q8_K_avx512_wide);
      set_rows(T::IQ4_XS, nullptr, nullptr, vec_dot_rows_iq4_xs_q8_K_avx512_wide);
    }
  }
}

Table build(bool fast) {
  using T = GgmlType;
  Table t;
  t.add({T::F32, T::F32, dequantize_row_f32, dequantize_row_f32, quantize_row_f32, quantize_row_f32,
         quantize_row_f32, pick<VecDotFn>(fast, vec_dot_f32_f32_avx2, vec_dot_f32_f32_scalar),
         vec_dot_f32_f32_scalar});
  t.add({T::F16, T::F16, pick<DequantizeRowFn>(fast, dequantize_row_f16_avx2, dequantize_row_f16),
         dequantize_row_f16, pick<QuantizeRowFn>(fast, quantize_row_f16_avx2, quantize_row_f16),
         quantize_row_f16, quantize_row_f16,
         pick<VecDotFn>(fast, vec_dot_f16_f16_avx2, vec_dot_f16_f16_scalar), vec_dot_f16_f16_scalar});
  t.add({T::BF16, T::BF16, pick<DequantizeRowFn>(fast, dequantize_row_bf16_avx2, dequantize_row_bf16),
         dequantize_row_bf16, pick<QuantizeRowFn>(fast, quantize_row_bf16_avx2, quantize_row_bf16),
         quantize_row_bf16, quantize_row_bf16,
         pick<VecDotFn>(fast, vec_dot_bf16_bf16_avx2, vec_dot_bf16_bf16_scalar), vec_dot_bf16_bf16_scalar});

  t.add(weight_format(fast, T::Q4_0, T::Q8_0, dequantize_row_q4_0_avx2, dequantize_row_q4_0,
                      quantize_row_q4_0, vec_dot_q4_0_q8_0_avx2, vec_dot_q4_0_q8_0_scalar));
  t.add(weight_format(fast, T::Q4_1, T::Q8_1, dequantize_row_q4_1_avx2, dequantize_row_q4_1,
                      quantize_row_q4_1, vec_dot_q4_1_q8_1_avx2, vec_dot_q4_1_q8_1_scalar));
  t.add(weight_format(fast, T::Q5_0, T::Q8_0, dequantize_row_q5_0_avx2, dequantize_row_q5_0,
                      quantize_row_q5_0, vec_dot_q5_0_q8_0_avx2, vec_dot_q5_0_q8_0_scalar));
  t.add(weight_format(fast, T::Q5_1, T::Q8_1, dequantize_row_q5_1_avx2, dequantize_row_q5_1,
                      quantize_row_q5_1, vec_dot_q5_1_q8_1_avx2, vec_dot_q5_1_q8_1_scalar));
  t.add(weight_format(fast, T::IQ4_NL, T::Q8_0, dequantize_row_iq4_nl_avx2, dequantize_row_iq4_nl,
                      quantize_row_iq4_nl, vec_dot_iq4_nl_q8_0_avx2, vec_dot_iq4_nl_q8_0_scalar));
  // Q8_0 is both a weight format and the activation format of Q4_0/Q5_0/Q8_0/IQ4_NL.
  t.add({T::Q8_0, T::Q8_0, pick<DequantizeRowFn>(fast, dequantize_row_q8_0_avx2, dequantize_row_q8_0),
         dequantize_row_q8_0, pick<QuantizeRowFn>(fast, quantize_row_q8_0_avx2, quantize_row_q8_0),
         quantize_row_q8_0, quantize_row_q8_0_reference,
         pick<VecDotFn>(fast, vec_dot_q8_0_q8_0_avx2, vec_dot_q8_0_q8_0_scalar), vec_dot_q8_0_q8_0_scalar});
  // Q8_1: activations of Q4_1/Q5_1 only.
  t.add({T::Q8_1, T::Q8_1, dequantize_row_q8_1, dequantize_row_q8_1,
         pick<QuantizeRowFn>(fast, quantize_row_q8_1_avx2, quantize_row_q8_1), quantize_row_q8_1,
         quantize_row_q8_1_reference, nullptr, nullptr});

#if PW_HAVE_K_QUANTS
  const auto k_quant = [&](GgmlType type, DequantizeRowFn deq_fast, DequantizeRowFn deq, QuantizeRowFn quant,
                           VecDotFn dot_fast, VecDotFn dot) {
    t.add(weight_format(fast, type, T::Q8_K, deq_fast, deq, quant, dot_fast, dot));
  };
  k_quant(T::Q2_K, optional_dequantize_row_q2_K_avx2(), dequantize_row_q2_K, quantize_row_q2_K,
          vec_dot_q2_K_q8_K_avx2, vec_dot_q2_K_q8_K_scalar);
  k_quant(T::Q3_K, optional_dequantize_row_q3_K_avx2(), dequantize_row_q3_K, quantize_row_q3_K,
          vec_dot_q3_K_q8_K_avx2, vec_dot_q3_K_q8_K_scalar);
  k_quant(T::Q4_K, optional_dequantize_row_q4_K_avx2(), dequantize_row_q4_K, quantize_row_q4_K,
          vec_dot_q4_K_q8_K_avx2, vec_dot_q4_K_q8_K_scalar);
  k_quant(T::Q5_K, optional_dequantize_row_q5_K_avx2(), dequantize_row_q5_K, quantize_row_q5_K,
          vec_dot_q5_K_q8_K_avx2, vec_dot_q5_K_q8_K_scalar);
  k_quant(T::Q6_K, optional_dequantize_row_q6_K_avx2(), dequantize_row_q6_K, quantize_row_q6_K,
          vec_dot_q6_K_q8_K_avx2, vec_dot_q6_K_q8_K_scalar);
  // Q8_K: activations of the K-quants (and IQ4_XS); ggml's x86 code uses the reference.
  t.add({T::Q8_K, T::Q8_K, optional_dequantize_row_q8_K(), optional_dequantize_row_q8_K(),
         pick<QuantizeRowFn>(fast, quantize_row_q8_K_avx2, quantize_row_q8_K), quantize_row_q8_K,
         quantize_row_q8_K, nullptr, nullptr});
#endif
  if constexpr (kHas_dequantize_row_iq4_xs && kHas_vec_dot_iq4_xs_q8_K_scalar) {
    t.add(weight_format(fast, T::IQ4_XS, T::Q8_K, optional_dequantize_row_iq4_xs_avx2(),
                        optional_dequantize_row_iq4_xs(), optional_quantize_row_iq4_xs(),
                        optional_vec_dot_iq4_xs_q8_K_avx2(), optional_vec_dot_iq4_xs_q8_K_scalar()));
  }
  attach_tiles(t, fast);
  // Prompt panels: AVX-512 VNNI where written and the CPU has it, else AVX2, else the scalar twin (vec_dot_scalar per pair; slow,
  // so compute::matmul only picks gemm when the fast one exists).
  for (uint32_t i = 0; i < kGgmlTypeCount; ++i) {
    if (!t.present[i]) continue;
    const auto type = static_cast<GgmlType>(i);
    t.entry[i].gemm_scalar = gemm_scalar_kernels(type);
    const GemmKernels* vnni = fast && cpu_features().avx512_vnni_kernels ? gemm_kernels_avx512(type) : nullptr;
    t.entry[i].gemm = vnni ? vnni : fast ? gemm_kernels_avx2(type) : nullptr;
  }
  return t;
}

}  // namespace

const TypeKernels* kernels_for(GgmlType type) {
  static const Table table = build(cpu_features().avx2_fma_f16c);
  return table.find(type);
}

const TypeKernels* scalar_kernels_for(GgmlType type) {
  static const Table table = build(false);
  return table.find(type);
}

}  // namespace pw::quant
