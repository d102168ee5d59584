// Stop strings and text streaming: StopStringMatcher on its own, then generate_text() on the
// real stories260K model (greedy continuation of "Once upon a time" against the golden text),
// and a cancel from another thread.
#include "engine/generate/text_generator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/generate/stop_strings.h"
#include "engine/tokenizer/unicode.h"
#include "tests/engine/model_fixtures.h"

namespace pw::generate {
namespace {

TEST(StopStrings, HoldsBackOnlyWhatCouldStartAStopString) {
  StopStringMatcher m({"\nUser:", "###"});
  EXPECT_EQ(m.push("Hello\nUs"), "Hello");
  EXPECT_EQ(m.held_back_bytes(), 3u);
  EXPECT_EQ(m.push("ual"), "\nUsual");  // not a stop string after all: released at once
  EXPECT_EQ(m.push(" #"), " ");
  EXPECT_EQ(m.push("#"), "");
  EXPECT_EQ(m.push("# and more"), "");  // "###" completed across three pushes
  EXPECT_TRUE(m.matched());
  EXPECT_EQ(m.matched_string(), "###");
  EXPECT_EQ(m.push("later"), "");
  EXPECT_EQ(m.finish(), "");
}

TEST(StopStrings, EarliestMatchWinsAndTheRestOfThePieceIsDropped) {
  StopStringMatcher m({"world", "lo w"});
  EXPECT_EQ(m.push("Hello world!"), "Hel");
  EXPECT_EQ(m.matched_string(), "lo w");
  StopStringMatcher overlapping({"aab"});
  EXPECT_EQ(overlapping.push("aaa"), "a");  // "aa" could start "aab"
  EXPECT_EQ(overlapping.push("b tail"), "");  // "aaab": the stop string starts at the second 'a'

  EXPECT_TRUE(overlapping.matched());
}

TEST(StopStrings, UnmatchedTailIsReleasedAtTheEndAndMultibyteStaysWhole) {
  StopStringMatcher m({"é!", ""});  // the empty stop string is ignored
  EXPECT_EQ(m.push("café"), "caf");
  EXPECT_EQ(m.finish(), "é");
  StopStringMatcher none({});
  EXPECT_EQ(none.push("anything"), "anything");
  EXPECT_EQ(none.finish(), "");
}

struct Stories {
  std::shared_ptr<const model::Model> model;
  std::unique_ptr<tokenizer::Tokenizer> tok;
  std::vector<int32_t> prompt;
  std::string golden_text;
};

Stories load() {
  Stories s;
  auto m = model::Model::load(pw::test::model_fixture("stories260K.gguf"));
  EXPECT_TRUE(m.ok());
  if (!m.ok()) return s;
  s.model = *m;
  auto t = tokenizer::Tokenizer::from_gguf(s.model->file());
  EXPECT_TRUE(t.ok());
  if (t.ok()) s.tok = std::move(*t);
  const auto json = nlohmann::json::parse(pw::test::read_text(pw::test::model_fixture("stories260K.golden.json")));
  s.prompt = json.at("prompts").at(0).at("token_ids").get<std::vector<int32_t>>();
  s.golden_text = json.at("prompts").at(0).at("greedy_64_text").get<std::string>();
  return s;
}

model::Session session(const Stories& s) {
  model::SessionOptions o;
  o.n_ctx = 128;
  o.threads = 1;
  auto r = model::Session::create(s.model, o);
  EXPECT_TRUE(r.ok());
  return std::move(*r);
}

TextGenerateOptions greedy(int max_tokens, std::vector<std::string> stops = {}) {
  TextGenerateOptions o;
  o.generate.max_tokens = max_tokens;
  o.generate.sampling.temperature = 0.0f;
  o.stop_strings = std::move(stops);
  return o;
}

TEST(GenerateText, StreamsTheGoldenTextInWholeCharacters) {
  const Stories s = load();
  ASSERT_TRUE(s.model && s.tok);
  auto sess = session(s);
  std::string streamed;
  int pieces = 0;
  auto r = generate_text(sess, *s.tok, s.prompt, greedy(64), [&](std::string_view piece) {
    EXPECT_FALSE(piece.empty());
    EXPECT_EQ(tokenizer::unicode::complete_utf8_prefix(piece), piece.size());
    streamed += piece;
    ++pieces;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->reason, StopReason::MaxTokens);
  EXPECT_EQ(r->text, s.golden_text);
  EXPECT_EQ(streamed, s.golden_text);
  EXPECT_GT(pieces, 30);  // streamed as it came, not at the end
  EXPECT_EQ(r->prompt_tokens, 5);
  EXPECT_GT(r->prompt_seconds, 0.0);
  EXPECT_GT(r->generation_tokens_per_s(), 0.0);
}

TEST(GenerateText, StopStringSpanningTokensEndsTheTextBeforeIt) {
  const Stories s = load();
  ASSERT_TRUE(s.model && s.tok);
  // "play outside" is several tokens (" play", " out", "side" or similar): checked below.
  const std::string stop = "play outside";
  ASSERT_GT(s.tok->encode(stop, {.add_special = false}).size(), 1u);
  auto sess = session(s);
  std::string streamed;
  auto r = generate_text(sess, *s.tok, s.prompt, greedy(64, {"never appears", stop}), [&](std::string_view piece) {
    streamed += piece;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const std::string expected = s.golden_text.substr(0, s.golden_text.find(stop));
  EXPECT_EQ(expected, ", there was a little girl named Lily. She loved to ");
  EXPECT_EQ(r->reason, StopReason::StopString);
  EXPECT_EQ(r->stop_string, stop);
  EXPECT_EQ(r->text, expected);
  EXPECT_EQ(streamed, expected);
  // Generation stopped at the token that completed the stop string.
  EXPECT_EQ(s.tok->decode(r->tokens, {.strip_space_prefix = false}).find(stop) + stop.size(),
            s.tok->decode(r->tokens, {.strip_space_prefix = false}).size());
}

TEST(GenerateText, APrefixThatDoesNotCompleteIsReleased) {
  const Stories s = load();
  ASSERT_TRUE(s.model && s.tok);
  // "Lily" comes twice, both times followed by something else than " the cat": held back,
  // then released; the whole golden text comes out.
  auto sess = session(s);
  auto r = generate_text(sess, *s.tok, s.prompt, greedy(64, {"Lily the cat"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::MaxTokens);
  EXPECT_EQ(r->text, s.golden_text);
  // A stop string at the very end of the budget is still found in the held-back text.
  sess = session(s);
  r = generate_text(sess, *s.tok, s.prompt, greedy(64, {"mom said"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::StopString);
  EXPECT_EQ(r->text, s.golden_text.substr(0, s.golden_text.size() - std::string("mom said").size()));
}

TEST(GenerateText, CallerCanStop) {
  const Stories s = load();
  ASSERT_TRUE(s.model && s.tok);
  auto sess = session(s);
  int calls = 0;
  auto r = generate_text(sess, *s.tok, s.prompt, greedy(64), [&](std::string_view) { return ++calls < 3; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::CallerStopped);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(r->text, s.golden_text.substr(0, r->text.size()));
}

TEST(GenerateText, CancelFromAnotherThreadTakesEffectWithinOneToken) {
  const Stories s = load();
  ASSERT_TRUE(s.model && s.tok);
  auto sess = session(s);
  std::atomic<bool> cancel{false};
  std::atomic<int> tokens_seen{0};
  int seen_after_cancel = -1;
  TextGenerateOptions o = greedy(1000);
  o.generate.cancel = &cancel;
  o.generate.sampling.temperature = 0.8f;  // keeps going (the greedy story loops, that is fine too)
  o.generate.sampling.seed = 7;
  std::thread canceller([&] {
    while (tokens_seen.load() < 5) std::this_thread::yield();
    cancel.store(true);
    seen_after_cancel = tokens_seen.load();
  });
  auto r = generate(sess, s.prompt, o.generate, [&](int32_t) {
    tokens_seen.fetch_add(1);
    return true;
  });
  canceller.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, StopReason::Cancelled);
  EXPECT_GE(seen_after_cancel, 5);
  EXPECT_LE(static_cast<int>(r->tokens.size()), seen_after_cancel + 1);

  // The same through generate_text: the text so far is kept, nothing after the cancel.
  cancel = false;
  tokens_seen = 0;
  sess = session(s);
  std::thread canceller2([&] {
    while (tokens_seen.load() < 5) std::this_thread::yield();
    cancel.store(true);
    seen_after_cancel = tokens_seen.load();
  });
  std::string streamed;
  auto t = generate_text(sess, *s.tok, s.prompt, o, [&](std::string_view piece) {
    streamed += piece;
    tokens_seen.fetch_add(1);
    return true;
  });
  canceller2.join();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->reason, StopReason::Cancelled);
  EXPECT_LE(static_cast<int>(t->tokens.size()), seen_after_cancel + 1);
  EXPECT_EQ(t->text, streamed);
  EXPECT_EQ(t->text, s.tok->decode(t->tokens, {.strip_space_prefix = false}));
}

TEST(GenerateText, PromptLongerThanTheContextIsAClearError) {
  const Stories s = load();
  ASSERT_TRUE(s.model && s.tok);
  model::SessionOptions so;
  so.n_ctx = 4;
  so.threads = 1;
  auto sess = model::Session::create(s.model, so);
  ASSERT_TRUE(sess.ok());
  auto r = generate_text(*sess, *s.tok, s.prompt, greedy(8));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::ResourceLimit);
  EXPECT_NE(r.error().message().find("the prompt has 5 tokens but the context has room for 4"), std::string::npos)
      << r.error().message();
  EXPECT_EQ(sess->n_past(), 0);
}

}  // namespace
}  // namespace pw::generate
