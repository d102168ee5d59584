// Features the fixtures do not cover directly, checked by equivalences on edited copies of them:
// RoPE frequency factors (llama3 rope_freqs) against linear RoPE scaling, phi3's separate q/k/v
// against its fused attn_qkv, tied output against an explicit copy of token_embd, and gemma3's
// sliding window and per-head q/k norms.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/model.h"
#include "tests/engine/model_fixtures.h"

namespace pw::model {
namespace {

struct Edit {
  std::function<void(gguf::GgufWriter&)> meta = [](gguf::GgufWriter&) {};
  // Called for every source tensor; adds whatever should replace it (nothing = dropped).
  std::function<void(gguf::GgufWriter&, const gguf::GgufTensor&)> tensor;
  // Extra tensors added at the end.
  std::function<void(gguf::GgufWriter&)> extra = [](gguf::GgufWriter&) {};
};

Edit with_meta(std::function<void(gguf::GgufWriter&)> f) {
  Edit e;
  e.meta = std::move(f);
  return e;
}
Edit with_tensor(std::function<void(gguf::GgufWriter&, const gguf::GgufTensor&)> f) {
  Edit e;
  e.tensor = std::move(f);
  return e;
}
Edit with_extra(std::function<void(gguf::GgufWriter&)> f) {
  Edit e;
  e.extra = std::move(f);
  return e;
}

void copy_tensor(gguf::GgufWriter& w, const gguf::GgufTensor& t) {
  ASSERT_TRUE(w.add_tensor(t.name, t.type, {t.ne.begin(), t.ne.begin() + t.n_dims}, t.bytes()).ok()) << t.name;
}

std::shared_ptr<const Model> edited(const pw::test::TempDir& dir, const std::string& source, const std::string& out,
                                    const Edit& e) {
  auto src = gguf::GgufFile::open(pw::test::model_fixture(source));
  EXPECT_TRUE(src.ok());
  if (!src.ok()) return nullptr;
  gguf::GgufWriter w;
  for (const auto& kv : src->metadata()) w.set_value(kv.key, kv.value);
  e.meta(w);
  for (const auto& t : src->tensors()) {
    if (e.tensor) e.tensor(w, t);
    else copy_tensor(w, t);
  }
  e.extra(w);
  const auto path = dir / out;
  EXPECT_TRUE(w.write(path).ok());
  auto m = Model::load(path);
  EXPECT_TRUE(m.ok()) << m.error().describe();
  return m.ok() ? *m : nullptr;
}

std::vector<float> logits_of(const std::shared_ptr<const Model>& model, std::span<const int32_t> ids) {
  SessionOptions o;
  o.kv_type = KvType::F32;
  o.threads = 2;
  o.batch_path = compute::BatchPath::VecDot;
  auto s = Session::create(model, o);
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return {};
  EXPECT_TRUE(s->eval(ids, LogitsMode::All).ok());
  std::vector<float> out;
  for (int r = 0; r < s->n_logit_rows(); ++r) out.insert(out.end(), s->logits(r).begin(), s->logits(r).end());
  return out;
}

std::vector<float> decode_logits_of(const std::shared_ptr<const Model>& model, std::span<const int32_t> ids) {
  SessionOptions o;
  o.kv_type = KvType::F32;
  o.threads = 1;
  auto s = Session::create(model, o);
  EXPECT_TRUE(s.ok());
  std::vector<float> out;
  for (size_t i = 0; s.ok() && i < ids.size(); ++i) {
    EXPECT_TRUE(s->eval(ids.subspan(i, 1)).ok());
    out.insert(out.end(), s->logits(0).begin(), s->logits(0).end());
  }
  return out;
}

std::span<const uint8_t> bytes_of(const std::vector<float>& v) {
  return {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(float)};
}

TEST(ModelVariants, RopeFrequencyFactorsMatchLinearScaling) {
  pw::test::TempDir dir;
  const auto golden = pw::test::load_decoder_golden("tiny-llama-F32");
  const std::vector<float> ones(32, 1.0f), twos(32, 2.0f);
  // Factors of 1 change nothing: the golden still holds.
  const auto with_ones = edited(dir, "tiny-llama-F32.gguf", "ones.gguf",
                                with_extra([&](gguf::GgufWriter& w) {
                                  ASSERT_TRUE(w.add_tensor("rope_freqs.weight", GgmlType::F32, {32}, bytes_of(ones)).ok());
                                }));
  ASSERT_TRUE(with_ones);
  EXPECT_EQ(with_ones->weights().rope_freqs.size(), 32u);
  EXPECT_LE(pw::test::max_abs_diff(logits_of(with_ones, golden.input_ids), golden.native), 1e-3f);
  // Dividing every frequency by 2 is linear scaling by 2.
  const auto with_twos = edited(dir, "tiny-llama-F32.gguf", "twos.gguf",
                                with_extra([&](gguf::GgufWriter& w) {
                                  ASSERT_TRUE(w.add_tensor("rope_freqs.weight", GgmlType::F32, {32}, bytes_of(twos)).ok());
                                }));
  const auto linear = edited(dir, "tiny-llama-F32.gguf", "linear.gguf",
                             with_meta([](gguf::GgufWriter& w) {
                               w.set_string("llama.rope.scaling.type", "linear");
                               w.set_f32("llama.rope.scaling.factor", 2.0f);
                             }));
  ASSERT_TRUE(with_twos && linear);
  EXPECT_FLOAT_EQ(linear->hparams().rope_freq_scale, 0.5f);
  const auto a = logits_of(with_twos, golden.input_ids);
  const auto b = logits_of(linear, golden.input_ids);
  EXPECT_LE(pw::test::max_abs_diff(a, b), 1e-5f);
  EXPECT_GT(pw::test::max_abs_diff(a, golden.native), 1e-2f) << "scaling must change the logits";

  // YaRN is refused rather than computed wrongly.
  const auto yarn_path = dir / "yarn.gguf";
  {
    auto src = gguf::GgufFile::open(pw::test::model_fixture("tiny-llama-F32.gguf"));
    ASSERT_TRUE(src.ok());
    gguf::GgufWriter w;
    for (const auto& kv : src->metadata()) w.set_value(kv.key, kv.value);
    w.set_string("llama.rope.scaling.type", "yarn");
    for (const auto& t : src->tensors()) copy_tensor(w, t);
    ASSERT_TRUE(w.write(yarn_path).ok());
  }
  auto yarn = Model::load(yarn_path);
  ASSERT_FALSE(yarn.ok());
  EXPECT_EQ(yarn.error().code(), ErrorCode::Unsupported);
}

TEST(ModelVariants, PhiSeparateProjectionsEqualTheFusedOne) {
  pw::test::TempDir dir;
  const auto golden = pw::test::load_decoder_golden("tiny-phi3-F32");
  // attn_qkv [256, 512] -> attn_q [256, 256], attn_k [256, 128], attn_v [256, 128] (rows in order).
  const auto split = edited(dir, "tiny-phi3-F32.gguf", "split.gguf", with_tensor([](gguf::GgufWriter& w, const gguf::GgufTensor& t) {
    const std::string name(t.name);
    const auto pos = name.find("attn_qkv.weight");
    if (pos == std::string::npos) return copy_tensor(w, t);
    const std::string prefix = name.substr(0, pos);
    const size_t row = 256 * sizeof(float);
    ASSERT_TRUE(w.add_tensor(prefix + "attn_q.weight", GgmlType::F32, {256, 256}, t.bytes().subspan(0, 256 * row)).ok());
    ASSERT_TRUE(w.add_tensor(prefix + "attn_k.weight", GgmlType::F32, {256, 128}, t.bytes().subspan(256 * row, 128 * row)).ok());
    ASSERT_TRUE(w.add_tensor(prefix + "attn_v.weight", GgmlType::F32, {256, 128}, t.bytes().subspan(384 * row, 128 * row)).ok());
  }));
  ASSERT_TRUE(split);
  EXPECT_FALSE(split->weights().layers[0].wqkv.present());
  EXPECT_TRUE(split->weights().layers[0].wq.present());
  EXPECT_LE(pw::test::max_abs_diff(logits_of(split, golden.input_ids), golden.native), 1e-3f);
}

TEST(ModelVariants, TiedOutputIsTheTokenEmbedding) {
  pw::test::TempDir dir;
  const auto golden = pw::test::load_decoder_golden("tiny-llama-Q8_0");
  auto src = gguf::GgufFile::open(pw::test::model_fixture("tiny-llama-Q8_0.gguf"));
  ASSERT_TRUE(src.ok());
  const gguf::GgufTensor* embd = src->find_tensor("token_embd.weight");
  ASSERT_TRUE(embd);
  const auto copied = edited(dir, "tiny-llama-Q8_0.gguf", "copied.gguf", with_tensor([&](gguf::GgufWriter& w, const gguf::GgufTensor& t) {
    if (t.name != "output.weight") return copy_tensor(w, t);
    ASSERT_TRUE(w.add_tensor("output.weight", embd->type, {256, 512}, embd->bytes()).ok());
  }));
  const auto tied = edited(dir, "tiny-llama-Q8_0.gguf", "tied.gguf", with_tensor([&](gguf::GgufWriter& w, const gguf::GgufTensor& t) {
    if (t.name != "output.weight") copy_tensor(w, t);
  }));
  ASSERT_TRUE(copied && tied);
  EXPECT_FALSE(copied->weights().tied_output);
  EXPECT_TRUE(tied->weights().tied_output);
  const auto a = logits_of(copied, golden.input_ids);
  EXPECT_EQ(a, logits_of(tied, golden.input_ids));
  EXPECT_GT(pw::test::max_abs_diff(a, golden.native), 0.1f) << "a different output matrix must show";
}

// tiny-gemma2 rewritten as gemma3: keys renamed, q/k norm weights added (random, so they matter).
std::shared_ptr<const Model> gemma3(const pw::test::TempDir& dir, const std::string& out, int window,
                                    const std::vector<float>& qk_norm) {
  Edit e;
  e.meta = [&](gguf::GgufWriter& w) {
    auto src = gguf::GgufFile::open(pw::test::model_fixture("tiny-gemma2-F32.gguf"));
    ASSERT_TRUE(src.ok());
    for (const auto& kv : src->metadata()) {
      const std::string key(kv.key);
      if (key.rfind("gemma2.", 0) != 0) continue;
      w.remove(key);
      if (key.find("softcapping") != std::string::npos) continue;  // gemma3 has none
      w.set_value("gemma3." + key.substr(7), kv.value);
    }
    w.set_string("general.architecture", "gemma3");
    if (window > 0) w.set_u32("gemma3.attention.sliding_window", static_cast<uint32_t>(window));
    else w.remove("gemma3.attention.sliding_window");
  };
  e.extra = [&](gguf::GgufWriter& w) {
    for (int l = 0; l < 2; ++l)
      for (const char* n : {"attn_q_norm.weight", "attn_k_norm.weight"})
        ASSERT_TRUE(w.add_tensor("blk." + std::to_string(l) + "." + n, GgmlType::F32, {64}, bytes_of(qk_norm)).ok());
  };
  return edited(dir, "tiny-gemma2-F32.gguf", out, e);
}

TEST(ModelVariants, Gemma3SlidingWindowAndQkNorms) {
  pw::test::TempDir dir;
  const auto golden = pw::test::load_decoder_golden("tiny-gemma2-F32");
  std::vector<float> norm(64);
  for (int i = 0; i < 64; ++i) norm[static_cast<size_t>(i)] = 0.5f + static_cast<float>(i % 7) * 0.25f;
  const auto w16 = gemma3(dir, "w16.gguf", 16, norm);
  const auto w64 = gemma3(dir, "w64.gguf", 64, norm);
  const auto none = gemma3(dir, "none.gguf", 0, norm);
  ASSERT_TRUE(w16 && w64 && none);
  const HParams& hp = w16->hparams();
  EXPECT_EQ(hp.sliding_window, 16);
  EXPECT_EQ(hp.attn_softcap, 0.0f);
  EXPECT_EQ(hp.final_softcap, 0.0f);
  EXPECT_TRUE(hp.is_swa(0));   // pattern 6: layers 0-4 local, 5 global
  EXPECT_TRUE(hp.is_swa(1));
  EXPECT_FALSE(none->hparams().is_swa(0));

  const std::span<const int32_t> ids(golden.input_ids);
  const auto a16 = logits_of(w16, ids);
  const auto a64 = logits_of(w64, ids);
  const auto a0 = logits_of(none, ids);
  // A window longer than the sequence (and the same RoPE base, 10000) is no window at all.
  EXPECT_LE(pw::test::max_abs_diff(a64, a0), 1e-6f);
  // The first 16 positions cannot tell a window of 16 from none; later ones can.
  const size_t row = 512;
  EXPECT_LE(pw::test::max_abs_diff(std::span(a16).first(16 * row), std::span(a0).first(16 * row)), 1e-6f);
  EXPECT_GT(pw::test::max_abs_diff(std::span(a16).subspan(16 * row), std::span(a0).subspan(16 * row)), 1e-3f);
  // Decode through the cache (window applied per position) equals the batch.
  EXPECT_LE(pw::test::max_abs_diff(decode_logits_of(w16, ids), a16), 1e-4f);
  // The q/k norms are used: other weights, other logits.
  std::vector<float> other = norm;
  other[3] *= 3.0f;
  EXPECT_GT(pw::test::max_abs_diff(logits_of(gemma3(dir, "other.gguf", 16, other), ids), a16), 1e-3f);
}

}  // namespace
}  // namespace pw::model
