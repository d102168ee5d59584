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
    // An environment switch is on when set to anything but "" or "0".
    const auto set = [](const char* name) {
      const char* v = std::getenv(name);
      return v && *v && std::strcmp(v, "0") != 0;
    };
    f.forced_scalar = set("PAGEWISE_FORCE_SCALAR");
    f.forced_avx2 = set("PAGEWISE_FORCE_AVX2");
    f.avx2_fma_f16c = f.avx2 && f.fma && f.f16c && !f.forced_scalar;
    f.avx512_vnni_kernels =
        f.avx2_fma_f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512_vnni && !f.forced_avx2;
    f.avx512_vbmi = __builtin_cpu_supports("avx512vbmi");
    f.forced_ymm = set("PAGEWISE_FORCE_YMM");
    f.avx512_wide_kernels = f.avx512_vnni_kernels && f.avx512_vbmi && !f.forced_ymm;
    return f;
  }();
  return features;
}

}  // namespace pw::quant
