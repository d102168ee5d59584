// K-quant kernels against blocks quantized by ggml itself (tests/engine/golden/README.md says
// how the file was made). Dequantization and Q8_K quantization must match ggml bit for bit; dot
// products within float rounding; our quantizer's error within 5% of ggml's on the same data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>

#include "engine/quant/cpu_features.h"
#include "engine/quant/k_quants.h"
#include "k_quants_test_support.h"
#include "support/test_support.h"
#include "tests/support/random_values.h"

namespace pw::quant::test {
namespace {

struct GoldenFormat {
  std::vector<uint8_t> blocks;   // ggml's quantization of `input`
  std::vector<float> dequant;    // ggml's dequantization of `blocks`
  float dot = 0;                 // ggml's vec_dot(blocks, q8k)
};

struct Golden {
  std::vector<float> input, activations;
  std::vector<uint8_t> q8k;  // ggml's Q8_K of `activations`
  std::map<GgmlType, GoldenFormat> formats;
};

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  bool take(void* dst, size_t n) {
    if (pos_ + n > bytes_.size()) return false;
    std::memcpy(dst, bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  uint32_t u32() {
    uint32_t v = 0;
    ok_ = take(&v, 4) && ok_;
    return v;
  }
  template <typename T>
  std::vector<T> array(size_t count) {
    std::vector<T> v(count);
    ok_ = take(v.data(), count * sizeof(T)) && ok_;
    return v;
  }
  bool ok() const { return ok_ && pos_ == bytes_.size(); }

 private:
  const std::vector<uint8_t>& bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

Golden load_golden() {
  const std::vector<uint8_t> bytes = pw::test::read_file(pw::test::source_dir() / "tests/engine/golden/k_quants_golden.bin");
  Golden g;
  Reader r(bytes);
  char magic[8] = {};
  EXPECT_TRUE(r.take(magic, 8) && std::memcmp(magic, "PWKQGOLD", 8) == 0) << "not a K-quant golden file";
  EXPECT_EQ(r.u32(), 1u) << "golden file version";
  const uint32_t n = r.u32();
  EXPECT_EQ(n, 512u);
  g.input = r.array<float>(n);
  g.activations = r.array<float>(n);
  g.q8k = r.array<uint8_t>(r.u32());
  const uint32_t count = r.u32();
  for (uint32_t i = 0; i < count && i < 16; ++i) {
    const auto type = static_cast<GgmlType>(r.u32());
    GoldenFormat f;
    f.blocks = r.array<uint8_t>(r.u32());
    f.dequant = r.array<float>(n);
    f.dot = r.array<float>(1)[0];
    g.formats[type] = std::move(f);
  }
  EXPECT_TRUE(r.ok()) << "golden file truncated or has trailing bytes";
  return g;
}

const Golden& golden() {
  static const Golden g = load_golden();
  return g;
}


TEST(KQuantsGolden, FileHoldsEveryFormat) {
  for (const KFormat& f : k_formats()) {
    ASSERT_TRUE(golden().formats.count(f.type)) << f.name;
    EXPECT_EQ(golden().formats.at(f.type).blocks.size(), 2 * f.block_bytes) << f.name;
  }
}

TEST(KQuantsGolden, DequantizeMatchesGgmlBitForBit) {
  for (const KFormat& f : k_formats()) {
    const GoldenFormat& g = golden().formats.at(f.type);
    std::vector<float> y(512);
    f.dequantize(g.blocks.data(), y.data(), 512);
    EXPECT_EQ(0, std::memcmp(y.data(), g.dequant.data(), 512 * sizeof(float))) << f.name << " scalar";
    if (pw::test::cpu_has_avx2_fma_f16c()) {
      std::fill(y.begin(), y.end(), -1.0f);
      f.dequantize_avx2(g.blocks.data(), y.data(), 512);
      EXPECT_EQ(0, std::memcmp(y.data(), g.dequant.data(), 512 * sizeof(float))) << f.name << " avx2";
    }
  }
}

TEST(KQuantsGolden, Q8KQuantizationMatchesGgmlBytes) {
  std::vector<uint8_t> q(golden().q8k.size());
  quantize_row_q8_K(golden().activations.data(), q.data(), 512);
  EXPECT_EQ(q, golden().q8k) << "scalar";
  if (pw::test::cpu_has_avx2_fma_f16c()) {
    std::fill(q.begin(), q.end(), 0);
    quantize_row_q8_K_avx2(golden().activations.data(), q.data(), 512);
    EXPECT_EQ(q, golden().q8k) << "avx2";
  }
}

TEST(KQuantsGolden, VecDotMatchesGgml) {
  for (const KFormat& f : k_formats()) {
    const GoldenFormat& g = golden().formats.at(f.type);
    const double tol = dot_tolerance(f, g.blocks, golden().q8k, 512);
    EXPECT_NEAR(f.dot_scalar(512, g.blocks.data(), golden().q8k.data()), g.dot, tol) << f.name << " scalar";
    if (pw::test::cpu_has_avx2_fma_f16c()) {
      EXPECT_NEAR(f.dot_avx2(512, g.blocks.data(), golden().q8k.data()), g.dot, tol) << f.name << " avx2";
    }
  }
}

TEST(KQuantsGolden, QuantizerErrorWithinFivePercentOfGgml) {
  // The quantizer's acceptance bar, on this small sample: our RMSE at most 1.05x ggml's.
  for (const KFormat& f : k_formats()) {
    const GoldenFormat& g = golden().formats.at(f.type);
    const std::vector<float> ours = dequantize(f, quantize(f, golden().input), 512);
    const double ratio = rmse(golden().input, ours) / rmse(golden().input, g.dequant);
    EXPECT_LE(ratio, 1.05) << f.name;
  }
}

}  // namespace
}  // namespace pw::quant::test
