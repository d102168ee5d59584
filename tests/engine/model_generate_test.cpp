// generate(): the greedy stories260K continuation end to end, and every way generation stops.
#include "engine/generate/generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "tests/engine/model_fixtures.h"

namespace pw::generate {
namespace {

struct Stories {
  std::shared_ptr<const model::Model> model;
  std::vector<int32_t> prompt;
  std::vector<int32_t> greedy;
};

Stories load() {
  Stories s;
  auto m = model::Model::load(pw::test::model_fixture("stories260K.gguf"));
  EXPECT_TRUE(m.ok());
  if (m.ok()) s.model = *m;
  const auto json = nlohmann::json::parse(pw::test::read_text(pw::test::model_fixture("stories260K.golden.json")));
  s.prompt = json.at("prompts").at(0).at("token_ids").get<std::vector<int32_t>>();
  s.greedy = json.at("prompts").at(0).at("greedy_64_token_ids").get<std::vector<int32_t>>();
  return s;
}

model::Session session(const Stories& s, int n_ctx = 128) {
  model::SessionOptions o;
  o.n_ctx = n_ctx;
  o.threads = 1;
  auto r = model::Session::create(s.model, o);
  EXPECT_TRUE(r.ok());
  return std::move(*r);
}

GenerateOptions greedy_options(int max_tokens) {
  GenerateOptions o;
  o.max_tokens = max_tokens;
  o.sampling.temperature = 0.0f;
  return o;
}

TEST(ModelGenerate, GreedyReproducesTheGoldenContinuation) {
  const Stories s = load();
  ASSERT_TRUE(s.model);
  auto sess = session(s);
  std::vector<int32_t> streamed;
  auto r = generate(sess, s.prompt, greedy_options(64), [&](int32_t id) {
    streamed.push_back(id);
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->reason, StopReason::MaxTokens);
  EXPECT_EQ(r->tokens, s.greedy);
  EXPECT_EQ(streamed, s.greedy);
  EXPECT_EQ(sess.n_past(), static_cast<int>(s.prompt.size() + 63));  // the last token is not evaluated yet
}

TEST(ModelGenerate, StopsOnEndOfGenerationCancelCallerAndFullContext) {
  const Stories s = load();
  ASSERT_TRUE(s.model);
  EXPECT_EQ(end_of_generation_tokens(s.model->file()), std::vector<int32_t>{2});  // </s>

  // A stop token: generation ends before it, the token itself is not returned.
  GenerateOptions o = greedy_options(64);
  o.stop_tokens = {s.greedy[10]};
  const auto first = std::find(s.greedy.begin(), s.greedy.end(), s.greedy[10]) - s.greedy.begin();
  auto sess = session(s);
  auto r = generate(sess, s.prompt, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::EndOfGeneration);
  EXPECT_EQ(r->tokens, std::vector<int32_t>(s.greedy.begin(), s.greedy.begin() + first));

  // Cancel flag set from the callback after 5 tokens: checked before the next one.
  std::atomic<bool> cancel{false};
  o = greedy_options(64);
  o.cancel = &cancel;
  int seen = 0;
  sess = session(s);
  r = generate(sess, s.prompt, o, [&](int32_t) {
    if (++seen == 5) cancel = true;
    return true;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::Cancelled);
  EXPECT_EQ(r->tokens.size(), 5u);
  cancel = true;  // already cancelled: nothing is evaluated
  sess = session(s);
  r = generate(sess, s.prompt, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::Cancelled);
  EXPECT_EQ(sess.n_past(), 0);

  // The callback stops it.
  sess = session(s);
  r = generate(sess, s.prompt, greedy_options(64), [&](int32_t) { return false; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::CallerStopped);
  EXPECT_EQ(r->tokens.size(), 1u);

  // Context of 10: the 5-token prompt leaves room for 5 evaluated tokens, then a 6th is sampled.
  sess = session(s, 10);
  r = generate(sess, s.prompt, greedy_options(64));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::ContextFull);
  EXPECT_EQ(r->tokens, std::vector<int32_t>(s.greedy.begin(), s.greedy.begin() + 6));
  EXPECT_EQ(sess.n_past(), 10);

  // A prompt that does not fit is an error, not a truncated answer.
  sess = session(s, 4);
  r = generate(sess, s.prompt, greedy_options(8));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::ResourceLimit);
}

}  // namespace
}  // namespace pw::generate
