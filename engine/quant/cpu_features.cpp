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
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx_vnni = __builtin_cpu_supports("avxvnni");
    const char* force = std::getenv("PAGEWISE_FORCE_SCALAR");
    f.forced_scalar = force && *force && std::strcmp(force, "0") != 0;
    f.avx2_fma_f16c = f.avx2 && f.fma && f.f16c && !f.forced_scalar;
    return f;
  }();
  return features;
}

}  // namespace pw::quant
