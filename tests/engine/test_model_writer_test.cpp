// make-test-model's writer: tiny shapes load in our Model and run; the real shapes (Llama-3.2-1B,
// Qwen2.5-0.5B) are checked for tensor shapes, types and sizes without writing them.
#include "engine/quantize/test_model_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/gguf/gguf_file.h"
#include "engine/model/model.h"
#include "engine/tokenizer/tokenizer.h"
#include "support/test_support.h"

namespace pw::quantize {
namespace {

std::filesystem::path vocab(const std::string& name) { return pw::test::shared_path("fixtures/tokenizers/ggml-vocab-" + name + ".gguf"); }
// The tiny shapes take the 512-token tokenizer of stories260K: small files, fast tests.
std::filesystem::path small_vocab() { return pw::test::shared_path("fixtures/models/stories260K.gguf"); }

const TestModelTensor* find(const TestModelPlan& p, const std::string& name) {
  for (const auto& t : p.tensors)
    if (t.name == name) return &t;
  return nullptr;
}

std::map<GgmlType, int> type_counts(const TestModelPlan& p) {
  std::map<GgmlType, int> m;
  for (const auto& t : p.tensors) ++m[t.type];
  return m;
}

TEST(TestModelWriter, TinyLlamaLoadsRunsAndCarriesTheTokenizer) {
  pw::test::TempDir dir;
  const auto out = dir / "tiny.gguf";
  TestModelRequest req;
  req.shape = model::find_test_model_shape("tiny-llama");
  ASSERT_NE(req.shape, nullptr);
  req.vocab = small_vocab();
  req.type = "Q4_K_M";
  req.threads = 1;
  auto report = write_test_model(req, out);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->plan.n_vocab, 512);
  EXPECT_EQ(report->file_bytes, std::filesystem::file_size(out));

  auto file = gguf::GgufFile::open(out);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(*file->get_u32("general.file_type"), 15u);  // Q4_K_M
  ASSERT_EQ(file->tensors().size(), report->plan.tensors.size());
  for (size_t i = 0; i < file->tensors().size(); ++i) {
    EXPECT_EQ(file->tensors()[i].name, report->plan.tensors[i].name);
    EXPECT_EQ(file->tensors()[i].type, report->plan.tensors[i].type) << report->plan.tensors[i].name;
  }
  EXPECT_EQ(find(report->plan, "output.weight")->type, GgmlType::Q6_K);
  EXPECT_EQ(find(report->plan, "blk.0.attn_q.weight")->type, GgmlType::Q4_K);
  EXPECT_EQ(find(report->plan, "blk.0.attn_norm.weight")->type, GgmlType::F32);

  // Same tokenizer as the vocabulary file.
  auto source = gguf::GgufFile::open(req.vocab);
  ASSERT_TRUE(source.ok());
  auto tok_a = tokenizer::Tokenizer::from_gguf(*file);
  auto tok_b = tokenizer::Tokenizer::from_gguf(*source);
  ASSERT_TRUE(tok_a.ok() && tok_b.ok());
  EXPECT_EQ((*tok_a)->encode("Hello world, what is 3.14?"), (*tok_b)->encode("Hello world, what is 3.14?"));

  // Our model loads it and computes finite logits.
  auto m = model::Model::load(out);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ((*m)->n_vocab(), 512);
  model::SessionOptions so;
  so.n_ctx = 64;
  so.threads = 1;
  auto s = model::Session::create(*m, so);
  ASSERT_TRUE(s.ok());
  const std::vector<int32_t> ids = (*tok_a)->encode("Once upon a time");
  ASSERT_TRUE(s->eval(ids).ok());
  const auto row = s->logits(0);
  EXPECT_TRUE(std::all_of(row.begin(), row.end(), [](float v) { return std::isfinite(v); }));
  EXPECT_GT(*std::max_element(row.begin(), row.end()), *std::min_element(row.begin(), row.end()));

  // A pure type: every matrix gets it (token_embd and output too), norms stay F32.
  req.type = "Q4_0";
  auto pure = plan_test_model(req);
  ASSERT_TRUE(pure.ok());
  EXPECT_EQ(type_counts(*pure).at(GgmlType::Q4_0), 2 + 2 * 7);
  EXPECT_EQ(type_counts(*pure).at(GgmlType::F32), 1 + 2 * 2);
  req.type = "Q4_K_M";

  // An existing file is not replaced unless asked.
  auto again = write_test_model(req, out);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message().find("already exists"), std::string::npos);
}

TEST(TestModelWriter, TinyQwen2WithBiasesAndTiedEmbeddingsLoads) {
  pw::test::TempDir dir;
  const auto out = dir / "tiny-qwen.gguf";
  TestModelRequest req;
  req.shape = model::find_test_model_shape("tiny-qwen2");
  req.vocab = small_vocab();
  req.type = "Q8_0";
  req.threads = 1;
  auto report = write_test_model(req, out);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->plan.n_vocab, 512);
  EXPECT_EQ(find(report->plan, "output.weight"), nullptr);
  EXPECT_EQ(find(report->plan, "blk.1.attn_v.bias")->type, GgmlType::F32);
  auto m = model::Model::load(out);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ((*m)->hparams().architecture, "qwen2");
  model::SessionOptions so;
  so.n_ctx = 32;
  so.threads = 1;
  auto s = model::Session::create(*m, so);
  ASSERT_TRUE(s.ok());
  const int32_t ids[3] = {1, 403, 407};
  ASSERT_TRUE(s->eval(ids).ok());
  EXPECT_TRUE(std::isfinite(s->logits(0)[0]));
}

