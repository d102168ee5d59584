// The random-weight encoder generator, and nomic-bert (no llama.cpp golden here) against an
// independent plain double-precision forward pass written from the paper's equations.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "engine/embed/embedder.h"
#include "engine/embed/test_encoder_model.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/blocks.h"
#include "engine/model/gelu_kernels.h"
#include "engine/model/softmax_kernels.h"
#include "engine/quant/cpu_features.h"
#include "support/test_support.h"

namespace {

using pw::embed::EmbedRole;
using pw::embed::Embedder;

std::filesystem::path write_model(const pw::test::TempDir& dir, const std::string& shape, pw::GgmlType type,
                                  bool real_vocab, uint64_t seed = 7) {
  const auto* s = pw::embed::find_test_encoder_shape(shape);
  EXPECT_NE(s, nullptr) << shape;
  pw::embed::TestEncoderOptions o;
  o.weight_type = type;
  o.seed = seed;
  if (real_vocab) o.vocab_from = pw::test::shared_path("fixtures/tokenizers/ggml-vocab-bert-bge.gguf");
  const auto path = dir / (shape + "-" + std::string(pw::type_name(type)) + (real_vocab ? "-vocab" : "") + ".gguf");
  const pw::Status st = pw::embed::write_test_encoder_model(path, *s, o);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().describe());
  return path;
}

std::unique_ptr<Embedder> load(const std::filesystem::path& p, pw::compute::BatchPath path = pw::compute::BatchPath::Auto) {
  pw::embed::EmbedderOptions o;
  o.threads = 2;
  o.batch_path = path;
  auto e = Embedder::load(p, o);
  EXPECT_TRUE(static_cast<bool>(e)) << (e ? "" : e.error().describe());
  return e ? std::move(*e) : nullptr;
}

// ---- a plain reference of nomic-bert (F32 weights), all in double ----
struct Ref {
  const pw::gguf::GgufFile& f;
  std::vector<double> t(const std::string& name) const {
    const pw::gguf::GgufTensor* x = f.find_tensor(name);
    EXPECT_NE(x, nullptr) << name;
    std::vector<double> out(x->n_elements);
    const float* p = reinterpret_cast<const float*>(x->data);
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
    return out;
  }
};

using Mat = std::vector<std::vector<double>>;  // [token][dim]

Mat linear(const Mat& X, const std::vector<double>& W, size_t in, size_t out) {
  Mat Y(X.size(), std::vector<double>(out));
  for (size_t t = 0; t < X.size(); ++t)
    for (size_t r = 0; r < out; ++r) {
      double s = 0;
      for (size_t c = 0; c < in; ++c) s += W[r * in + c] * X[t][c];
      Y[t][r] = s;
    }
  return Y;
}

void layer_norm(Mat& X, const std::vector<double>& w, const std::vector<double>& b) {
  for (auto& x : X) {
    double mean = 0, var = 0;
    for (double v : x) mean += v;
    mean /= double(x.size());
    for (double v : x) var += (v - mean) * (v - mean);
    var /= double(x.size());
    for (size_t i = 0; i < x.size(); ++i) x[i] = (x[i] - mean) / std::sqrt(var + 1e-12) * w[i] + b[i];
  }
}

