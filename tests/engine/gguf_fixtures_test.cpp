// The GGUF reader against the shared fixtures (written by gguf-py and llama.cpp): known facts
// from fixtures/README.md, tensor types from each golden.json, and a byte-identical rewrite
// of every fixture by our writer (so our files have exactly the layout llama.cpp writes).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "support/test_support.h"

namespace {

using pw::GgmlType;
using pw::gguf::GgufFile;
using pw::gguf::GgufTensor;

std::vector<std::filesystem::path> fixture_ggufs(const std::string& folder) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(pw::test::shared_path(folder)))
    if (e.path().extension() == ".gguf") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

GgufFile open_fixture(const std::string& relative) {
  auto r = GgufFile::open(pw::test::shared_path(relative));
  if (!r) {
    ADD_FAILURE() << r.error().describe();
    std::abort();  // every caller needs the file; nothing sensible to continue with
  }
  return std::move(r).value();
}

void expect_shape(const GgufFile& f, const std::string& name, std::vector<uint64_t> ne) {
  const GgufTensor* t = f.find_tensor(name);
  ASSERT_NE(t, nullptr) << f.name() << ": no tensor " << name;
  ASSERT_EQ(t->n_dims, ne.size()) << name;
  for (size_t d = 0; d < ne.size(); ++d) EXPECT_EQ(t->ne[d], ne[d]) << name << " dim " << d;
}

TEST(GgufFixtures, EveryModelAndTokenizerFixtureOpens) {
  auto files = fixture_ggufs("fixtures/models");
  auto vocabs = fixture_ggufs("fixtures/tokenizers");
  ASSERT_GE(files.size(), 27u);
  ASSERT_EQ(vocabs.size(), 6u);
  files.insert(files.end(), vocabs.begin(), vocabs.end());
  for (const auto& path : files) {
    auto r = GgufFile::open(path);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->version(), 3u) << path;
    EXPECT_EQ(r->alignment(), 32u) << path;
    EXPECT_EQ(r->file_size(), std::filesystem::file_size(path));
    EXPECT_TRUE(r->get_string("general.architecture").ok()) << path;
    EXPECT_GT(r->get_string_array("tokenizer.ggml.tokens")->size(), 0u) << path;
    for (const GgufTensor& t : r->tensors()) {
      // Weights are used in place: the pointer is into the file's bytes, nothing copied.
      EXPECT_EQ(t.data, r->bytes().data() + t.file_offset) << t.name;
      EXPECT_EQ(t.file_offset % 32, 0u) << t.name;
      EXPECT_LE(t.file_offset + t.n_bytes, r->file_size()) << t.name;
    }
  }
}

TEST(GgufFixtures, TensorTypesMatchEveryGoldenJson) {
  int checked = 0;
  for (const auto& path : fixture_ggufs("fixtures/models")) {
    auto golden_path = path;
    golden_path.replace_extension(".golden.json");
    const auto golden = nlohmann::json::parse(pw::test::read_text(golden_path));
    GgufFile f = open_fixture("fixtures/models/" + path.filename().string());
    if (!golden.contains("tensor_types")) {
      // Only the trained stories260K golden has none (all F32: checked in its own test).
      EXPECT_EQ(path.filename(), "stories260K.gguf");
      continue;
    }
    const auto& types = golden.at("tensor_types");
    ASSERT_EQ(types.size(), f.tensors().size()) << path;
    for (const auto& [name, type] : types.items()) {
      const GgufTensor* t = f.find_tensor(name);
      ASSERT_NE(t, nullptr) << path << ": " << name;
      EXPECT_EQ(pw::type_from_name(type.get<std::string>()), t->type) << path << ": " << name;
      ++checked;
    }
    EXPECT_EQ(f.get_string("general.architecture").value_or(""), golden.at("architecture").get<std::string>()) << path;
  }
  EXPECT_GT(checked, 500);
}

