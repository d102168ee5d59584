// Per-tensor type choices (engine/quantize/tensor_type_rules.h): the fixtures' golden
// tensor_types (made by llama-quantize) for every quantized fixture, the well-known tensor
// type counts llama-quantize prints for Llama-2-7B, and the special cases (fallbacks, tied
// embeddings, MoE, falcon, 70B, tensors that are never quantized, processing order).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

#include "engine/quantize/quant_target.h"
#include "engine/quantize/quantizer.h"
#include "engine/quantize/tensor_type_rules.h"
#include "quantize_test_helpers.h"

namespace pw::quantize::testing {
namespace {

using model_info::ModelFacts;

// ---- fixtures --------------------------------------------------------------------------------

struct GoldenCase {
  std::string source;
  std::string reference;  // its .golden.json has tensor_types
  QuantTarget target;
};

TEST(QuantizeRules, PlanMatchesGoldenTensorTypesAndOrderOfEveryQuantizedFixture) {
  std::vector<GoldenCase> cases;
  for (const char* t : {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K"})
    cases.push_back({"tiny-llama-F32", std::string("tiny-llama-") + t, *parse_quant_target(t)});
  for (const char* arch : {"qwen2", "phi3", "gemma2", "qwen3"}) {
    const std::string a = std::string("tiny-") + arch;
    cases.push_back({a + "-F32", a + "-Q8_0", QuantTarget::Q8_0});
    cases.push_back({a + "-F32", a + "-Q4_K_M", QuantTarget::Q4_K_M});
  }
  cases.push_back({"tiny-bert-F16", "tiny-bert-Q4_K_M", QuantTarget::Q4_K_M});

  for (const GoldenCase& c : cases) {
    SCOPED_TRACE(c.reference);
    const auto golden = nlohmann::json::parse(pw::test::read_text(fixture(c.reference + ".golden.json")));
    const gguf::GgufFile source = open_gguf(fixture(c.source + ".gguf"));
    const gguf::GgufFile reference = open_gguf(fixture(c.reference + ".gguf"));
    auto plan = plan_quantization(source, c.target);
    ASSERT_TRUE(plan.ok()) << plan.error().describe();
    ASSERT_EQ(plan->tensors.size(), golden["tensor_types"].size());
    ASSERT_EQ(plan->tensors.size(), reference.tensors().size());
    for (size_t i = 0; i < plan->tensors.size(); ++i) {
      const PlannedTensor& p = plan->tensors[i];
      ASSERT_TRUE(golden["tensor_types"].contains(p.name)) << p.name;
      const auto want = type_from_name(golden["tensor_types"][p.name].get<std::string>());
      ASSERT_TRUE(want.has_value());
      EXPECT_EQ(p.to, *want) << p.name << ": " << type_name(p.to) << " instead of " << type_name(*want);
      EXPECT_EQ(p.name, reference.tensors()[i].name) << "tensor " << i << " is not in llama-quantize's order";
      EXPECT_EQ(p.out_bytes, reference.tensors()[i].n_bytes) << p.name;
      EXPECT_FALSE(p.fallback) << p.name;
    }
  }
}

// ---- real shapes -----------------------------------------------------------------------------

ModelFacts facts(const std::string& arch, uint32_t layers, uint32_t heads, uint32_t kv_heads, uint32_t experts = 0) {
  ModelFacts f;
  f.architecture = arch;
  f.n_layer = layers;
  f.n_head = heads;
  f.n_head_kv = kv_heads;
  f.n_expert = experts;
  return f;
}

TensorDesc t(const std::string& name, std::initializer_list<uint64_t> dims) {
  TensorDesc d;
  d.name = name;
  size_t i = 0;
  for (uint64_t v : dims) d.ne[i++] = v;
  return d;
}

// Llama-2-7B's tensor list (names and ggml shapes), with or without output.weight.
std::vector<TensorDesc> llama_tensors(uint32_t layers, uint64_t embd, uint64_t ff, uint64_t kv_dim, bool with_output = true) {
  std::vector<TensorDesc> v{t("token_embd.weight", {embd, 32000}), t("output_norm.weight", {embd})};
  if (with_output) v.push_back(t("output.weight", {embd, 32000}));
  for (uint32_t i = 0; i < layers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    v.push_back(t(b + "attn_norm.weight", {embd}));
    v.push_back(t(b + "attn_q.weight", {embd, embd}));
    v.push_back(t(b + "attn_k.weight", {embd, kv_dim}));
    v.push_back(t(b + "attn_v.weight", {embd, kv_dim}));
    v.push_back(t(b + "attn_output.weight", {embd, embd}));
    v.push_back(t(b + "ffn_norm.weight", {embd}));
    v.push_back(t(b + "ffn_gate.weight", {embd, ff}));
    v.push_back(t(b + "ffn_up.weight", {embd, ff}));
    v.push_back(t(b + "ffn_down.weight", {ff, embd}));
  }
  return v;
}

struct Chosen {
  std::vector<TensorDesc> tensors;  // in reference order
  std::vector<TensorTypeChoice> choices;
  GgmlType of(const std::string& name) const {
    for (size_t i = 0; i < tensors.size(); ++i)
      if (tensors[i].name == name) return choices[i].type;
    ADD_FAILURE() << "no tensor " << name;
    return GgmlType::F32;
  }
  bool fallback(const std::string& name) const {
    for (size_t i = 0; i < tensors.size(); ++i)
      if (tensors[i].name == name) return choices[i].fallback;
    return false;
  }
  std::map<GgmlType, int> histogram() const {
    std::map<GgmlType, int> h;
    for (const auto& c : choices) ++h[c.type];
    return h;
  }
};

Chosen choose(const ModelFacts& f, std::vector<TensorDesc> tensors, QuantTarget target) {
  Chosen c;
  for (size_t i : reference_tensor_order(tensors)) c.tensors.push_back(tensors[i]);
  auto r = choose_tensor_types(f, c.tensors, target);
  if (!r) {
    ADD_FAILURE() << r.error().describe();
    return c;
  }
  c.choices = *r;
  return c;
}

// llama-quantize's summary for Llama-2-7B ("llama_model_loader: - type q4_K: 193 tensors" ...),
// the numbers every Q*_K_M file on the hubs shows: 65 f32 norms plus the mix below.
TEST(QuantizeRules, Llama2_7B_MixesHaveTheWellKnownTypeCounts) {
  const ModelFacts f = facts("llama", 32, 32, 32);
  const auto tensors = llama_tensors(32, 4096, 11008, 4096);
  using H = std::map<GgmlType, int>;
  EXPECT_EQ(choose(f, tensors, QuantTarget::Q4_K_M).histogram(), (H{{GgmlType::F32, 65}, {GgmlType::Q4_K, 193}, {GgmlType::Q6_K, 33}}));
  EXPECT_EQ(choose(f, tensors, QuantTarget::Q5_K_M).histogram(), (H{{GgmlType::F32, 65}, {GgmlType::Q5_K, 193}, {GgmlType::Q6_K, 33}}));
  EXPECT_EQ(choose(f, tensors, QuantTarget::Q3_K_M).histogram(),
            (H{{GgmlType::F32, 65}, {GgmlType::Q3_K, 129}, {GgmlType::Q4_K, 92}, {GgmlType::Q5_K, 4}, {GgmlType::Q6_K, 1}}));
  EXPECT_EQ(choose(f, tensors, QuantTarget::Q4_0).histogram(), (H{{GgmlType::F32, 65}, {GgmlType::Q4_0, 226}}));  // pure
}

// Qwen2.5-0.5B: rows of 896 values fit neither 256-blocks nor (tied) the Q6_K output rule, so
// most weights fall back to Q5_0 and the embedding/output goes to Q8_0; expected counts derived
// from the rules for its 24 layers (f32: 49 norms + 72 q/k/v biases).
TEST(QuantizeRules, Qwen25_05B_Q4_K_M_FallsBackForRowsOf896) {
  const ModelFacts f = facts("qwen2", 24, 14, 2);
  std::vector<TensorDesc> tensors = {t("token_embd.weight", {896, 151936}), t("output_norm.weight", {896})};
  for (int i = 0; i < 24; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    for (const char* norm : {"attn_norm.weight", "ffn_norm.weight"}) tensors.push_back(t(b + norm, {896}));
    tensors.push_back(t(b + "attn_q.bias", {896}));
    tensors.push_back(t(b + "attn_k.bias", {128}));
    tensors.push_back(t(b + "attn_v.bias", {128}));
    tensors.push_back(t(b + "attn_q.weight", {896, 896}));
    tensors.push_back(t(b + "attn_k.weight", {896, 128}));
    tensors.push_back(t(b + "attn_v.weight", {896, 128}));
    tensors.push_back(t(b + "attn_output.weight", {896, 896}));
    tensors.push_back(t(b + "ffn_gate.weight", {896, 4864}));
    tensors.push_back(t(b + "ffn_up.weight", {896, 4864}));
    tensors.push_back(t(b + "ffn_down.weight", {4864, 896}));
  }
  const Chosen c = choose(f, tensors, QuantTarget::Q4_K_M);
  using H = std::map<GgmlType, int>;
  EXPECT_EQ(c.histogram(),
            (H{{GgmlType::F32, 121}, {GgmlType::Q5_0, 132}, {GgmlType::Q8_0, 13}, {GgmlType::Q4_K, 12}, {GgmlType::Q6_K, 12}}));
  EXPECT_EQ(c.of("token_embd.weight"), GgmlType::Q8_0);
  EXPECT_EQ(c.of("blk.0.attn_v.weight"), GgmlType::Q8_0);  // Q6_K wanted, rows of 896: Q8_0
  EXPECT_TRUE(c.fallback("blk.0.attn_v.weight"));
  EXPECT_EQ(c.of("blk.4.attn_v.weight"), GgmlType::Q5_0);  // Q4_K wanted: Q5_0
  EXPECT_EQ(c.of("blk.5.ffn_down.weight"), GgmlType::Q6_K);
}

TEST(QuantizeRules, UseMoreBitsLayersOf32LayerQ4_K_M) {
  const Chosen c = choose(facts("llama", 32, 32, 8), llama_tensors(32, 4096, 14336, 1024), QuantTarget::Q4_K_M);
  // i < 4, i >= 28, or (i - 4) % 3 == 2.
  const std::set<int> more = {0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31};
  for (int i = 0; i < 32; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    const GgmlType want = more.count(i) ? GgmlType::Q6_K : GgmlType::Q4_K;
    EXPECT_EQ(c.of(b + "attn_v.weight"), want) << i;
    EXPECT_EQ(c.of(b + "ffn_down.weight"), want) << i;
    EXPECT_EQ(c.of(b + "attn_q.weight"), GgmlType::Q4_K) << i;
    EXPECT_EQ(c.of(b + "attn_output.weight"), GgmlType::Q4_K) << i;
  }
  EXPECT_EQ(c.of("output.weight"), GgmlType::Q6_K);
  EXPECT_EQ(c.of("token_embd.weight"), GgmlType::Q4_K);
}

TEST(QuantizeRules, TiedEmbeddingsTakeTheOutputType) {
  const ModelFacts f = facts("qwen2", 2, 4, 2);
  EXPECT_EQ(choose(f, llama_tensors(2, 256, 768, 128, false), QuantTarget::Q4_K_M).of("token_embd.weight"), GgmlType::Q6_K);
  EXPECT_EQ(choose(f, llama_tensors(2, 256, 768, 128, true), QuantTarget::Q4_K_M).of("token_embd.weight"), GgmlType::Q4_K);
  // --pure behaviour for single types: embedding and output get the type as well.
  const Chosen pure = choose(f, llama_tensors(2, 256, 768, 128, true), QuantTarget::Q3_K);
  EXPECT_EQ(pure.of("token_embd.weight"), GgmlType::Q3_K);
  EXPECT_EQ(pure.of("output.weight"), GgmlType::Q3_K);
  EXPECT_EQ(pure.of("blk.1.attn_v.weight"), GgmlType::Q3_K);
}

TEST(QuantizeRules, RowLengthFallbacks) {
  const ModelFacts f = facts("llama", 1, 4, 4);
  // 2880 = 90 x 32 but not a multiple of 256; 1000 is not even a multiple of 32.
  const std::vector<TensorDesc> tensors = {t("blk.0.attn_q.weight", {2880, 64}), t("blk.0.attn_k.weight", {1000, 64}),
                                           t("output.weight", {2880, 100}), t("token_embd.weight", {1000, 100})};
  const struct {
    QuantTarget target;
    GgmlType q;
  } cases[] = {{QuantTarget::Q2_K, GgmlType::Q4_0}, {QuantTarget::Q3_K, GgmlType::Q4_0}, {QuantTarget::Q4_K, GgmlType::Q5_0},
               {QuantTarget::Q5_K, GgmlType::Q5_1}, {QuantTarget::Q6_K, GgmlType::Q8_0}, {QuantTarget::Q4_0, GgmlType::Q4_0}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(target_name(c.target)));
    const Chosen chosen = choose(f, tensors, c.target);
    EXPECT_EQ(chosen.of("blk.0.attn_q.weight"), c.q);
    EXPECT_EQ(chosen.fallback("blk.0.attn_q.weight"), c.q != target_base_type(c.target));
    EXPECT_EQ(chosen.of("blk.0.attn_k.weight"), GgmlType::F16);
    EXPECT_TRUE(chosen.fallback("blk.0.attn_k.weight"));
  }
  // The mixes send an output head whose rows do not fit 256 to Q8_0 directly.
  const Chosen mix = choose(f, tensors, QuantTarget::Q4_K_M);
  EXPECT_EQ(mix.of("output.weight"), GgmlType::Q8_0);
  EXPECT_FALSE(mix.fallback("output.weight"));
  EXPECT_EQ(mix.of("token_embd.weight"), GgmlType::F16);
}

TEST(QuantizeRules, TensorsThatAreNeverQuantized) {
  const std::array<uint64_t, 4> m{256, 256, 1, 1};
  EXPECT_TRUE(tensor_allows_quantization("blk.0.attn_q.weight", m));
  EXPECT_TRUE(tensor_allows_quantization("blk.0.ffn_down_exps.weight", {256, 256, 8, 1}));
  EXPECT_FALSE(tensor_allows_quantization("blk.0.attn_norm.weight", {256, 1, 1, 1}));
  EXPECT_FALSE(tensor_allows_quantization("blk.0.attn_q.weight", {256, 1, 1, 1}));  // 1-D by shape
  EXPECT_FALSE(tensor_allows_quantization("blk.0.attn_q.bias", m));
  EXPECT_FALSE(tensor_allows_quantization("blk.0.attn_q_norm.weight", m));
  EXPECT_FALSE(tensor_allows_quantization("blk.0.ffn_gate_inp.weight", m));
  EXPECT_FALSE(tensor_allows_quantization("position_embd.weight", m));
  EXPECT_FALSE(tensor_allows_quantization("token_types.weight", {256, 2, 1, 1}));
  EXPECT_FALSE(tensor_allows_quantization("blk.0.ssm_conv1d.weight", m));
  EXPECT_FALSE(tensor_allows_quantization("rope_freqs.weight", {64, 1, 1, 1}));
  EXPECT_FALSE(tensor_allows_quantization("blk.0.time_mix_w1.weight", m));
}

TEST(QuantizeRules, MixtureOfEightExperts) {
  const ModelFacts f = facts("llama", 4, 32, 8, 8);
  std::vector<TensorDesc> tensors = {t("token_embd.weight", {4096, 32000}), t("output.weight", {4096, 32000})};
  for (int i = 0; i < 4; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    tensors.push_back(t(b + "attn_k.weight", {4096, 1024}));
    tensors.push_back(t(b + "attn_v.weight", {4096, 1024}));
    tensors.push_back(t(b + "attn_output.weight", {4096, 4096}));
    tensors.push_back(t(b + "ffn_gate_inp.weight", {4096, 8}));
    tensors.push_back(t(b + "ffn_down_exps.weight", {14336, 4096, 8}));
  }
  const Chosen c = choose(f, tensors, QuantTarget::Q4_K_M);
  EXPECT_EQ(c.of("blk.2.attn_v.weight"), GgmlType::Q8_0);
  EXPECT_EQ(c.of("blk.2.attn_k.weight"), GgmlType::Q8_0);
  EXPECT_EQ(c.of("blk.2.attn_output.weight"), GgmlType::Q5_K);
  EXPECT_EQ(c.of("blk.2.ffn_gate_inp.weight"), GgmlType::F32);
  // Layer from the name; of 4 layers "use more bits" holds for 2 ((2 - 0) % 3 == 2) and 3 (>= 7*4/8).
  EXPECT_EQ(c.of("blk.0.ffn_down_exps.weight"), GgmlType::Q4_K);
  EXPECT_EQ(c.of("blk.1.ffn_down_exps.weight"), GgmlType::Q4_K);
  EXPECT_EQ(c.of("blk.2.ffn_down_exps.weight"), GgmlType::Q6_K);
  EXPECT_EQ(c.of("blk.3.ffn_down_exps.weight"), GgmlType::Q6_K);
  EXPECT_EQ(choose(f, tensors, QuantTarget::Q5_K_M).of("blk.2.attn_output.weight"), GgmlType::Q5_K);

  // An expert tensor whose layer cannot be read is an error, not a guess.
  std::vector<TensorDesc> odd = {t("experts.ffn_down_exps.weight", {256, 256, 8})};
  auto r = choose_tensor_types(f, odd, QuantTarget::Q4_K_M);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("layer"), std::string::npos);
}

TEST(QuantizeRules, FalconAnd70BSpecialCases) {
  // Falcon-40B shapes (Falcon-7B's 4544 would exercise the row-length fallbacks instead).
  const std::vector<TensorDesc> falcon_tensors = {t("token_embd.weight", {8192, 65024}), t("output.weight", {8192, 65024}),
                                                  t("blk.0.attn_qkv.weight", {8192, 9216}), t("blk.0.ffn_down.weight", {32768, 8192}),
                                                  t("blk.0.attn_output.weight", {8192, 8192})};
  const Chosen falcon = choose(facts("falcon", 1, 128, 8), falcon_tensors, QuantTarget::Q3_K_M);
  EXPECT_EQ(falcon.of("output.weight"), GgmlType::Q8_0);
  EXPECT_EQ(falcon.of("blk.0.ffn_down.weight"), GgmlType::Q4_K);   // use more bits (layer 0 of 1)
  EXPECT_EQ(falcon.of("blk.0.attn_output.weight"), GgmlType::Q3_K);
  EXPECT_EQ(falcon.of("blk.0.attn_qkv.weight"), GgmlType::Q5_K);    // value-like, first two

  const Chosen l70 = choose(facts("llama", 80, 64, 8), llama_tensors(80, 8192, 28672, 1024), QuantTarget::Q4_K_M);
  EXPECT_EQ(l70.of("blk.0.attn_v.weight"), GgmlType::Q6_K);   // use more bits
  EXPECT_EQ(l70.of("blk.11.attn_v.weight"), GgmlType::Q5_K);  // Q4_K raised for 70B
  EXPECT_EQ(l70.of("blk.11.ffn_down.weight"), GgmlType::Q4_K);
}

TEST(QuantizeRules, ReferenceOrderIsLayerNumberThenName) {
  const std::vector<TensorDesc> tensors = {t("blk.10.attn_q.weight", {1}), t("blk.2.ffn_up.weight", {1}), t("token_embd.weight", {1}),
                                           t("blk.2.attn_k.weight", {1}), t("output.weight", {1}), t("blk.1x.odd", {1})};
  std::vector<std::string> names;
  for (size_t i : reference_tensor_order(tensors)) names.push_back(tensors[i].name);
  EXPECT_EQ(names, (std::vector<std::string>{"blk.1x.odd", "output.weight", "token_embd.weight", "blk.2.attn_k.weight",
                                             "blk.2.ffn_up.weight", "blk.10.attn_q.weight"}));
}

TEST(QuantizeTargets, NamesFileTypesAndParsing) {
  EXPECT_EQ(parse_quant_target("q4_k_m"), QuantTarget::Q4_K_M);
  EXPECT_EQ(parse_quant_target("Q8_0"), QuantTarget::Q8_0);
  EXPECT_FALSE(parse_quant_target("Q4_K_S").has_value());
  EXPECT_FALSE(parse_quant_target("F16").has_value());
  EXPECT_FALSE(parse_quant_target("").has_value());
  // general.file_type numbers from fixtures/README.md section 7.
  const std::map<std::string, uint32_t> readme = {{"Q4_0", 2}, {"Q4_1", 3}, {"Q8_0", 7}, {"Q5_0", 8}, {"Q5_1", 9}, {"Q2_K", 10},
                                                  {"Q3_K_M", 12}, {"Q4_K_M", 15}, {"Q5_K_M", 17}, {"Q6_K", 18}};
  for (const auto& [name, number] : readme) EXPECT_EQ(target_file_type(*parse_quant_target(name)), number) << name;
  for (QuantTarget target : all_quant_targets()) {
    EXPECT_EQ(parse_quant_target(target_name(target)), target);
    EXPECT_TRUE(type_info(target_base_type(target)).quantized);
  }
  EXPECT_EQ(all_quant_targets().size(), 13u);
}

}  // namespace
}  // namespace pw::quantize::testing