std::vector<double> nomic_reference(const pw::gguf::GgufFile& f, const std::vector<int32_t>& ids, int e, int layers,
                                    int heads, int ff) {
  Ref r{f};
  const size_t E = size_t(e), F = size_t(ff), hd = E / size_t(heads), n = ids.size();
  const auto tok = r.t("token_embd.weight"), types = r.t("token_types.weight");
  Mat x(n, std::vector<double>(E));
  for (size_t t = 0; t < n; ++t)
    for (size_t i = 0; i < E; ++i) x[t][i] = tok[size_t(ids[t]) * E + i] + types[i];
  layer_norm(x, r.t("token_embd_norm.weight"), r.t("token_embd_norm.bias"));
  for (int l = 0; l < layers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    Mat qkv = linear(x, r.t(p + "attn_qkv.weight"), E, 3 * E);
    Mat q(n), k(n), v(n);
    for (size_t t = 0; t < n; ++t) {
      q[t].assign(qkv[t].begin(), qkv[t].begin() + long(E));
      k[t].assign(qkv[t].begin() + long(E), qkv[t].begin() + long(2 * E));
      v[t].assign(qkv[t].begin() + long(2 * E), qkv[t].end());
      // Rotary, NeoX pairing (i, i + hd/2), base 1000, position t.
      for (size_t h = 0; h < size_t(heads); ++h)
        for (size_t i = 0; i < hd / 2; ++i) {
          const double theta = double(t) * std::pow(1000.0, -2.0 * double(i) / double(hd));
          for (Mat* m : {&q, &k}) {
            double& a = (*m)[t][h * hd + i];
            double& b = (*m)[t][h * hd + i + hd / 2];
            const double a0 = a, b0 = b;
            a = a0 * std::cos(theta) - b0 * std::sin(theta);
            b = a0 * std::sin(theta) + b0 * std::cos(theta);
          }
        }
    }
    Mat att(n, std::vector<double>(E, 0.0));
    for (size_t h = 0; h < size_t(heads); ++h)
      for (size_t i = 0; i < n; ++i) {
        std::vector<double> s(n);
        double mx = -1e300, sum = 0;
        for (size_t j = 0; j < n; ++j) {
          double d = 0;
          for (size_t c = 0; c < hd; ++c) d += q[i][h * hd + c] * k[j][h * hd + c];
          s[j] = d / std::sqrt(double(hd));
          mx = std::max(mx, s[j]);
        }
        for (double& z : s) sum += (z = std::exp(z - mx));
        for (size_t j = 0; j < n; ++j)
          for (size_t c = 0; c < hd; ++c) att[i][h * hd + c] += s[j] / sum * v[j][h * hd + c];
      }
    Mat o = linear(att, r.t(p + "attn_output.weight"), E, E);
    for (size_t t = 0; t < n; ++t)
      for (size_t i = 0; i < E; ++i) x[t][i] += o[t][i];
    layer_norm(x, r.t(p + "attn_output_norm.weight"), r.t(p + "attn_output_norm.bias"));
    Mat g = linear(x, r.t(p + "ffn_gate.weight"), E, F), u = linear(x, r.t(p + "ffn_up.weight"), E, F);
    for (size_t t = 0; t < n; ++t)
      for (size_t i = 0; i < F; ++i) g[t][i] = g[t][i] / (1.0 + std::exp(-g[t][i])) * u[t][i];
    Mat d = linear(g, r.t(p + "ffn_down.weight"), F, E);
    for (size_t t = 0; t < n; ++t)
      for (size_t i = 0; i < E; ++i) x[t][i] += d[t][i];
    layer_norm(x, r.t(p + "layer_output_norm.weight"), r.t(p + "layer_output_norm.bias"));
  }
  std::vector<double> pooled(E, 0.0);
  for (const auto& row : x)
    for (size_t i = 0; i < E; ++i) pooled[i] += row[i] / double(n);
  double norm = 0;
  for (double z : pooled) norm += z * z;
  for (double& z : pooled) z /= std::sqrt(norm);
  return pooled;
}

TEST(EmbedEncoder, NomicBertMatchesPlainReference) {
  pw::test::TempDir dir;
  const auto path = write_model(dir, "tiny-nomic", pw::GgmlType::F32, /*real_vocab=*/true);
  auto e = load(path, pw::compute::BatchPath::Sgemm);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->family().family, "nomic");
  auto file = pw::gguf::GgufFile::open(path);
  ASSERT_TRUE(file);
  const std::vector<std::string> texts = {"Unused vacation days roll into the next year.",
                                          "annual leave carry-over", "The maximum paediatric dose is 5 mg/kg."};
  auto got = e->embed(texts, EmbedRole::Raw);
  ASSERT_TRUE(got) << got.error().describe();
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto ref = nomic_reference(*file, (*got)[i].token_ids, 64, 2, 4, 128);
    double max_diff = 0;
    for (size_t j = 0; j < ref.size(); ++j) max_diff = std::max(max_diff, std::abs(ref[j] - (*got)[i].vector[j]));
    EXPECT_LE(max_diff, 2e-5) << texts[i];
  }
}