TEST(GgufFixtures, TinyLlamaQ4_0KnownFacts) {
  GgufFile f = open_fixture("fixtures/models/tiny-llama-Q4_0.gguf");
  const GgufTensor* q = f.find_tensor("blk.0.attn_q.weight");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->type, GgmlType::Q4_0);
  EXPECT_EQ(q->n_dims, 2u);
  EXPECT_EQ(q->ne[0], 256u);
  EXPECT_EQ(q->ne[1], 256u);
  EXPECT_EQ(q->n_elements, 256u * 256u);
  EXPECT_EQ(q->row_bytes, 256u / 32u * 18u);
  EXPECT_EQ(q->n_bytes, 256u * 256u / 32u * 18u);
  EXPECT_EQ(q->n_rows(), 256u);
  EXPECT_EQ(f.find_tensor("output_norm.weight")->type, GgmlType::F32);
  EXPECT_EQ(f.find_tensor("no.such.tensor"), nullptr);
  EXPECT_EQ(f.tensors().size(), 3u + 2u * 9u);

  EXPECT_EQ(*f.get_string("general.architecture"), "llama");
  EXPECT_EQ(*f.get_u32("llama.block_count"), 2u);
  EXPECT_EQ(*f.get_u32("llama.context_length"), 256u);
  EXPECT_EQ(*f.get_u32("llama.embedding_length"), 256u);
  EXPECT_EQ(*f.get_u32("llama.feed_forward_length"), 768u);
  EXPECT_EQ(*f.get_u32("llama.attention.head_count"), 4u);
  EXPECT_EQ(*f.get_u32("llama.attention.head_count_kv"), 2u);
  EXPECT_EQ(*f.get_u32("llama.rope.dimension_count"), 64u);
  EXPECT_EQ(*f.get_f32("llama.rope.freq_base"), 10000.0f);
  EXPECT_FLOAT_EQ(*f.get_f32("llama.attention.layer_norm_rms_epsilon"), 1e-5f);
  EXPECT_EQ(*f.get_u32("general.quantization_version"), 2u);
  EXPECT_EQ(*f.get_u32("general.file_type"), 2u);
  EXPECT_FALSE(f.contains("general.alignment"));

  auto tokens = f.get_string_array("tokenizer.ggml.tokens");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 512u);
  EXPECT_EQ((*tokens)[0], "<unk>");
  EXPECT_EQ((*tokens)[1], "<s>");
  EXPECT_EQ((*tokens)[2], "</s>");
  EXPECT_EQ((*tokens)[3], "<0x00>");
  auto types = f.get_i32_array("tokenizer.ggml.token_type");
  ASSERT_EQ(types->size(), 512u);
  EXPECT_EQ((*types)[0], 2);  // unknown
  EXPECT_EQ((*types)[1], 3);  // control
  EXPECT_EQ((*types)[3], 6);  // byte
  EXPECT_EQ(f.get_f32_array("tokenizer.ggml.scores")->size(), 512u);
  EXPECT_EQ(*f.get_string("tokenizer.ggml.model"), "llama");
  EXPECT_EQ(*f.get_u32("tokenizer.ggml.bos_token_id"), 1u);
  EXPECT_EQ(*f.get_u32("tokenizer.ggml.eos_token_id"), 2u);
  EXPECT_TRUE(*f.get_bool("tokenizer.ggml.add_bos_token"));
  EXPECT_FALSE(*f.get_bool("tokenizer.ggml.add_eos_token"));
}

TEST(GgufFixtures, Stories260KMatchesReadmeSection4) {
  GgufFile f = open_fixture("fixtures/models/stories260K.gguf");
  EXPECT_EQ(*f.get_string("general.architecture"), "llama");
  EXPECT_EQ(*f.get_u32("llama.embedding_length"), 64u);
  EXPECT_EQ(*f.get_u32("llama.block_count"), 5u);
  EXPECT_EQ(*f.get_u32("llama.attention.head_count"), 8u);
  EXPECT_EQ(*f.get_u32("llama.attention.head_count_kv"), 4u);
  EXPECT_EQ(*f.get_u32("llama.feed_forward_length"), 172u);
  EXPECT_EQ(*f.get_u32("llama.rope.dimension_count"), 8u);
  EXPECT_EQ(f.get_string_array("tokenizer.ggml.tokens")->size(), 512u);
  EXPECT_FALSE(f.contains("llama.rope.freq_base"));  // loader default applies
  EXPECT_EQ(*f.get_f32_or("llama.rope.freq_base", 10000.0f), 10000.0f);
  // 0xFFFFFFFF means "none": readable as u32, and a clear error as i32.
  EXPECT_EQ(*f.get_u32("tokenizer.ggml.seperator_token_id"), 0xFFFFFFFFu);
  auto as_i32 = f.get_i32("tokenizer.ggml.padding_token_id");
  ASSERT_FALSE(as_i32.ok());
  EXPECT_NE(as_i32.error().message().find("does not fit in i32"), std::string::npos) << as_i32.error().describe();
  EXPECT_EQ(f.tensors().size(), 3u + 5u * 9u);
  for (const GgufTensor& t : f.tensors()) EXPECT_EQ(t.type, GgmlType::F32) << t.name;
  expect_shape(f, "token_embd.weight", {64, 512});
  expect_shape(f, "blk.4.attn_k.weight", {64, 32});
  expect_shape(f, "blk.0.ffn_down.weight", {172, 64});
  // Tensor data is the real weights: output_norm is a trained RMSNorm gain, finite and non-zero.
  const GgufTensor* norm = f.find_tensor("output_norm.weight");
  float first = 0;
  std::memcpy(&first, norm->data, 4);
  EXPECT_TRUE(std::isfinite(first));
  EXPECT_NE(first, 0.0f);
}

