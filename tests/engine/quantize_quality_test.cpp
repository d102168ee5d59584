// Quality of our quantizer against llama-quantize, measured on the shared fixtures: for every
// quantized fixture, quantize its F32 (BERT: F16) sibling to the same type with our quantizer,
// then for every tensor compare the root-mean-square error of the dequantized weights against
// the original: ours must be at most 1.05 x the fixture's, per tensor (the strongest form: an
// aggregate could hide one bad tensor behind many good ones). Our file must also have the
// fixture's tensor names, shapes and types, and the legacy types (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1)
// must be byte-identical files (same metadata order, tensor order and reference rounding).
//
// The table printed per case (type, RMSE ours / fixture over all weights, worst tensor ratio)
// is what the report quotes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/quantize/quantizer.h"
#include "quantize_test_helpers.h"

namespace pw::quantize::testing {
namespace {

struct Pair {
  std::string source;     // F32 (or F16) fixture
  std::string reference;  // llama-quantize's output, same stem
  QuantTarget target;
  bool byte_identical;    // legacy types: our bytes must equal llama-quantize's
};

std::string case_name(const ::testing::TestParamInfo<Pair>& info) {
  std::string s = info.param.reference.substr(0, info.param.reference.size() - 5);  // drop .gguf
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

std::vector<Pair> pairs() {
  std::vector<Pair> p;
  const char* llama_types[] = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K"};
  for (const char* t : llama_types) {
    const QuantTarget target = *parse_quant_target(t);
    const bool legacy = !type_info(target_base_type(target)).name.ends_with("K");
    p.push_back({"tiny-llama-F32.gguf", std::string("tiny-llama-") + t + ".gguf", target, legacy});
  }
  for (const char* arch : {"qwen2", "phi3", "gemma2", "qwen3"}) {
    const std::string a = std::string("tiny-") + arch;
    p.push_back({a + "-F32.gguf", a + "-Q8_0.gguf", QuantTarget::Q8_0, true});
    p.push_back({a + "-F32.gguf", a + "-Q4_K_M.gguf", QuantTarget::Q4_K_M, false});
  }
  p.push_back({"tiny-bert-F16.gguf", "tiny-bert-Q4_K_M.gguf", QuantTarget::Q4_K_M, false});
  return p;
}

class QuantizeQuality : public ::testing::TestWithParam<Pair> {};

TEST_P(QuantizeQuality, RmsePerTensorWithin105PercentOfLlamaQuantize) {
  const Pair& pair = GetParam();
  pw::test::TempDir dir;
  const auto ours_path = dir / pair.reference;
  QuantizeOptions opt;
  opt.target = pair.target;
  opt.threads = 2;
  auto report = quantize_file(fixture(pair.source), ours_path, opt);
  ASSERT_TRUE(report.ok()) << report.error().describe();

  const gguf::GgufFile source = open_gguf(fixture(pair.source));
  const gguf::GgufFile reference = open_gguf(fixture(pair.reference));
  const gguf::GgufFile ours = open_gguf(ours_path);
  ASSERT_EQ(ours.tensors().size(), reference.tensors().size());

  double ours_sse = 0, ref_sse = 0, worst_ratio = 0;
  uint64_t n_quantized = 0;
  std::string worst;
  for (const gguf::GgufTensor& ref : reference.tensors()) {
    const gguf::GgufTensor* mine = ours.find_tensor(ref.name);
    const gguf::GgufTensor* orig = source.find_tensor(ref.name);
    ASSERT_NE(mine, nullptr) << ref.name;
    ASSERT_NE(orig, nullptr) << ref.name;
    EXPECT_EQ(mine->type, ref.type) << ref.name;
    EXPECT_EQ(mine->n_dims, ref.n_dims) << ref.name;
    EXPECT_EQ(mine->ne, ref.ne) << ref.name;
    if (mine->type != ref.type || mine->ne != ref.ne) continue;

    const std::vector<float> original = dequantize(*orig);
    const std::vector<float> mine_f = dequantize(*mine);
    const std::vector<float> ref_f = dequantize(ref);
    const double e_mine = rmse(mine_f, original), e_ref = rmse(ref_f, original);
    if (e_ref == 0.0) {
      EXPECT_EQ(e_mine, 0.0) << ref.name << " is stored exactly by llama-quantize, not by us";
      continue;
    }
    const double ratio = e_mine / e_ref;
    EXPECT_LE(ratio, 1.05) << ref.name << " (" << type_name(ref.type) << "): RMSE " << e_mine << " vs llama-quantize " << e_ref;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = std::string(ref.name);
    }
    ours_sse += sum_squared_error(mine_f, original);
    ref_sse += sum_squared_error(ref_f, original);
    n_quantized += ref.n_elements;
  }
  ASSERT_GT(n_quantized, 0u);
  const double aggregate = std::sqrt(ours_sse / ref_sse);
  std::printf("[quality] %-22s %-7s RMSE ours/llama: all weights %.4f, worst tensor %.4f (%s)\n", pair.reference.c_str(),
              std::string(target_name(pair.target)).c_str(), aggregate, worst_ratio, worst.c_str());
  EXPECT_LE(aggregate, 1.05);

  if (pair.byte_identical) {
    EXPECT_TRUE(pw::test::read_file(ours_path) == pw::test::read_file(fixture(pair.reference)))
        << pair.reference << ": our file differs from llama-quantize's";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, QuantizeQuality, ::testing::ValuesIn(pairs()), case_name);

}  // namespace
}  // namespace pw::quantize::testing