TEST(TestModelWriter, Llama32OneBShapeAndQ4KMMix) {
  TestModelRequest req;
  req.shape = model::find_test_model_shape("llama-3.2-1b");
  ASSERT_NE(req.shape, nullptr);
  req.vocab = vocab("llama-bpe");
  req.type = "Q4_K_M";
  auto plan = plan_test_model(req);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(plan->n_vocab, 128256);
  EXPECT_EQ(plan->file_type, 15u);
  EXPECT_EQ(plan->tensors.size(), 3u + 16u * 9u);  // token_embd, output_norm, rope_freqs + 9 per layer
  EXPECT_EQ(plan->parameters, 1235814400u + 32u);  // Llama-3.2-1B's count, plus the 32 rope divisors
  const auto* embd = find(*plan, "token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->ne, (std::vector<uint64_t>{2048, 128256}));
  EXPECT_EQ(embd->type, GgmlType::Q6_K);  // tied embeddings: the output matrix gets Q6_K
  EXPECT_EQ(find(*plan, "output.weight"), nullptr);
  EXPECT_EQ(find(*plan, "blk.0.attn_k.weight")->ne, (std::vector<uint64_t>{2048, 512}));
  EXPECT_EQ(find(*plan, "blk.15.ffn_down.weight")->ne, (std::vector<uint64_t>{8192, 2048}));
  EXPECT_EQ(find(*plan, "blk.0.ffn_down.weight")->type, GgmlType::Q6_K);  // "more bits" layers
  EXPECT_EQ(find(*plan, "blk.3.ffn_down.weight")->type, GgmlType::Q4_K);
  EXPECT_EQ(find(*plan, "blk.5.ffn_up.weight")->type, GgmlType::Q4_K);
  EXPECT_EQ(find(*plan, "rope_freqs.weight")->ne, (std::vector<uint64_t>{32}));
  const auto counts = type_counts(*plan);
  EXPECT_EQ(counts.at(GgmlType::F32), 2 + 32);  // output_norm, rope_freqs, 2 norms per layer
  EXPECT_EQ(counts.at(GgmlType::Q4_K) + counts.at(GgmlType::Q6_K), 1 + 16 * 7);

  // The llama3 RoPE divisors: 1 for short wavelengths, 32 for the longest ones.
  const auto freqs = model::llama3_rope_freqs(*req.shape);
  ASSERT_EQ(freqs.size(), 32u);
  EXPECT_FLOAT_EQ(freqs.front(), 1.0f);
  EXPECT_FLOAT_EQ(freqs.back(), 32.0f);
}

TEST(TestModelWriter, Qwen25HalfBShapeFallsBackFromKQuants) {
  TestModelRequest req;
  req.shape = model::find_test_model_shape("qwen2.5-0.5b");
  req.vocab = vocab("qwen2");
  req.type = "Q4_K_M";
  auto plan = plan_test_model(req);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(plan->tensors.size(), 2u + 24u * 12u);
  EXPECT_EQ(plan->parameters, 494032768u);  // Qwen2.5-0.5B's 0.49 B
  EXPECT_EQ(find(*plan, "token_embd.weight")->type, GgmlType::Q8_0);  // Q6_K does not fit rows of 896
  EXPECT_EQ(find(*plan, "blk.4.attn_q.weight")->type, GgmlType::Q5_0);  // Q4_K does not either
  EXPECT_EQ(find(*plan, "blk.4.attn_q.weight")->ne, (std::vector<uint64_t>{896, 896}));
  EXPECT_EQ(find(*plan, "blk.4.attn_k.weight")->ne, (std::vector<uint64_t>{896, 128}));
  EXPECT_EQ(find(*plan, "blk.4.ffn_down.weight")->ne, (std::vector<uint64_t>{4864, 896}));
  EXPECT_EQ(find(*plan, "blk.4.ffn_down.weight")->type, GgmlType::Q4_K);  // 4864 = 19 x 256
}

TEST(TestModelWriter, BadRequestsAreClearErrors) {
  TestModelRequest req;
  req.shape = model::find_test_model_shape("tiny-llama");
  req.vocab = vocab("llama-spm");
  req.type = "Q9_X";
  auto plan = plan_test_model(req);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message().find("unknown type 'Q9_X'"), std::string::npos);
  req.type = "Q4_0";
  req.vocab = small_vocab();
  EXPECT_TRUE(plan_test_model(req).ok());
  req.vocab = "/nonexistent/vocab.gguf";
  EXPECT_FALSE(plan_test_model(req).ok());
  EXPECT_EQ(model::find_test_model_shape("gpt-5"), nullptr);
}

}  // namespace
}  // namespace pw::quantize