TEST(GgufFixtures, ArchitectureTablesOfReadmeSection7) {
  {
    GgufFile f = open_fixture("fixtures/models/tiny-qwen2-Q8_0.gguf");
    EXPECT_EQ(f.find_tensor("output.weight"), nullptr);  // tied
    expect_shape(f, "blk.0.attn_q.bias", {256});
    expect_shape(f, "blk.1.attn_k.bias", {128});
    EXPECT_EQ(f.find_tensor("blk.0.attn_q.weight")->type, GgmlType::Q8_0);
    EXPECT_EQ(f.find_tensor("blk.0.attn_q.bias")->type, GgmlType::F32);
  }
  {
    GgufFile f = open_fixture("fixtures/models/tiny-phi3-F32.gguf");
    expect_shape(f, "blk.0.attn_qkv.weight", {256, 512});
    expect_shape(f, "blk.0.ffn_up.weight", {256, 1536});
    expect_shape(f, "blk.1.ffn_down.weight", {768, 256});
    EXPECT_EQ(*f.get_u32("phi3.rope.dimension_count"), 64u);
  }
  {
    GgufFile f = open_fixture("fixtures/models/tiny-gemma2-Q4_K_M.gguf");
    expect_shape(f, "blk.0.post_attention_norm.weight", {256});
    expect_shape(f, "blk.1.post_ffw_norm.weight", {256});
    EXPECT_EQ(*f.get_f32("gemma2.attn_logit_softcapping"), 50.0f);
    EXPECT_EQ(*f.get_f32("gemma2.final_logit_softcapping"), 30.0f);
    EXPECT_EQ(*f.get_u32("gemma2.attention.sliding_window"), 16u);
    EXPECT_EQ(*f.get_u32("gemma2.attention.key_length"), 64u);
    EXPECT_EQ(*f.get_u32("general.file_type"), 15u);
  }
  {
    GgufFile f = open_fixture("fixtures/models/tiny-qwen3-F32.gguf");
    expect_shape(f, "blk.0.attn_q.weight", {256, 512});
    expect_shape(f, "blk.0.attn_k.weight", {256, 256});
    expect_shape(f, "blk.0.attn_output.weight", {512, 256});
    expect_shape(f, "blk.0.attn_q_norm.weight", {128});
    EXPECT_EQ(*f.get_u32("qwen3.attention.key_length"), 128u);
  }
  {
    GgufFile f = open_fixture("fixtures/models/tiny-bert-F16.gguf");
    expect_shape(f, "token_embd.weight", {256, 30522});
    expect_shape(f, "token_types.weight", {256, 2});
    expect_shape(f, "position_embd.weight", {256, 512});
    expect_shape(f, "blk.0.ffn_up.weight", {256, 1024});
    EXPECT_EQ(f.find_tensor("token_embd.weight")->type, GgmlType::F16);
    EXPECT_FALSE(*f.get_bool("bert.attention.causal"));
    EXPECT_EQ(*f.get_u32("bert.pooling_type"), 1u);
    EXPECT_FLOAT_EQ(*f.get_f32("bert.attention.layer_norm_epsilon"), 1e-12f);
    EXPECT_EQ(f.get_string_array("tokenizer.ggml.tokens")->size(), 30522u);
    EXPECT_EQ(*f.get_u32("tokenizer.ggml.cls_token_id"), 101u);
  }
}

