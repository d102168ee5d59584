// models info facts (engine/model_info): the fixtures' known hyper-parameters (fixtures/README.md
// §1 and §7), parameter counts from the README's tensor shapes, type histograms from the golden
// JSON files, the memory estimate's formula, names, per-layer head counts, file type names.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "engine/gguf/gguf_writer.h"
#include "engine/model_info/file_type.h"
#include "engine/model_info/model_info.h"
#include "support/test_support.h"

namespace pw::model_info {
namespace {

ModelInfo info_of(const std::filesystem::path& path) {
  auto r = read_model_info(path);
  if (!r) {
    ADD_FAILURE() << r.error().describe();
    return {};
  }
  return *r;
}

std::filesystem::path model(const std::string& name) { return pw::test::shared_path("fixtures/models/" + name); }

TEST(ModelInfo, TinyLlamaFactsFromTheReadme) {
  const ModelInfo info = info_of(model("tiny-llama-F32.gguf"));
  const ModelFacts& f = info.facts;
  EXPECT_EQ(f.architecture, "llama");
  EXPECT_EQ(f.context_length, 256u);
  EXPECT_EQ(f.n_layer, 2u);
  EXPECT_EQ(f.n_embd, 256u);
  EXPECT_EQ(f.n_ff, 768u);
  EXPECT_EQ(f.n_head, 4u);
  EXPECT_EQ(f.n_head_kv, 2u);
  EXPECT_EQ(f.head_dim_k, 64u);
  EXPECT_EQ(f.head_dim_v, 64u);
  EXPECT_EQ(f.n_vocab, 512u);
  EXPECT_EQ(f.gqa_ratio(), 2u);
  EXPECT_TRUE(f.causal);
  // README §7 shapes: token_embd + output [256,512], output_norm [256]; per layer two norms
  // [256], q and o [256,256], k and v [256,128], gate/up/down 256x768.
  const uint64_t per_layer = 2 * 256 + 2 * 256 * 256 + 2 * 256 * 128 + 3 * 256 * 768;
  EXPECT_EQ(info.n_params, 2 * 256 * 512 + 256 + 2 * per_layer);
  EXPECT_EQ(info.weight_bytes, info.n_params * 4);
  EXPECT_EQ(info.file_size, std::filesystem::file_size(model("tiny-llama-F32.gguf")));
  ASSERT_EQ(info.type_histogram.size(), 1u);
  EXPECT_EQ(info.type_histogram[0].type, GgmlType::F32);
  EXPECT_EQ(info.type_histogram[0].tensors, 21u);
  EXPECT_EQ(info.display_name, "tiny-llama-F32.gguf");  // its general.name
  EXPECT_EQ(info.file_type_name, "F32");
}

TEST(ModelInfo, HistogramMatchesGoldenTensorTypes) {
  for (const char* name : {"tiny-llama-Q4_K_M", "tiny-llama-Q3_K_M", "tiny-phi3-Q4_K_M", "tiny-bert-Q4_K_M"}) {
    SCOPED_TRACE(name);
    const auto golden = nlohmann::json::parse(pw::test::read_text(model(std::string(name) + ".golden.json")));
    std::map<GgmlType, uint64_t> want;
    for (const auto& [tensor, type] : golden["tensor_types"].items()) ++want[*type_from_name(type.get<std::string>())];
    const ModelInfo info = info_of(model(std::string(name) + ".gguf"));
    std::map<GgmlType, uint64_t> got;
    for (const auto& c : info.type_histogram) got[c.type] = c.tensors;
    EXPECT_EQ(got, want);
    for (size_t i = 1; i < info.type_histogram.size(); ++i)
      EXPECT_GE(info.type_histogram[i - 1].bytes, info.type_histogram[i].bytes);
    EXPECT_EQ(info.file_type_name, std::string(name).substr(std::string(name).rfind('-') + 1));
  }
  // Same parameter count as the unquantized sibling: quantization keeps element counts.
  EXPECT_EQ(info_of(model("tiny-llama-Q4_K_M.gguf")).n_params, info_of(model("tiny-llama-F32.gguf")).n_params);
}

TEST(ModelInfo, MemoryEstimateFormula) {
  const ModelInfo llama = info_of(model("tiny-llama-Q4_K_M.gguf"));
  const MemoryEstimate m = estimate_memory(llama, 256);
  // n_layers x ctx x (n_kv_heads x head_dim) x 2 (K and V) x 2 bytes (F16)
  EXPECT_EQ(m.kv_cache_bytes, 2u * 256 * (2 * 64) * 2 * 2);
  EXPECT_EQ(m.weight_bytes, llama.weight_bytes);
  EXPECT_EQ(m.overhead_bytes, kOverheadFixedBytes + 512 * 4);
  EXPECT_EQ(m.total_bytes, m.weight_bytes + m.kv_cache_bytes + m.overhead_bytes);
  EXPECT_EQ(estimate_memory(llama, 1024).kv_cache_bytes, 4 * m.kv_cache_bytes);
  // qwen3: head_dim 128 from key_length, not n_embd / n_head.
  const ModelInfo qwen3 = info_of(model("tiny-qwen3-F32.gguf"));
  EXPECT_EQ(qwen3.facts.head_dim_k, 128u);
  EXPECT_EQ(estimate_memory(qwen3, 256).kv_cache_bytes, 2u * 256 * (2 * 128) * 2 * 2);
  // An encoder keeps no KV cache.
  const ModelInfo bert = info_of(model("tiny-bert-F16.gguf"));
  EXPECT_FALSE(bert.facts.causal);
  EXPECT_EQ(bert.facts.n_vocab, 30522u);
  EXPECT_EQ(estimate_memory(bert, 512).kv_cache_bytes, 0u);
}

TEST(ModelInfo, NamesPerLayerHeadsAndMissingKeys) {
  pw::test::TempDir dir;
  gguf::GgufWriter w;
  w.set_string("general.architecture", "hybrid");
  w.set_string("general.basename", "Foo");
  w.set_string("general.size_label", "7B");
  w.set_u32("hybrid.block_count", 3);
  w.set_u32("hybrid.embedding_length", 64);
  const std::vector<int32_t> heads = {4, 4, 4}, kv = {2, 0, 1};
  w.set_array("hybrid.attention.head_count", std::span<const int32_t>(heads));
  w.set_array("hybrid.attention.head_count_kv", std::span<const int32_t>(kv));
  const std::vector<float> zeros(64 * 10, 0.0f);
  ASSERT_TRUE(w.add_tensor("token_embd.weight", GgmlType::F32, {64, 10},
                           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(zeros.data()), zeros.size() * 4))
                  .ok());
  ASSERT_TRUE(w.write(dir / "m.gguf").ok());
  const ModelInfo info = info_of(dir / "m.gguf");
  EXPECT_EQ(info.display_name, "Foo 7B");
  EXPECT_EQ(info.facts.n_head, 4u);
  EXPECT_EQ(info.facts.n_head_kv, 2u);
  EXPECT_EQ(info.facts.kv_heads(1), 0u);
  EXPECT_EQ(info.facts.head_dim_k, 16u);
  EXPECT_EQ(info.facts.n_vocab, 10u);          // from token_embd rows
  EXPECT_EQ(info.facts.context_length, 0u);    // not stated
  EXPECT_FALSE(info.facts.file_type.has_value());
  EXPECT_EQ(info.file_type_name, "");
  // (2 + 0 + 1) KV heads x (16 + 16) x 2 bytes per token.
  EXPECT_EQ(estimate_memory(info, 100).kv_cache_bytes, 100u * 3 * 32 * 2);

