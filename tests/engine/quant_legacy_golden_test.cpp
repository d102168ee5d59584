// Our kernels against ggml's own outputs (tests/engine/golden/README.md says how they were
// made): quantizers byte for byte, dequantization bit for bit, dot products within the float
// rounding bound (ggml sums in a different order).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "quant_legacy_test_helpers.h"
#include "support/test_support.h"

namespace pw::quant::testing {
namespace {

struct GoldenFormat {
  GgmlType type{};
  GgmlType act_type{};
  std::vector<uint8_t> weights;
  std::vector<float> dequantized;
  std::vector<uint8_t> activations;
  float dot = 0.0f;
};

struct Golden {
  uint32_t n = 0;
  std::vector<float> w, a;
  std::vector<GoldenFormat> formats;
};

class Reader {
 public:
  explicit Reader(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  bool ok() const { return ok_; }
  void read(void* dst, size_t size) {
    if (!ok_ || size > bytes_.size() - pos_) {
      ok_ = false;
      return;
    }
    std::memcpy(dst, bytes_.data() + pos_, size);
    pos_ += size;
  }
  uint32_t u32() {
    uint32_t v = 0;
    read(&v, 4);
    return v;
  }
  std::vector<float> floats(size_t count) {
    std::vector<float> v(count);
    read(v.data(), count * 4);
    return v;
  }
  std::vector<uint8_t> sized_bytes() {
    const uint32_t size = u32();
    if (size > 1u << 20) ok_ = false;
    std::vector<uint8_t> v(ok_ ? size : 0);
    read(v.data(), v.size());
    return v;
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

Golden load_golden() {
  Reader r(pw::test::read_file(pw::test::source_dir() / "tests/engine/golden/legacy_quants_ggml.bin"));
  Golden g;
  char magic[8] = {};
  r.read(magic, 8);
  EXPECT_EQ(std::string(magic, 8), "PWQGOLD1");
  g.n = r.u32();
  EXPECT_TRUE(g.n > 0 && g.n % 32 == 0 && g.n <= 4096) << g.n;
  if (!r.ok() || g.n == 0 || g.n > 4096) return g;
  g.w = r.floats(g.n);
  g.a = r.floats(g.n);
  const uint32_t count = r.u32();
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    GoldenFormat f;
    f.type = static_cast<GgmlType>(r.u32());
    f.act_type = static_cast<GgmlType>(r.u32());
    f.weights = r.sized_bytes();
    f.dequantized = r.floats(g.n);
    f.activations = r.sized_bytes();
    r.read(&f.dot, 4);
    g.formats.push_back(std::move(f));
  }
  EXPECT_TRUE(r.ok() && r.at_end()) << "golden file truncated or too long";
  return g;
}

const LegacyFormat* find_format(GgmlType t) {
  for (const auto& f : legacy_formats()) if (f.type == t) return &f;
  return nullptr;
}

TEST(QuantLegacyGolden, FileCoversEveryLegacyFormat) {
  const Golden g = load_golden();
  ASSERT_EQ(g.formats.size(), legacy_formats().size());
  for (const auto& f : legacy_formats()) {
    bool found = false;
    for (const auto& gf : g.formats) found |= gf.type == f.type && gf.act_type == f.act_type;
    EXPECT_TRUE(found) << f.name;
  }
}

TEST(QuantLegacyGolden, ReferenceQuantizersMatchGgmlByteForByte) {
  const Golden g = load_golden();
  for (const GoldenFormat& gf : g.formats) {
    const TypeKernels* k = kernels_for(gf.type);
    ASSERT_NE(k, nullptr);
    std::vector<uint8_t> ours(row_bytes(gf.type, g.n));
    ASSERT_EQ(ours.size(), gf.weights.size()) << type_name(gf.type);
    k->quantize_row_reference(g.w.data(), ours.data(), g.n);
    EXPECT_EQ(ours, gf.weights) << type_name(gf.type);
  }
}

TEST(QuantLegacyGolden, DequantizationMatchesGgmlBitForBit) {
  ASSERT_TRUE(has_avx2_fma_f16c());
  const Golden g = load_golden();
  for (const GoldenFormat& gf : g.formats) {
    const LegacyFormat* f = find_format(gf.type);
    ASSERT_NE(f, nullptr);
    std::vector<float> scalar(g.n), fast(g.n);
    f->dequantize(gf.weights.data(), scalar.data(), g.n);
    f->dequantize_avx2(gf.weights.data(), fast.data(), g.n);
    for (uint32_t i = 0; i < g.n; ++i) {
      ASSERT_EQ(fp32_to_bits(scalar[i]), fp32_to_bits(gf.dequantized[i])) << f->name << " i=" << i;
      ASSERT_EQ(fp32_to_bits(fast[i]), fp32_to_bits(gf.dequantized[i])) << f->name << " i=" << i;
    }
  }
}

// ggml's AVX2 matmul quantizes activations with half-to-even rounding; so do we (both paths).
// The golden activations include exact ties, where roundf would differ.
TEST(QuantLegacyGolden, ActivationQuantizersMatchGgmlAvx2ByteForByte) {
  const Golden g = load_golden();
  for (const GoldenFormat& gf : g.formats) {
    const TypeKernels* fast = kernels_for(gf.act_type);
    const TypeKernels* scalar = scalar_kernels_for(gf.act_type);
    ASSERT_NE(fast, nullptr);
    std::vector<uint8_t> a(gf.activations.size()), b(gf.activations.size());
    ASSERT_EQ(a.size(), row_bytes(gf.act_type, g.n));
    fast->quantize_row(g.a.data(), a.data(), g.n);
    scalar->quantize_row_scalar(g.a.data(), b.data(), g.n);
    EXPECT_EQ(a, gf.activations) << type_name(gf.act_type);
    EXPECT_EQ(b, gf.activations) << type_name(gf.act_type);
  }
}

// Our dot products and ggml's each lie within (n/32 + 8) * 2^-24 * B of the exact value
// (B = sum of the magnitudes of the terms; see legacy_vec_dot_avx2.cpp), so they differ by
// at most twice that.
TEST(QuantLegacyGolden, DotProductsMatchGgmlWithinRounding) {
  ASSERT_TRUE(has_avx2_fma_f16c());
  const Golden g = load_golden();
  for (const GoldenFormat& gf : g.formats) {
    const LegacyFormat* f = find_format(gf.type);
    ASSERT_NE(f, nullptr);
    const double mag = dot_magnitude(gf.type, gf.act_type, gf.weights.data(), gf.activations.data(), g.n);
    const double bound = 2.0 * (g.n / 32.0 + 8.0) * 0x1p-24 * mag;
    EXPECT_NEAR(f->dot(g.n, gf.weights.data(), gf.activations.data()), gf.dot, bound) << f->name;
    EXPECT_NEAR(f->dot_avx2(g.n, gf.weights.data(), gf.activations.data()), gf.dot, bound) << f->name;
    EXPECT_GT(std::fabs(gf.dot), 1.0f) << "golden dot products are not trivially zero";
  }
}

}  // namespace
}  // namespace pw::quant::testing
