// What a person sees when a model file or a request is wrong: every failure is an error value
// naming the problem (and the tensor or key), never a crash or garbage logits.
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

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct TensorEdit {
  std::string name;
  GgmlType type;
  std::vector<uint64_t> ne;
  std::span<const uint8_t> data;
};

// Writes a copy of fixture `source` to `dst`, letting `edit_meta` change the metadata and
// `edit_tensor` change (or drop, by returning false) each tensor.
void write_edited_copy(const std::string& source, const std::filesystem::path& dst,
                       const std::function<void(gguf::GgufWriter&)>& edit_meta,
                       const std::function<bool(TensorEdit&)>& edit_tensor) {
  auto src = gguf::GgufFile::open(pw::test::model_fixture(source));
  ASSERT_TRUE(src.ok()) << src.error().describe();
  gguf::GgufWriter w;
  for (const auto& kv : src->metadata()) w.set_value(kv.key, kv.value);
  edit_meta(w);
  for (const auto& t : src->tensors()) {
    TensorEdit e{std::string(t.name), t.type, {t.ne.begin(), t.ne.begin() + t.n_dims}, t.bytes()};
    if (!edit_tensor(e)) continue;
    ASSERT_TRUE(w.add_tensor(e.name, e.type, e.ne, e.data).ok()) << e.name;
  }
  ASSERT_TRUE(w.write(dst).ok());
}

TEST(ModelErrors, UnsupportedArchitectureListsTheSupportedOnes) {
  pw::test::TempDir dir;
  const auto path = dir / "mamba.gguf";
  write_edited_copy("tiny-llama-Q4_0.gguf", path, [](gguf::GgufWriter& w) { w.set_string("general.architecture", "mamba"); },
                    [](TensorEdit&) { return true; });
  auto m = Model::load(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), ErrorCode::Unsupported);
  EXPECT_EQ(m.error().describe(), path.string() +
                                      ": architecture 'mamba' is not supported (supported: llama, qwen2, qwen3, phi3, "
                                      "gemma2, gemma3)");
}

TEST(ModelErrors, MissingTensorIsNamed) {
  pw::test::TempDir dir;
  const auto path = dir / "no-ffn-up.gguf";
  write_edited_copy("tiny-llama-Q4_0.gguf", path, [](gguf::GgufWriter&) {},
                    [](TensorEdit& t) { return t.name != "blk.1.ffn_up.weight"; });
  auto m = Model::load(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().describe(), path.string() + ": tensor 'blk.1.ffn_up.weight' is missing");

  // Tied output is fine for llama (SmolLM2 has no output.weight) ...
  const auto tied = dir / "tied.gguf";
  write_edited_copy("tiny-llama-Q4_0.gguf", tied, [](gguf::GgufWriter&) {},
                    [](TensorEdit& t) { return t.name != "output.weight"; });
  auto t = Model::load(tied);
  ASSERT_TRUE(t.ok()) << t.error().describe();
  EXPECT_TRUE((*t)->weights().tied_output);
  // ... but qwen2 needs its biases.
  const auto no_bias = dir / "qwen2-no-bias.gguf";
  write_edited_copy("tiny-qwen2-Q8_0.gguf", no_bias, [](gguf::GgufWriter&) {},
                    [](TensorEdit& e) { return e.name != "blk.0.attn_k.bias"; });
  auto q = Model::load(no_bias);
  ASSERT_FALSE(q.ok());
  EXPECT_TRUE(contains(q.error().message(), "tensor 'blk.0.attn_k.bias' is missing")) << q.error().describe();
}

TEST(ModelErrors, MisShapedTensorIsNamedWithBothShapes) {
  pw::test::TempDir dir;
  const auto path = dir / "bad-shape.gguf";
  write_edited_copy("tiny-llama-F32.gguf", path, [](gguf::GgufWriter&) {}, [](TensorEdit& t) {
    if (t.name == "blk.0.attn_k.weight") {  // [256, 128] -> [256, 64]: half the rows
      t.ne = {256, 64};
      t.data = t.data.first(t.data.size() / 2);
    }
    return true;
  });
  auto m = Model::load(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), ErrorCode::Corrupt);
  EXPECT_EQ(m.error().message(), "tensor 'blk.0.attn_k.weight' has shape [256, 64], expected [256, 128]");

  const auto norm = dir / "bad-norm.gguf";
  write_edited_copy("tiny-gemma2-Q8_0.gguf", norm, [](gguf::GgufWriter&) {}, [](TensorEdit& t) {
    if (t.name == "blk.1.post_ffw_norm.weight") {
      t.ne = {128};
      t.data = t.data.first(t.data.size() / 2);
    }
    return true;
  });
  auto g = Model::load(norm);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().message(), "tensor 'blk.1.post_ffw_norm.weight' has shape [128], expected [256]");
}