TEST(GgufFixtures, TokenizerVocabulariesOfTheirReadme) {
  const std::map<std::string, std::pair<std::string, size_t>> expected = {
      {"ggml-vocab-llama-spm.gguf", {"llama", 32000}}, {"ggml-vocab-phi-3.gguf", {"llama", 32064}},
      {"ggml-vocab-llama-bpe.gguf", {"gpt2", 128256}}, {"ggml-vocab-qwen2.gguf", {"gpt2", 151936}},
      {"ggml-vocab-bert-bge.gguf", {"bert", 30522}},   {"ggml-vocab-gpt-2.gguf", {"gpt2", 50257}},
  };
  for (const auto& [file, facts] : expected) {
    GgufFile f = open_fixture("fixtures/tokenizers/" + file);
    EXPECT_TRUE(f.tensors().empty()) << file;
    EXPECT_EQ(*f.get_string("tokenizer.ggml.model"), facts.first) << file;
    // Lazy iteration and the vector of views agree.
    auto tokens = f.get_array("tokenizer.ggml.tokens", pw::gguf::GgufType::String);
    ASSERT_TRUE(tokens.ok()) << file;
    EXPECT_EQ(tokens->size(), facts.second) << file;
    size_t n = 0;
    for (std::string_view t : tokens->strings()) n += t.empty() ? 0 : 1;
    EXPECT_EQ(n, facts.second) << file << ": every token is non-empty";
    if (facts.first == "gpt2") {
      EXPECT_GT(f.get_string_array("tokenizer.ggml.merges")->size(), 40000u) << file;
    }
  }
  GgufFile qwen = open_fixture("fixtures/tokenizers/ggml-vocab-qwen2.gguf");
  auto tokens = qwen.get_string_array("tokenizer.ggml.tokens");
  EXPECT_EQ((*tokens)[151643], "<|endoftext|>");
  EXPECT_EQ(*qwen.get_u32("tokenizer.ggml.eos_token_id"), 151643u);
  EXPECT_FALSE(*qwen.get_bool("tokenizer.ggml.add_bos_token"));
}

// Rewrites `f` with our writer: every key copied verbatim, every tensor from the mapping.
void rewrite(const GgufFile& f, const std::filesystem::path& out) {
  pw::gguf::GgufWriter w;
  for (const auto& kv : f.metadata()) w.set_value(kv.key, kv.value);
  for (const GgufTensor& t : f.tensors()) {
    std::vector<uint64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
    pw::Status s = w.add_tensor(t.name, t.type, ne, t.bytes());
    ASSERT_TRUE(s.ok()) << s.error().describe();
  }
  pw::Status s = w.write(out);
  ASSERT_TRUE(s.ok()) << s.error().describe();
}

TEST(GgufFixtures, WriterReproducesEveryFixtureByteForByte) {
  pw::test::TempDir dir;
  auto files = fixture_ggufs("fixtures/models");
  auto vocabs = fixture_ggufs("fixtures/tokenizers");
  files.insert(files.end(), vocabs.begin(), vocabs.end());
  for (const auto& path : files) {
    auto original = GgufFile::open(path);
    ASSERT_TRUE(original.ok());
    const auto out = dir / path.filename().string();
    rewrite(*original, out);
    auto copy = GgufFile::open(out);
    ASSERT_TRUE(copy.ok()) << copy.error().describe();
    const auto a = original->bytes();
    const auto b = copy->bytes();
    // Older writers leave out the padding after the infos of a tensor-less file; ggml (and we)
    // always pad to the alignment. Everything else must be identical.
    ASSERT_GE(b.size(), a.size()) << path;
    EXPECT_EQ(b.size(), (a.size() + 31) / 32 * 32) << path;
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin())) << path << ": rewritten bytes differ";
    EXPECT_TRUE(std::all_of(b.begin() + static_cast<std::ptrdiff_t>(a.size()), b.end(), [](uint8_t x) { return x == 0; }));
    std::filesystem::remove(out);
  }
}

}  // namespace
