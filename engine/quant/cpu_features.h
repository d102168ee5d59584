// What the CPU can do, detected once at run time (CPUID), so one x86-64 binary runs everywhere
// and uses AVX2/FMA/F16C where present.
//
//   if (pw::quant::cpu_features().avx2_fma_f16c) table = avx2_kernels;
//
// PAGEWISE_FORCE_SCALAR=1 in the environment turns every fast path off (for debugging and for
// comparing speed); tests call scalar kernels directly instead.
#pragma once

namespace pw::quant {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx2_fma_f16c = false;  // all three: what *_avx2.cpp kernels need
  bool avx512f = false;        // detected, for reports only
  bool avx_vnni = false;       // detected, for reports only
  bool forced_scalar = false;  // PAGEWISE_FORCE_SCALAR was set
};

const CpuFeatures& cpu_features();

}  // namespace pw::quant