TEST(ModelErrors, MissingOrHostileHyperParameters) {
  pw::test::TempDir dir;
  const auto no_eps = dir / "no-eps.gguf";
  write_edited_copy("tiny-llama-Q4_0.gguf", no_eps,
                    [](gguf::GgufWriter& w) { w.remove("llama.attention.layer_norm_rms_epsilon"); },
                    [](TensorEdit&) { return true; });
  auto m = Model::load(no_eps);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message(), "metadata key 'llama.attention.layer_norm_rms_epsilon' is missing (a decoder needs it)");

  const auto bad_kv = dir / "bad-kv-heads.gguf";
  write_edited_copy("tiny-llama-Q4_0.gguf", bad_kv, [](gguf::GgufWriter& w) { w.set_u32("llama.attention.head_count_kv", 3); },
                    [](TensorEdit&) { return true; });
  auto k = Model::load(bad_kv);
  ASSERT_FALSE(k.ok());
  EXPECT_TRUE(contains(k.error().message(), "head_count_kv' is 3, which does not divide head_count 4")) << k.error().describe();

  const auto huge = dir / "huge-embd.gguf";
  write_edited_copy("tiny-llama-Q4_0.gguf", huge, [](gguf::GgufWriter& w) { w.set_u64("llama.embedding_length", uint64_t{1} << 40); },
                    [](TensorEdit&) { return true; });
  auto h = Model::load(huge);
  ASSERT_FALSE(h.ok());
  EXPECT_TRUE(contains(h.error().message(), "embedding_length' is 1099511627776")) << h.error().describe();

  // A head size the tensors do not have: caught by the shape check, not by a crash.
  const auto rot = dir / "odd-rope.gguf";
  write_edited_copy("tiny-llama-Q4_0.gguf", rot, [](gguf::GgufWriter& w) { w.set_u32("llama.rope.dimension_count", 65); },
                    [](TensorEdit&) { return true; });
  auto r = Model::load(rot);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.error().message(), "rope.dimension_count 65 must be even")) << r.error().describe();

  auto missing = Model::load(dir / "nope.gguf");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
}

TEST(ModelErrors, ContextOverflowIsAnErrorAndChangesNothing) {
  auto model = Model::load(pw::test::model_fixture("stories260K.gguf"));
  ASSERT_TRUE(model.ok()) << model.error().describe();
  SessionOptions o;
  o.n_ctx = 16;
  o.threads = 1;
  auto s = Session::create(*model, o);
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(s->n_ctx(), 16);
  const std::vector<int32_t> ten = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376};
  ASSERT_TRUE(s->eval(ten).ok());
  const std::vector<float> after_ten(s->logits(0).begin(), s->logits(0).end());

  const std::vector<int32_t> seven(7, 261);
  Status over = s->eval(seven);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code(), ErrorCode::ResourceLimit);
  EXPECT_TRUE(contains(over.error().message(), "context is full: 10 tokens so far + 7 new exceed the context length 16"))
      << over.error().describe();
  EXPECT_EQ(s->n_past(), 10);

  // Exactly filling the context works; one more token does not.
  ASSERT_TRUE(s->eval(std::span<const int32_t>(seven).first(6)).ok());
  EXPECT_EQ(s->n_past(), 16);
  EXPECT_FALSE(s->eval(std::span<const int32_t>(seven).first(1)).ok());
  EXPECT_EQ(s->n_past(), 16);

  // A context longer than the model's own is refused up front.
  o.n_ctx = (*model)->n_ctx_train() + 1;
  auto too_long = Session::create(*model, o);
  ASSERT_FALSE(too_long.ok());
  EXPECT_TRUE(contains(too_long.error().message(), "exceeds the model's own")) << too_long.error().describe();
  // 0 picks min(model's own, kDefaultContext): 2048 here.
  o.n_ctx = 0;
  auto dflt = Session::create(*model, o);
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(dflt->n_ctx(), (*model)->n_ctx_train());
}

TEST(ModelErrors, BadTokenIdsAreRefusedBeforeAnyWork) {
  auto model = Model::load(pw::test::model_fixture("stories260K.gguf"));
  ASSERT_TRUE(model.ok());
  SessionOptions o;
  o.n_ctx = 32;
  o.threads = 1;
  auto s = Session::create(*model, o);
  ASSERT_TRUE(s.ok());
  for (int32_t bad : {-1, 512, 1 << 30}) {
    const std::vector<int32_t> ids = {1, 403, bad};
    Status st = s->eval(ids);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::InvalidArgument);
    EXPECT_TRUE(contains(st.error().message(), "token id " + std::to_string(bad) + " at index 2 is outside the vocabulary (0..511)"))
        << st.error().describe();
    EXPECT_EQ(s->n_past(), 0);
  }
  EXPECT_FALSE(s->eval({}).ok());
  EXPECT_TRUE(s->logits(0).empty());
}

}  // namespace
}  // namespace pw::model