  gguf::GgufWriter bare;
  ASSERT_TRUE(bare.write(dir / "bare-model.gguf").ok());
  EXPECT_EQ(info_of(dir / "bare-model.gguf").display_name, "bare-model");

  gguf::GgufWriter bad;
  bad.set_string("general.architecture", "llama");
  bad.set_string("llama.block_count", "two");
  ASSERT_TRUE(bad.write(dir / "bad.gguf").ok());
  auto r = read_model_info(dir / "bad.gguf");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().describe().find("llama.block_count"), std::string::npos) << r.error().describe();
  EXPECT_FALSE(read_model_info(dir / "absent.gguf").ok());
}

TEST(ModelInfo, FileTypeNamesAndFormatting) {
  EXPECT_EQ(file_type_name(0), "F32");
  EXPECT_EQ(file_type_name(7), "Q8_0");
  EXPECT_EQ(file_type_name(15), "Q4_K_M");
  EXPECT_EQ(file_type_name(18), "Q6_K");
  EXPECT_EQ(file_type_name(32), "BF16");
  EXPECT_EQ(file_type_name(5), "");
  EXPECT_EQ(file_type_name(1000), "");
  EXPECT_EQ(format_param_count(1836288), "1.8M");
  EXPECT_EQ(format_param_count(494'032'768), "494M");
  EXPECT_EQ(format_param_count(7'615'616'512), "7.62B");
  EXPECT_EQ(format_param_count(512), "512");
  EXPECT_EQ(format_bytes(1143008), "1.1 MiB");
  EXPECT_EQ(format_bytes(4'690'000'000), "4.37 GiB");
  EXPECT_EQ(format_bytes(100), "100 B");
}

}  // namespace
}  // namespace pw::model_info
