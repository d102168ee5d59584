// Gemm panels (engine/quant/gemm_kernels.h) against the vec_dot tiles and the scalar twins.
// AVX2 panels (K-quants): random quantized rows of several lengths, every panel height
// 1..kGemmRows and odd token counts; they must give the tiles' results bit for bit (so prompt
// batches on that path agree exactly with decoding), and the scalar twin within float rounding.
// AVX-512 VNNI panels (Q4_0, Q5_0, Q8_0, Q4_K, Q5_K, Q6_K; skipped with a message on a CPU
// without VNNI): 21 rows (a full 16-row panel and a ragged one) x 1..19 tokens (full 8- and
// 4-token register tiles and every tail), against the scalar twin within float rounding; they
// compute the same integer block sums but scale them in another order.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <algorithm>
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

TEST(QuantGemm, Avx2PanelsMatchTilesBitForBitAndTheScalarTwin) {
  ASSERT_TRUE(cpu_features().avx2_fma_f16c) << "AVX2/FMA/F16C needed to compare the fast panels";
  std::mt19937 rng(33);
  int formats = 0;
  for (uint32_t id = 0; id < kGgmlTypeCount; ++id) {
    if (!is_known_type(id)) continue;
    const TypeKernels* kp = kernels_for(static_cast<GgmlType>(id));
    if (!kp || !gemm_kernels_avx2(kp->type)) continue;
    ++formats;
    const TypeKernels& k = *kp;
    const GemmKernels& fast = *gemm_kernels_avx2(kp->type);
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
      auto panel = panel_for(fast, n);
      auto twin_panel = panel_for(*k.gemm_scalar, n);
      for (int nr = 1; nr <= kGemmRows; ++nr)
        for (int nt : {1, 2, 3, kTokens}) {
          std::vector<float> y(kGemmRows * kTokens, -7.0f), twin(kGemmRows * kTokens, -7.0f);
          fast.pack(n, w.bytes.data(), w.row_bytes, nr, panel.get());
          fast.run(n, panel.get(), nr, a.bytes.data(), a.row_bytes, nt, y.data(), kGemmRows);
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

// Float activations quantized for the twin (the vec_dot_type's rows) and for the panel under
// test (its own layout when it has one).
std::vector<uint8_t> acts_for(const TypeKernels& k, const GemmKernels& g, const std::vector<float>& x, int64_t n,
                              int count, size_t& stride) {
  const TypeKernels& ak = *kernels_for(k.vec_dot_type);
  stride = g.quantize_acts ? g.act_row_bytes(n) : static_cast<size_t>(*row_size_bytes(ak.type, static_cast<uint64_t>(n)));
  std::vector<uint8_t> out(stride * static_cast<size_t>(count));
  for (int t = 0; t < count; ++t) {
    const float* xt = x.data() + static_cast<size_t>(t) * static_cast<size_t>(n);
    if (g.quantize_acts) g.quantize_acts(xt, out.data() + t * stride, n);
    else ak.quantize_row(xt, out.data() + t * stride, n);
  }
  return out;
}

TEST(QuantGemm, VnniPanelsAgreeWithTheScalarTwin) {
  if (!cpu_features().avx512_vnni_kernels) {
    GTEST_SKIP() << "CPU without AVX-512 VNNI (or PAGEWISE_FORCE_AVX2 set): VNNI panels not compared";
  }
  std::mt19937 rng(71);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  int formats = 0;
  for (GgmlType type : {GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
    const GemmKernels* gp = gemm_kernels_avx512(type);
    ASSERT_NE(gp, nullptr) << type_name(type);
    const GemmKernels& g = *gp;
    const TypeKernels& k = *kernels_for(type);
    ASSERT_EQ(k.gemm, gp) << type_name(type) << ": the table should pick the VNNI panels on this CPU";
    ASSERT_NE(k.gemm_scalar, nullptr);
    ++formats;
    const int64_t block = static_cast<int64_t>(type_info(type).block_size);
    for (int64_t n : {block, 3 * block, 2048 + block}) {
      constexpr int kRows = 21;    // a full panel of 16 and a ragged one of 5
      constexpr int kTokens = 19;  // two 8-token tiles and a 3-token tail (and 4 + 3 for K)
      const Rows w = make_rows(k, n, kRows, rng);
      std::vector<float> x(static_cast<size_t>(n) * kTokens);
      for (auto& v : x) v = nd(rng);
      size_t as = 0, ts = 0;
      const auto a = acts_for(k, g, x, n, kTokens, as);
      const auto ta = acts_for(k, *k.gemm_scalar, x, n, kTokens, ts);
      auto panel = panel_for(g, n);
      auto twin_panel = panel_for(*k.gemm_scalar, n);
      // Reference: the scalar twin, 4 rows at a time.
      std::vector<float> ref(static_cast<size_t>(kRows) * kTokens);
      for (int r0 = 0; r0 < kRows; r0 += k.gemm_scalar->rows) {
        const int nr = std::min(k.gemm_scalar->rows, kRows - r0);
        k.gemm_scalar->pack(n, w.bytes.data() + r0 * w.row_bytes, w.row_bytes, nr, twin_panel.get());
        k.gemm_scalar->run(n, twin_panel.get(), nr, ta.data(), ts, kTokens, ref.data() + r0, kRows);
      }
      for (int nt : {1, 3, 8, kTokens}) {
        std::vector<float> y(static_cast<size_t>(kRows) * kTokens, -7.0f);
        for (int r0 = 0; r0 < kRows; r0 += g.rows) {
          const int nr = std::min(g.rows, kRows - r0);
          g.pack(n, w.bytes.data() + r0 * w.row_bytes, w.row_bytes, nr, panel.get());
          g.run(n, panel.get(), nr, a.data(), as, nt, y.data() + r0, kRows);
        }
        for (int t = 0; t < kTokens; ++t)
          for (int r = 0; r < kRows; ++r) {
            const size_t i = static_cast<size_t>(t * kRows + r);
            if (t < nt) {
              // The same integer block sums; only the order of the float scaling differs.
              EXPECT_NEAR(y[i], ref[i], 2e-5 * (std::fabs(ref[i]) + 1.0f) * std::sqrt(static_cast<float>(n)))
                  << type_name(type) << " n=" << n << " nt=" << nt << " r=" << r << " t=" << t;
            } else {
              EXPECT_EQ(y[i], -7.0f) << type_name(type) << ": wrote outside the tokens";
            }
          }
      }
    }
  }
  EXPECT_EQ(formats, 6);
}

}  // namespace
}  // namespace pw::quant
