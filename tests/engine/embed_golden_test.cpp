// The encoder against llama.cpp's golden embeddings of the tiny-bert fixtures (fixtures README
// section 3 and the tolerances of section 6), plus the Embedder's batching, truncation and
// prefix rules.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "engine/embed/embedder.h"
#include "engine/embed/prefixes.h"
#include "support/test_support.h"

namespace {

using pw::compute::BatchPath;
using pw::embed::EmbedRole;
using pw::embed::Embedder;
using pw::embed::EmbedderOptions;

struct Sentence {
  std::string text;
  std::vector<int32_t> ids;
  std::vector<float> native, deqref, native_normalized;
};

std::vector<Sentence> load_golden(const std::string& name) {
  const auto j = nlohmann::json::parse(pw::test::read_text(pw::test::shared_path("fixtures/models/" + name + ".golden.json")));
  std::vector<Sentence> out;
  for (const auto& s : j.at("sentences")) {
    Sentence x;
    x.text = s.at("text").get<std::string>();
    x.ids = s.at("token_ids").get<std::vector<int32_t>>();
    x.native = s.at("pooled_mean").get<std::vector<float>>();
    x.deqref = s.at("dequant_f32_reference_pooled_mean").get<std::vector<float>>();
    x.native_normalized = s.at("pooled_mean_l2_normalized").get<std::vector<float>>();
    out.push_back(std::move(x));
  }
  return out;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += double(a[i]) * b[i];
    aa += double(a[i]) * a[i];
    bb += double(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

std::unique_ptr<Embedder> load(const std::string& name, BatchPath path, bool normalize, int max_tokens = 0) {
  EmbedderOptions o;
  o.threads = 2;
  o.batch_path = path;
  o.normalize = normalize;
  o.max_tokens = max_tokens;
  auto e = Embedder::load(pw::test::shared_path("fixtures/models/" + name + ".gguf"), o);
  EXPECT_TRUE(static_cast<bool>(e)) << (e ? "" : e.error().describe());
  return e ? std::move(*e) : nullptr;
}

struct Case {
  const char* model;
  float native_tol;  // README section 6: pooled vs native pooled_mean
};

class BertGolden : public ::testing::TestWithParam<Case> {};

TEST_P(BertGolden, TokenIdsAreIdentical) {
  auto e = load(GetParam().model, BatchPath::Auto, true);
  ASSERT_TRUE(e);
  for (const Sentence& s : load_golden(GetParam().model)) EXPECT_EQ(e->tokenize(s.text, EmbedRole::Raw), s.ids) << s.text;
}

TEST_P(BertGolden, ExactF32MathMatchesDequantizedReference) {
  // The sgemm path multiplies F32 activations with dequantized weights: llama.cpp's run on the
  // all-F32 copy of the model (dequant_f32_reference_pooled_mean) is its reference.
  auto e = load(GetParam().model, BatchPath::Sgemm, false);
  ASSERT_TRUE(e);
  for (const Sentence& s : load_golden(GetParam().model)) {
    const std::string_view t[1] = {s.text};
    auto r = e->embed(std::span<const std::string_view>(t), EmbedRole::Raw);
    ASSERT_TRUE(r) << r.error().describe();
    const std::vector<float>& v = r->front().vector;
    ASSERT_EQ(v.size(), s.deqref.size());
    EXPECT_GE(cosine(v, s.deqref), 0.9999) << s.text;
    EXPECT_LE(max_abs_diff(v, s.deqref), 1e-3f) << s.text;  // F16 GELU table emulated
  }
}

TEST_P(BertGolden, QuantizedActivationsMatchNativeGolden) {
  // The vec_dot path converts activations like ggml does: the native llama.cpp run.
  auto e = load(GetParam().model, BatchPath::VecDot, false);
  ASSERT_TRUE(e);
  for (const Sentence& s : load_golden(GetParam().model)) {
    auto r = e->embed(std::span<const std::string>(&s.text, 1), EmbedRole::Raw);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_LE(max_abs_diff(r->front().vector, s.native), GetParam().native_tol) << s.text;
    EXPECT_GE(cosine(r->front().vector, s.native), 0.999) << s.text;
  }
}

TEST_P(BertGolden, NormalisedBatchMatchesGoldenAndSingleTexts) {
  auto e = load(GetParam().model, BatchPath::Sgemm, true);
  ASSERT_TRUE(e);
  const auto golden = load_golden(GetParam().model);
  std::vector<std::string> texts;
  for (const Sentence& s : golden) texts.push_back(s.text);
  auto batch = e->embed(texts, EmbedRole::Raw);
  ASSERT_TRUE(batch) << batch.error().describe();
  ASSERT_EQ(batch->size(), golden.size());
  for (size_t i = 0; i < golden.size(); ++i) {
    const std::vector<float>& v = (*batch)[i].vector;
    double norm = 0;
    for (float x : v) norm += double(x) * x;
    EXPECT_NEAR(norm, 1.0, 1e-5);
    EXPECT_GE(cosine(v, golden[i].native_normalized), 0.9999);
    EXPECT_EQ((*batch)[i].token_ids, golden[i].ids);
    auto one = e->embed(std::span<const std::string>(&texts[i], 1), EmbedRole::Raw);
    ASSERT_TRUE(one);
    // Packing never lets a text see another's tokens.
    EXPECT_LE(max_abs_diff(one->front().vector, v), 5e-5f) << texts[i];  // sgemm blocking differs by batch size
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BertGolden,
                         ::testing::Values(Case{"tiny-bert-F16", 5e-3f}, Case{"tiny-bert-Q4_K_M", 0.06f}),
                         [](const auto& info) { return std::string(info.param.model).substr(10); });

TEST(Embedder, CosineMatrixMatchesGolden) {
  auto e = load("tiny-bert-F16", BatchPath::Auto, true);
  ASSERT_TRUE(e);
  const auto j = nlohmann::json::parse(pw::test::read_text(pw::test::shared_path("fixtures/models/tiny-bert-F16.golden.json")));
  const auto golden = load_golden("tiny-bert-F16");
  std::vector<std::string> texts;
  for (const Sentence& s : golden) texts.push_back(s.text);
  auto r = e->embed(texts, EmbedRole::Raw);
  ASSERT_TRUE(r);
  const auto& m = j.at("cosine_matrix_normalized");
  for (size_t a = 0; a < 3; ++a)
    for (size_t b = 0; b < 3; ++b) EXPECT_NEAR(cosine((*r)[a].vector, (*r)[b].vector), m[a][b].get<double>(), 1e-3);
}

TEST(Embedder, LongTextIsTruncatedAndTheCallerIsTold) {
  auto e = load("tiny-bert-F16", BatchPath::Auto, true, /*max_tokens=*/6);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->max_tokens(), 6);
  auto r = e->embed_query("The cat sat on the mat.");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->original_tokens, 9);
  EXPECT_EQ(r->token_ids, (std::vector<int32_t>{101, 1996, 4937, 2938, 2006, 102}));  // [SEP] kept
  auto short_one = e->embed_query("cat");
  ASSERT_TRUE(short_one);
  EXPECT_FALSE(short_one->truncated);
}

TEST(Embedder, ModelLimitsAndFacts) {
  auto e = load("tiny-bert-F16", BatchPath::Auto, true);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->dimension(), 256);
  EXPECT_EQ(e->max_tokens(), 512);
  EXPECT_EQ(e->pooling(), pw::model::Pooling::Mean);
  EXPECT_EQ(e->model_name(), "tiny-bert-F16.gguf");
  // A text far over the limit still embeds, cut to 512 tokens.
  std::string long_text;
  for (int i = 0; i < 700; ++i) long_text += "word ";
  auto r = e->embed(std::span<const std::string>(&long_text, 1), EmbedRole::Passage);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->front().truncated);
  EXPECT_EQ(r->front().token_ids.size(), 512u);
  EXPECT_EQ(r->front().token_ids.back(), 102);
  EXPECT_EQ(r->front().original_tokens, 702);
}

