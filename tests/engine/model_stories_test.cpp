// stories260K, the real trained model (fixtures README section 4): prompt logits at every
// position within 1e-3 of llama.cpp, and the 64-token greedy continuation of each golden prompt
// exactly, decoding one token per eval through the KV cache (F32 cache as the goldens, and the
// default F16 cache, with which llama.cpp's greedy text is the same).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/model/model.h"
#include "tests/engine/model_fixtures.h"

namespace pw::model {
namespace {

struct Prompt {
  std::vector<int32_t> ids;
  std::vector<float> logits;
  std::vector<int32_t> greedy;
};

std::vector<Prompt> load_prompts() {
  const auto json = nlohmann::json::parse(pw::test::read_text(pw::test::model_fixture("stories260K.golden.json")));
  std::vector<Prompt> out;
  for (const auto& p : json.at("prompts")) {
    Prompt pr;
    pr.ids = p.at("token_ids").get<std::vector<int32_t>>();
    pr.logits = pw::test::read_f32(pw::test::model_fixture(p.at("logits_file").get<std::string>()));
    pr.greedy = p.at("greedy_64_token_ids").get<std::vector<int32_t>>();
    out.push_back(std::move(pr));
  }
  return out;
}

SessionOptions options(KvType kv) {
  SessionOptions o;
  o.n_ctx = 256;
  o.kv_type = kv;
  o.threads = 2;
  return o;
}

std::shared_ptr<const Model> stories() {
  auto m = Model::load(pw::test::model_fixture("stories260K.gguf"));
  EXPECT_TRUE(m.ok()) << m.error().describe();
  return m.ok() ? *m : nullptr;
}

TEST(ModelStories, PromptLogitsMatchAtEveryPosition) {
  const auto model = stories();
  ASSERT_TRUE(model);
  const auto prompts = load_prompts();
  ASSERT_EQ(prompts.size(), 3u);
  for (size_t k = 0; k < prompts.size(); ++k) {
    const Prompt& p = prompts[k];
    auto s = Session::create(model, options(KvType::F32));
    ASSERT_TRUE(s.ok()) << s.error().describe();
    ASSERT_TRUE(s->eval(p.ids, LogitsMode::All).ok());
    ASSERT_EQ(s->n_logit_rows(), static_cast<int>(p.ids.size()));
    std::vector<float> got;
    for (int r = 0; r < s->n_logit_rows(); ++r) got.insert(got.end(), s->logits(r).begin(), s->logits(r).end());
    const float d = pw::test::max_abs_diff(got, p.logits);
    std::cout << "[ max|diff| ] stories260K p" << k << " prompt logits " << d << "\n";
    EXPECT_LE(d, 1e-3f) << "prompt " << k;
  }
}

std::vector<int32_t> greedy(const std::shared_ptr<const Model>& model, KvType kv, const std::vector<int32_t>& prompt, int n) {
  auto s = Session::create(model, options(kv));
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return {};
  std::vector<int32_t> out;
  EXPECT_TRUE(s->eval(prompt).ok());
  for (int i = 0; i < n; ++i) {
    const int32_t next = pw::test::argmax(s->logits(0));
    out.push_back(next);
    const std::vector<int32_t> one = {next};
    if (!s->eval(one).ok()) break;
  }
  return out;
}

TEST(ModelStories, GreedyContinuationsMatchExactly) {
  const auto model = stories();
  ASSERT_TRUE(model);
  const auto prompts = load_prompts();
  for (size_t k = 0; k < prompts.size(); ++k) {
    ASSERT_EQ(prompts[k].greedy.size(), 64u);
    EXPECT_EQ(greedy(model, KvType::F32, prompts[k].ids, 64), prompts[k].greedy) << "prompt " << k << ", F32 cache";
    EXPECT_EQ(greedy(model, KvType::F16, prompts[k].ids, 64), prompts[k].greedy) << "prompt " << k << ", F16 cache";
  }
}

}  // namespace
}  // namespace pw::model
