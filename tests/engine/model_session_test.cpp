// Session behaviour: prompts split into batches, logits modes, reusing and truncating the KV
// cache, thread counts, the F16 cache, several sessions on one shared model.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/model/model.h"
#include "tests/engine/model_fixtures.h"

namespace pw::model {
namespace {

std::shared_ptr<const Model> load(const std::string& name) {
  auto m = Model::load(pw::test::model_fixture(name + ".gguf"));
  EXPECT_TRUE(m.ok()) << m.error().describe();
  return m.ok() ? *m : nullptr;
}

std::vector<float> eval_all(const std::shared_ptr<const Model>& model, std::span<const int32_t> ids, SessionOptions o) {
  auto s = Session::create(model, o);
  EXPECT_TRUE(s.ok()) << s.error().describe();
  if (!s.ok()) return {};
  EXPECT_TRUE(s->eval(ids, LogitsMode::All).ok());
  std::vector<float> out;
  for (int r = 0; r < s->n_logit_rows(); ++r) out.insert(out.end(), s->logits(r).begin(), s->logits(r).end());
  return out;
}

SessionOptions vecdot_options(int n_batch, int threads = 2) {
  SessionOptions o;
  o.n_batch = n_batch;
  o.kv_type = KvType::F32;
  o.threads = threads;
  o.batch_path = compute::BatchPath::VecDot;  // the same math for any batch size
  return o;
}

TEST(ModelSession, PromptInBatchesOfAnySizeGivesTheSameLogits) {
  const auto model = load("tiny-qwen2-Q4_K_M");
  ASSERT_TRUE(model);
  const auto golden = pw::test::load_decoder_golden("tiny-qwen2-Q4_K_M");
  const auto whole = eval_all(model, golden.input_ids, vecdot_options(32));
  ASSERT_EQ(whole.size(), 32u * 512u);
  for (int n_batch : {1, 5, 16, 31}) {
    const auto split = eval_all(model, golden.input_ids, vecdot_options(n_batch));
    EXPECT_LE(pw::test::max_abs_diff(split, whole), 1e-5f) << "n_batch " << n_batch;
  }
  // On the default path a batch of 5 uses quantized activations and one of 32 uses sgemm, so
  // the two agree only within the native-vs-deqref gap; each stays within the golden tolerance.
  SessionOptions auto_small = vecdot_options(5);
  auto_small.batch_path = compute::BatchPath::Auto;
  EXPECT_LE(pw::test::max_abs_diff(eval_all(model, golden.input_ids, auto_small), golden.native), 0.25f);
}

TEST(ModelSession, LastModeGivesTheLastRowOfAll) {
  const auto model = load("tiny-phi3-Q8_0");
  ASSERT_TRUE(model);
  const auto golden = pw::test::load_decoder_golden("tiny-phi3-Q8_0");
  const auto all = eval_all(model, golden.input_ids, vecdot_options(8));
  auto s = Session::create(model, vecdot_options(8));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->eval(golden.input_ids, LogitsMode::Last).ok());
  ASSERT_EQ(s->n_logit_rows(), 1);
  EXPECT_TRUE(s->logits(1).empty());
  const std::span<const float> last(all.data() + 31 * 512, 512);
  EXPECT_LE(pw::test::max_abs_diff(s->logits(0), last), 1e-6f);
}

TEST(ModelSession, TruncateKeepsAPrefixAndResetForgetsAll) {
  const auto model = load("tiny-gemma2-Q8_0");  // sliding window 16: positions past it matter
  ASSERT_TRUE(model);
  const auto golden = pw::test::load_decoder_golden("tiny-gemma2-Q8_0");
  const std::span<const int32_t> ids(golden.input_ids);
  const auto all = eval_all(model, ids, vecdot_options(32));

  auto s = Session::create(model, vecdot_options(32));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->eval(ids.first(20)).ok());
  // Replace the tail: keep 12 positions, then feed the real tokens 12..31.
  ASSERT_TRUE(s->eval(std::vector<int32_t>(5, 7)).ok());
  ASSERT_TRUE(s->truncate(12).ok());
  EXPECT_EQ(s->n_past(), 12);
  ASSERT_TRUE(s->eval(ids.subspan(12), LogitsMode::All).ok());
  ASSERT_EQ(s->n_logit_rows(), 20);
  for (int r = 0; r < 20; ++r)
    EXPECT_LE(pw::test::max_abs_diff(s->logits(r), std::span<const float>(all.data() + (12 + r) * 512, 512)), 1e-5f)
        << "position " << 12 + r;
  EXPECT_FALSE(s->truncate(33).ok());
  EXPECT_FALSE(s->truncate(-1).ok());