TEST(EmbedEncoder, NomicPrefixesByRoleAndPositionsMatter) {
  pw::test::TempDir dir;
  auto e = load(write_model(dir, "tiny-nomic", pw::GgmlType::F16, true));
  ASSERT_TRUE(e);
  const auto raw = e->tokenize("leave policy", EmbedRole::Raw);
  const auto query = e->tokenize("leave policy", EmbedRole::Query);
  const auto passage = e->tokenize("leave policy", EmbedRole::Passage);
  EXPECT_EQ(query, e->tokenize("search_query: leave policy", EmbedRole::Raw));
  EXPECT_EQ(passage, e->tokenize("search_document: leave policy", EmbedRole::Raw));
  EXPECT_GT(passage.size(), raw.size());
  // Word order changes the vector (rotary positions are applied).
  auto a = e->embed_query("leave policy");
  auto b = e->embed_query("policy leave");
  ASSERT_TRUE(a && b);
  double dot = 0;
  for (size_t i = 0; i < a->vector.size(); ++i) dot += double(a->vector[i]) * b->vector[i];
  EXPECT_LT(dot, 0.99999);
}

TEST(EmbedEncoder, GeneratorIsDeterministicAndLoadsInEveryFormat) {
  pw::test::TempDir dir;
  const auto a = write_model(dir, "tiny-bert", pw::GgmlType::F16, false, 3);
  const auto bytes_a = pw::test::read_file(a);
  std::filesystem::rename(a, dir / "first.gguf");
  const auto b = write_model(dir, "tiny-bert", pw::GgmlType::F16, false, 3);
  EXPECT_EQ(bytes_a, pw::test::read_file(b)) << "same seed, same bytes";
  for (pw::GgmlType t : {pw::GgmlType::F32, pw::GgmlType::F16, pw::GgmlType::Q8_0}) {
    for (const char* shape : {"tiny-bert", "tiny-nomic"}) {
      auto e = load(write_model(dir, shape, t, false));
      ASSERT_TRUE(e) << shape;
      auto v = e->embed_query("the dose of the policy");
      ASSERT_TRUE(v) << v.error().describe();
      double norm = 0;
      for (float x : v->vector) norm += double(x) * x;
      EXPECT_NEAR(norm, 1.0, 1e-5) << shape << " " << pw::type_name(t);
      EXPECT_EQ(v->token_ids.front(), 101);
      EXPECT_EQ(v->token_ids.back(), 102);
    }
  }
  EXPECT_EQ(pw::embed::find_test_encoder_shape("gpt-5"), nullptr);
  EXPECT_EQ(pw::embed::find_test_encoder_shape(""), nullptr);
  ASSERT_NE(pw::embed::find_test_encoder_shape("all-minilm-l6-v2"), nullptr);
  EXPECT_EQ(pw::embed::find_test_encoder_shape("all-minilm-l6-v2")->n_ff, 1536);
  EXPECT_EQ(pw::embed::find_test_encoder_shape("minilm-l6"), pw::embed::find_test_encoder_shape("all-minilm-l6-v2"));
  EXPECT_EQ(pw::embed::find_test_encoder_shape("bge-base")->n_embd, 768);
  EXPECT_EQ(pw::embed::find_test_encoder_shape("nomic-v1.5"), pw::embed::find_test_encoder_shape("nomic-embed-text-v1.5"));
}

