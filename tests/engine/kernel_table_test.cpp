// The kernel table: an entry for every format the engine promises, consistent activation
// formats, scalar table really scalar, fast table using the AVX2 kernels when the CPU has them.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/quant/cpu_features.h"
#include "engine/quant/kernels.h"
#include "engine/tensor/ggml_type.h"

namespace pw::quant {
namespace {

struct Promise {
  GgmlType type;
  GgmlType vec_dot_type;
};

std::vector<Promise> promised_weight_formats() {
  using T = GgmlType;
  std::vector<Promise> p = {{T::F32, T::F32},   {T::F16, T::F16},   {T::BF16, T::BF16},
                            {T::Q4_0, T::Q8_0}, {T::Q4_1, T::Q8_1}, {T::Q5_0, T::Q8_0},
                            {T::Q5_1, T::Q8_1}, {T::Q8_0, T::Q8_0}, {T::IQ4_NL, T::Q8_0}};
#if __has_include("engine/quant/k_quants.h")
  for (T t : {T::Q2_K, T::Q3_K, T::Q4_K, T::Q5_K, T::Q6_K}) p.push_back({t, T::Q8_K});
#endif
  return p;
}

TEST(KernelTable, EveryPromisedWeightFormatIsComplete) {
  for (const Promise& p : promised_weight_formats()) {
    for (const TypeKernels* k : {kernels_for(p.type), scalar_kernels_for(p.type)}) {
      ASSERT_NE(k, nullptr) << type_name(p.type);
      EXPECT_EQ(k->type, p.type);
      EXPECT_EQ(k->vec_dot_type, p.vec_dot_type) << type_name(p.type);
      EXPECT_NE(k->dequantize_row, nullptr) << type_name(p.type);
      EXPECT_NE(k->dequantize_row_scalar, nullptr) << type_name(p.type);
      EXPECT_NE(k->quantize_row, nullptr) << type_name(p.type);
      EXPECT_NE(k->quantize_row_scalar, nullptr) << type_name(p.type);
      EXPECT_NE(k->quantize_row_reference, nullptr) << type_name(p.type);
      EXPECT_NE(k->vec_dot, nullptr) << type_name(p.type);
      EXPECT_NE(k->vec_dot_scalar, nullptr) << type_name(p.type);
      // The activation format must be quantizable.
      const TypeKernels* act = kernels_for(p.vec_dot_type);
      ASSERT_NE(act, nullptr) << type_name(p.vec_dot_type);
      EXPECT_NE(act->quantize_row, nullptr) << type_name(p.vec_dot_type);
    }
  }
}

TEST(KernelTable, ActivationOnlyFormatsHaveQuantizersButNoDot) {
  std::vector<GgmlType> act = {GgmlType::Q8_1};
#if __has_include("engine/quant/k_quants.h")
  act.push_back(GgmlType::Q8_K);
#endif
  for (GgmlType t : act) {
    const TypeKernels* k = kernels_for(t);
    ASSERT_NE(k, nullptr) << type_name(t);
    EXPECT_NE(k->quantize_row, nullptr);
    EXPECT_NE(k->quantize_row_scalar, nullptr);
    EXPECT_EQ(k->vec_dot, nullptr);
  }
}

TEST(KernelTable, KQuantEntriesFollowTheirHeader) {
#if __has_include("engine/quant/k_quants.h")
  for (GgmlType t : {GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::Q8_K})
    EXPECT_NE(kernels_for(t), nullptr) << type_name(t);
#else
  // Built without the K-quant branch: those formats must be reported as not computable,
  // not half-filled.
  for (GgmlType t : {GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::Q8_K})
    EXPECT_EQ(kernels_for(t), nullptr) << type_name(t);
#endif
}

TEST(KernelTable, ScalarTableUsesOnlyScalarKernels) {
  for (uint32_t raw = 0; raw < kGgmlTypeCount; ++raw) {
    if (!is_known_type(raw)) continue;
    const TypeKernels* k = scalar_kernels_for(static_cast<GgmlType>(raw));
    if (!k) continue;
    EXPECT_EQ(k->dequantize_row, k->dequantize_row_scalar) << raw;
    EXPECT_EQ(k->quantize_row, k->quantize_row_scalar) << raw;
    EXPECT_EQ(k->vec_dot, k->vec_dot_scalar) << raw;
  }
}

TEST(KernelTable, FastTableUsesAvx2KernelsWhenAvailable) {
  const bool fast = cpu_features().avx2_fma_f16c;
  for (GgmlType t : {GgmlType::F16, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                     GgmlType::IQ4_NL}) {
    const TypeKernels* k = kernels_for(t);
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->vec_dot != k->vec_dot_scalar, fast) << type_name(t);
    EXPECT_EQ(k->dequantize_row != k->dequantize_row_scalar, fast) << type_name(t);
  }
  EXPECT_EQ(kernels_for(GgmlType::Q8_0)->quantize_row != kernels_for(GgmlType::Q8_0)->quantize_row_scalar, fast);
  // Model files use ggml's reference quantizer, which is not the activation quantizer for Q8.
  EXPECT_NE(kernels_for(GgmlType::Q8_0)->quantize_row_reference, kernels_for(GgmlType::Q8_0)->quantize_row_scalar);
}

TEST(KernelTable, UnknownAndUncomputableTypesGiveNull) {
  EXPECT_EQ(kernels_for(static_cast<GgmlType>(4)), nullptr);
  EXPECT_EQ(kernels_for(static_cast<GgmlType>(31)), nullptr);
  EXPECT_EQ(kernels_for(static_cast<GgmlType>(0xFFFFFFFFu)), nullptr);
  EXPECT_EQ(scalar_kernels_for(static_cast<GgmlType>(1000)), nullptr);
  EXPECT_EQ(kernels_for(GgmlType::I32), nullptr);
  EXPECT_EQ(kernels_for(GgmlType::IQ2_XXS), nullptr);
}

// The usage of kernels.h end to end: quantize activations with the entry of vec_dot_type,
// dot with the weight row; fast and scalar tables agree and match the F32 dot of the
// dequantized rows to within the quantization of the activations.
TEST(KernelTable, UsageExampleComputesTheDotProduct) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int64_t n = 512;
  std::vector<float> w(n), x(n);
  for (auto& v : w) v = normal(rng);
  for (auto& v : x) v = normal(rng);
  for (const Promise& p : promised_weight_formats()) {
    const TypeKernels* k = kernels_for(p.type);
    ASSERT_NE(k, nullptr);
    std::vector<uint8_t> wq(*row_size_bytes(p.type, n)), act(*row_size_bytes(k->vec_dot_type, n));
    k->quantize_row_reference(w.data(), wq.data(), n);
    kernels_for(k->vec_dot_type)->quantize_row(x.data(), act.data(), n);
    std::vector<float> wd(n), xd(n);
    k->dequantize_row(wq.data(), wd.data(), n);
    kernels_for(k->vec_dot_type)->dequantize_row_scalar(act.data(), xd.data(), n);
    double want = 0.0;
    for (int64_t i = 0; i < n; ++i) want += static_cast<double>(wd[i]) * xd[i];
    const float got = k->vec_dot(n, wq.data(), act.data());
    const float got_scalar = scalar_kernels_for(p.type)->vec_dot(n, wq.data(), act.data());
    // The dot of the dequantized rows differs from the kernels only by float rounding and the
    // F16 rounding of Q8_1's s (|m * s| terms); 1e-3 relative to sum |w x| covers both.
    double mag = 0.0;
    for (int64_t i = 0; i < n; ++i) mag += std::fabs(static_cast<double>(wd[i]) * xd[i]);
    EXPECT_NEAR(got, want, 1e-3 * mag) << type_name(p.type);
    EXPECT_NEAR(got_scalar, want, 1e-3 * mag) << type_name(p.type);
  }
}

}  // namespace
}  // namespace pw::quant