  s->reset();
  EXPECT_EQ(s->n_past(), 0);
  ASSERT_TRUE(s->eval(ids, LogitsMode::All).ok());
  EXPECT_LE(pw::test::max_abs_diff(s->logits(31), std::span<const float>(all.data() + 31 * 512, 512)), 1e-6f);
}

TEST(ModelSession, ThreadCountDoesNotChangeTheResult) {
  for (const char* name : {"tiny-llama-Q4_K_M", "tiny-qwen3-Q8_0"}) {
    const auto model = load(name);
    ASSERT_TRUE(model);
    const auto golden = pw::test::load_decoder_golden(name);
    for (auto path : {compute::BatchPath::VecDot, compute::BatchPath::Auto}) {
      SessionOptions one = vecdot_options(32, 1), two = vecdot_options(32, 2);
      one.batch_path = two.batch_path = path;
      EXPECT_EQ(eval_all(model, golden.input_ids, one), eval_all(model, golden.input_ids, two)) << name;
    }
  }
}

TEST(ModelSession, F16CacheStaysCloseToTheGoldens) {
  // llama.cpp's own F16 cache moves these logits by up to 0.009 (README section 5).
  for (const char* name : {"tiny-llama-F32", "tiny-qwen2-F32", "tiny-phi3-F32", "tiny-gemma2-F32", "tiny-qwen3-F32"}) {
    const auto model = load(name);
    ASSERT_TRUE(model);
    const auto golden = pw::test::load_decoder_golden(name);
    SessionOptions o = vecdot_options(32);
    o.kv_type = KvType::F16;
    auto s = Session::create(model, o);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->kv_type(), KvType::F16);
    const auto got = eval_all(model, golden.input_ids, o);
    const float d = pw::test::max_abs_diff(got, golden.native);
    std::cout << "[ max|diff| ] " << name << " with F16 KV cache vs golden (F32 cache) " << d << "\n";
    EXPECT_LE(d, 0.02f) << name;
    EXPECT_GT(d, 0.0f) << name << ": the F16 cache should round something";
  }
}

TEST(ModelSession, SessionsOnOneModelAreIndependent) {
  const auto model = load("tiny-llama-Q5_K_M");
  ASSERT_TRUE(model);
  const auto golden = pw::test::load_decoder_golden("tiny-llama-Q5_K_M");
  const std::span<const int32_t> ids(golden.input_ids);
  const auto all = eval_all(model, ids, vecdot_options(32));
  auto a = Session::create(model, vecdot_options(32));
  auto b = Session::create(model, vecdot_options(32));
  ASSERT_TRUE(a.ok() && b.ok());
  // Interleave: b sees different tokens in between; a's result must not change.
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(a->eval(ids.subspan(i, 1)).ok());
    const std::vector<int32_t> other = {static_cast<int32_t>((i * 37) % 512)};
    ASSERT_TRUE(b->eval(other).ok());
  }
  EXPECT_LE(pw::test::max_abs_diff(a->logits(0), std::span<const float>(all.data() + 31 * 512, 512)), 1e-4f);
}

}  // namespace
}  // namespace pw::model
