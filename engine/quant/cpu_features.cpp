#include "engine/quant/cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace pw::quant {

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = [] {
    CpuFeatures f;
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2");
    f.fma = __builtin_cpu_supports("fma");
    f.f16c = __builtin_cpu_supports("f16c");
    // libgcc's detection also checks, through XGETBV, that the OS saves the AVX-512 state.
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx512bw = __builtin_cpu_supports("avx512bw");
    f.avx512vl = __builtin_cpu_supports("avx512vl");
    f.avx512_vnni = __builtin_cpu_supports("avx512vnni");
    f.avx_vnni = __builtin_cpu_supports("avxvnni");
    const char* force = std::getenv("PAGEWISE_FORCE_SCALAR");
    f.forced_scalar = force && *force && std::strcmp(force, "0") != 0;
    const char* force_avx2 = std::getenv("PAGEWISE_FORCE_AVX2");
    f.forced_avx2 = force_avx2 && *force_avx2 && std::strcmp(force_avx2, "0") != 0;
    f.avx2_fma_f16c = f.avx2 && f.fma && f.f16c && !f.forced_scalar;
    f.avx512_vnni_kernels =
        f.avx2_fma_f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512_vnni && !f.forced_avx2;
    return f;
  }();
  return features;
}

}  // namespace pw::quant
