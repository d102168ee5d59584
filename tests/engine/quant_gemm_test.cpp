// Gemm panels (engine/quant/gemm_kernels.h) against the vec_dot tiles and the scalar twins for
// every format with a fast panel: random quantized rows of several lengths, every panel height
// 1..kGemmRows and odd token counts (the 1-token tail of the 2-token loop). The AVX2 panels
// must give the tiles' results bit for bit (so prompt batches that take the gemm path agree
// exactly with decoding), and the scalar twin agree within float rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "engine/quant/cpu_features.h"
#include "engine/quant/gemm_kernels.h"
#include "engine/quant/kernels.h"
#include "engine/quant/tile_kernels.h"
#include "engine/tensor/ggml_type.h"

namespace pw::quant {
namespace {

struct Rows {
  std::vector<uint8_t> bytes;
  size_t row_bytes = 0;
};

Rows make_rows(const TypeKernels& k, int64_t n, int count, std::mt19937& rng) {
  Rows r;
  r.row_bytes = static_cast<size_t>(*row_size_bytes(k.type, static_cast<uint64_t>(n)));
  r.bytes.resize(r.row_bytes * static_cast<size_t>(count));
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::uniform_real_distribution<float> spread(0.01f, 4.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < count; ++i) {
    for (int64_t j = 0; j < n; ++j) v[static_cast<size_t>(j)] = nd(rng) * (j % 32 == 0 ? spread(rng) : 1.0f) + (i % 3 == 1 ? 0.3f : 0.0f);
    k.quantize_row(v.data(), r.bytes.data() + static_cast<size_t>(i) * r.row_bytes, n);
  }
  return r;
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
std::unique_ptr<void, FreeDeleter> panel_for(const GemmKernels& g, int64_t n) {
  return std::unique_ptr<void, FreeDeleter>(std::aligned_alloc(64, (g.panel_bytes(n) + 63) / 64 * 64));
}

TEST(QuantGemm, KQuantsHaveFastPanelsAndEveryPanelFormatATwin) {
  for (GgmlType t : {GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
    const TypeKernels* k = kernels_for(t);
    ASSERT_NE(k, nullptr);
    EXPECT_NE(k->gemm_scalar, nullptr) << type_name(t);
    if (cpu_features().avx2_fma_f16c) {
      EXPECT_NE(k->gemm, nullptr) << type_name(t);
    }
    EXPECT_EQ(scalar_kernels_for(t)->gemm, nullptr) << type_name(t) << ": the scalar table has no fast panels";
  }
}

TEST(QuantGemm, PanelsMatchTilesBitForBitAndTheScalarTwin) {
  ASSERT_TRUE(cpu_features().avx2_fma_f16c) << "AVX2/FMA/F16C needed to compare the fast panels";
  std::mt19937 rng(33);
  int formats = 0;
  for (uint32_t id = 0; id < kGgmlTypeCount; ++id) {
    if (!is_known_type(id)) continue;
    const TypeKernels* kp = kernels_for(static_cast<GgmlType>(id));
    if (!kp || !kp->gemm) continue;
    ++formats;
    const TypeKernels& k = *kp;
    const TypeKernels& ak = *kernels_for(k.vec_dot_type);
    ASSERT_NE(k.gemm_scalar, nullptr) << type_name(k.type);
    ASSERT_NE(k.vec_dot_tile, nullptr) << type_name(k.type);
    const int64_t block = static_cast<int64_t>(type_info(k.type).block_size);
    for (int64_t n : {block, 3 * block, 2048 + block}) {
      constexpr int kTokens = 5;
      const Rows w = make_rows(k, n, kGemmRows, rng);
      const Rows a = make_rows(ak, n, kTokens, rng);
      // Reference: the fast tile, 1x1.
      std::vector<float> one(kGemmRows * kTokens);
      for (int t = 0; t < kTokens; ++t)
        for (int r = 0; r < kGemmRows; ++r)
          k.vec_dot_tile(n, w.bytes.data() + r * w.row_bytes, w.row_bytes, 1, a.bytes.data() + t * a.row_bytes,
                         a.row_bytes, 1, &one[static_cast<size_t>(t * kGemmRows + r)], kGemmRows);
      auto panel = panel_for(*k.gemm, n);
      auto twin_panel = panel_for(*k.gemm_scalar, n);
      for (int nr = 1; nr <= kGemmRows; ++nr)
        for (int nt : {1, 2, 3, kTokens}) {
          std::vector<float> y(kGemmRows * kTokens, -7.0f), twin(kGemmRows * kTokens, -7.0f);
          k.gemm->pack(n, w.bytes.data(), w.row_bytes, nr, panel.get());
          k.gemm->run(n, panel.get(), nr, a.bytes.data(), a.row_bytes, nt, y.data(), kGemmRows);
          k.gemm_scalar->pack(n, w.bytes.data(), w.row_bytes, nr, twin_panel.get());
          k.gemm_scalar->run(n, twin_panel.get(), nr, a.bytes.data(), a.row_bytes, nt, twin.data(), kGemmRows);
          for (int t = 0; t < kTokens; ++t)
            for (int r = 0; r < kGemmRows; ++r) {
              const size_t i = static_cast<size_t>(t * kGemmRows + r);
              if (r < nr && t < nt) {
                EXPECT_EQ(std::memcmp(&y[i], &one[i], sizeof(float)), 0)
                    << type_name(k.type) << " n=" << n << " panel " << nr << "x" << nt << " r=" << r << " t=" << t
                    << ": " << y[i] << " vs tile " << one[i];
                // Only the order of float additions differs from the scalar vec_dot.
                EXPECT_NEAR(twin[i], one[i], 1e-5 * (std::fabs(one[i]) + 1.0f) * std::sqrt(static_cast<float>(n)))
                    << type_name(k.type) << " n=" << n << " twin r=" << r << " t=" << t;
              } else {
                EXPECT_EQ(y[i], -7.0f) << type_name(k.type) << ": wrote outside the panel's rows/tokens";
                EXPECT_EQ(twin[i], -7.0f) << type_name(k.type) << ": twin wrote outside";
              }
            }
        }
    }
  }
  EXPECT_GE(formats, 3);
}

}  // namespace
}  // namespace pw::quant