TEST(EmbedEncoder, PackedBatchEqualsOneByOne) {
  pw::test::TempDir dir;
  auto e = load(write_model(dir, "tiny-nomic", pw::GgmlType::F32, true), pw::compute::BatchPath::Sgemm);
  ASSERT_TRUE(e);
  std::vector<std::string> texts;
  for (int i = 0; i < 12; ++i) texts.push_back(std::string(size_t(i + 1), 'a') + " policy number " + std::to_string(i));
  auto all = e->embed(texts, EmbedRole::Passage);
  ASSERT_TRUE(all);
  for (size_t i = 0; i < texts.size(); ++i) {
    auto one = e->embed(std::span<const std::string>(&texts[i], 1), EmbedRole::Passage);
    ASSERT_TRUE(one);
    for (size_t j = 0; j < one->front().vector.size(); ++j)
      ASSERT_NEAR(one->front().vector[j], (*all)[i].vector[j], 1e-5) << i;
  }
}

TEST(EmbedEncoder, RowGeluEqualsTheTableLookup) {
  std::vector<float> x;
  for (float v = -12.0f; v <= 12.0f; v += 0.0137f) x.push_back(v);
  std::vector<float> y = x;
  pw::model::gelu(y.data(), static_cast<int>(y.size()));
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], pw::model::gelu_f16_table(x[i])) << x[i];
  // The F16C kernel and its scalar twin agree bit for bit (odd length: the tail too).
  if (pw::quant::cpu_features().avx2_fma_f16c) {
    std::vector<float> a = x, b = x;
    std::vector<uint16_t> table(65536);
    for (uint32_t i = 0; i < table.size(); ++i) {  // any finite table: the lookup is what is tested
      uint16_t v = static_cast<uint16_t>((i * 2654435761u) >> 16);
      if ((v & 0x7C00) == 0x7C00) v = static_cast<uint16_t>(v & ~0x4000);
      table[i] = v;
    }
    pw::model::gelu_scalar(a.data(), static_cast<int>(a.size()) - 3, table.data());
    pw::model::gelu_avx2(b.data(), static_cast<int>(b.size()) - 3, table.data());
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(std::memcmp(&a[i], &b[i], 4), 0) << x[i];
  }
}

TEST(EmbedEncoder, SoftmaxExpAndTheAvx2TwinAgree) {
  for (float x = -87.0f; x <= 88.0f; x += 0.01731f) {
    const double ref = std::exp(double(x));
    ASSERT_LE(std::abs(pw::model::softmax_exp(x) - ref) / ref, 3e-7) << x;
  }
  EXPECT_EQ(pw::model::softmax_exp(-std::numeric_limits<float>::infinity()), 0.0f);
  EXPECT_EQ(pw::model::softmax_exp(-100.0f), 0.0f);
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return float(int((state >> 33) % 20001) - 10000) / 500.0f;  // [-20, 20]
  };
  for (int n : {1, 3, 8, 9, 31, 64, 257}) {
    std::vector<float> a(static_cast<size_t>(n));
    for (float& v : a) v = next();
    if (n > 2) a[1] = -std::numeric_limits<float>::infinity();  // a masked position
    std::vector<float> b = a;
    pw::model::softmax_row_scalar(a.data(), n);
    if (pw::quant::cpu_features().avx2_fma_f16c) {
      pw::model::softmax_row_avx2(b.data(), n);
    } else {
      pw::model::softmax_row_scalar(b.data(), n);
    }
    double sum = 0;
    for (int j = 0; j < n; ++j) {
      ASSERT_NEAR(a[size_t(j)], b[size_t(j)], 1e-6) << n << " " << j;
      sum += a[size_t(j)];
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
    if (n > 2) {
      EXPECT_EQ(b[1], 0.0f);
    }
  }
}

TEST(EmbedEncoder, DamagedEncoderFilesAreErrors) {
  pw::test::TempDir dir;
  const auto path = write_model(dir, "tiny-bert", pw::GgmlType::F16, false);
  auto bytes = pw::test::read_file(path);
  // Truncated file: an error naming it, never a crash.
  pw::test::write_file(dir / "cut.gguf", bytes.data(), bytes.size() / 2);
  auto cut = Embedder::load(dir / "cut.gguf");
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().describe().find("cut.gguf"), std::string::npos);
  // A bert file without its layer tensors.
  auto e = Embedder::load(pw::test::shared_path("fixtures/tokenizers/ggml-vocab-bert-bge.gguf"));
  ASSERT_FALSE(e);
}

}  // namespace