TEST(Embedder, EmptyBatchAndEmptyText) {
  auto e = load("tiny-bert-F16", BatchPath::Auto, true);
  ASSERT_TRUE(e);
  auto none = e->embed(std::span<const std::string>(), EmbedRole::Passage);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto empty = e->embed_query("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->vector.size(), 256u);
}

TEST(Embedder, DecoderModelIsAClearError) {
  auto e = Embedder::load(pw::test::shared_path("fixtures/models/stories260K.gguf"));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), pw::ErrorCode::Unsupported);
  EXPECT_NE(e.error().describe().find("stories260K.gguf"), std::string::npos);
  EXPECT_NE(e.error().describe().find("bert"), std::string::npos);
}

TEST(EmbedPrefixes, FamiliesFromOneTable) {
  using pw::embed::prefix_family;
  EXPECT_EQ(prefix_family("nomic-bert", {"anything"}).prefix(EmbedRole::Query), "search_query: ");
  EXPECT_EQ(prefix_family("nomic-bert", {""}).prefix(EmbedRole::Passage), "search_document: ");
  EXPECT_EQ(prefix_family("bert", {"multilingual-e5-small"}).prefix(EmbedRole::Query), "query: ");
  EXPECT_EQ(prefix_family("bert", {"", "e5-base-v2.Q8_0.gguf"}).prefix(EmbedRole::Passage), "passage: ");
  EXPECT_EQ(prefix_family("bert", {"bge-small-en-v1.5"}).prefix(EmbedRole::Query),
            "Represent this sentence for searching relevant passages: ");
  EXPECT_EQ(prefix_family("bert", {"bge-small-en-v1.5"}).prefix(EmbedRole::Passage), "");
  EXPECT_EQ(prefix_family("bert", {"all-MiniLM-L6-v2"}).family, "minilm");
  EXPECT_EQ(prefix_family("bert", {"all-MiniLM-L6-v2"}).prefix(EmbedRole::Query), "");
  EXPECT_EQ(prefix_family("bert", {"gte-base"}).family, "gte");
  EXPECT_EQ(prefix_family("bert", {"tiny-bert-F16.gguf"}).family, "none");
  // Raw never adds anything.
  EXPECT_EQ(prefix_family("nomic-bert", {}).prefix(EmbedRole::Raw), "");
  // "v1.5" must not look like e5.
  EXPECT_EQ(prefix_family("bert", {"bge-base-en-v1.5"}).family, "bge");
}

}  // namespace
