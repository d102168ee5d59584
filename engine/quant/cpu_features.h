// What the CPU can do, detected once at run time (CPUID), so one x86-64 binary runs everywhere
// and uses AVX2/FMA/F16C where present.
//
//   if (pw::quant::cpu_features().avx2_fma_f16c) table = avx2_kernels;
//
// PAGEWISE_FORCE_SCALAR=1 in the environment turns every fast path off (for debugging and for
// comparing speed); PAGEWISE_FORCE_AVX2=1 turns only the AVX-512 paths off (to compare them with
// the AVX2 kernels on the same machine); PAGEWISE_FORCE_YMM=1 only the 512-bit-register tiles
// (avx512_wide_kernels); tests call scalar kernels directly instead.
#pragma once

namespace pw::quant {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx2_fma_f16c = false;  // all three: what *_avx2.cpp kernels need
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512_vnni = false;    // the AVX-512 VNNI instructions (vpdpbusd, vpdpwssd)
  // avx2_fma_f16c and AVX-512 F/BW/VL/VNNI: what *_avx512.cpp kernels need (256-bit vpdpbusd on
  // ymm registers comes with VL + VNNI). False under PAGEWISE_FORCE_AVX2 or FORCE_SCALAR.
  bool avx512_vnni_kernels = false;
  bool avx512_vbmi = false;
  // avx512_vnni_kernels on a core with AVX512-VBMI (Ice Lake, Zen 4 and later): the 512-bit
  // tiles of wide_tile_kernels_avx512.cpp run there. Skylake-X/Cascade Lake lack VBMI and slow
  // their clock for 512-bit instructions: they keep the 256-bit tiles. False under
  // PAGEWISE_FORCE_YMM (to compare the two on one machine) and whatever turns off
  // avx512_vnni_kernels.
  bool avx512_wide_kernels = false;
  bool avx_vnni = false;       // the VEX-encoded AVX-VNNI of later cores; detected, for reports only
  bool forced_scalar = false;  // PAGEWISE_FORCE_SCALAR was set
  bool forced_avx2 = false;    // PAGEWISE_FORCE_AVX2 was set
  bool forced_ymm = false;     // PAGEWISE_FORCE_YMM was set
};

const CpuFeatures& cpu_features();

}  // namespace pw::quant
