// Hostile chat templates (they come inside downloaded GGUF files) must end in an error value:
// never a crash, a hang, a stack overflow or a huge allocation.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/chat/chat_format.h"
#include "engine/chat/chat_template.h"
#include "support/test_support.h"
#include "tests/engine/chat_template_test_support.h"

namespace {

using pw::chat::ChatTemplate;
using pw::chat::TemplateLimits;
using pw::chat::testing::test_conversation;

// The error of parsing + rendering `source`, which must fail.
pw::Error failure(const std::string& source, const TemplateLimits& limits = {}) {
  auto parsed = ChatTemplate::parse(source, limits);
  if (!parsed) return parsed.error();
  pw::chat::RenderOptions options;
  options.limits = limits;
  auto rendered = parsed->render(test_conversation(), options);
  EXPECT_FALSE(rendered.ok()) << "rendered " << rendered->size() << " bytes";
  return rendered.ok() ? pw::Error() : rendered.error();
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ChatTemplateLimits, InfiniteRecursionStopsAtTheDepthLimit) {
  const pw::Error e = failure("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
  EXPECT_EQ(e.code(), pw::ErrorCode::ResourceLimit);
  EXPECT_NE(e.message().find("recursion"), std::string::npos) << e.message();
}

TEST(ChatTemplateLimits, LoopIterationsAreCapped) {
  TemplateLimits limits;
  limits.max_loop_iterations = 5000;
  const pw::Error e = failure("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", limits);
  EXPECT_EQ(e.code(), pw::ErrorCode::ResourceLimit);
  EXPECT_NE(e.message().find("5000 iterations"), std::string::npos) << e.message();
}

TEST(ChatTemplateLimits, HugeRangesAreRefusedLikeTheReferenceSandbox) {
  const pw::Error e = failure("{% for i in range(100001) %}{% endfor %}");
  EXPECT_EQ(e.code(), pw::ErrorCode::ResourceLimit);
  EXPECT_NE(e.message().find("MAX_RANGE"), std::string::npos) << e.message();
}

TEST(ChatTemplateLimits, OutputSizeIsCapped) {
  TemplateLimits limits;
  limits.max_output_bytes = 1 << 20;
  EXPECT_EQ(failure("{% for i in range(20000) %}{{ 'x' * 1000 }}{% endfor %}", limits).code(),
            pw::ErrorCode::ResourceLimit);
}

TEST(ChatTemplateLimits, StringAndListGrowthIsCappedBeforeAllocating) {
  for (const char* source : {
           "{{ 'x' * 200000000000 }}",
           "{{ [1] * 200000000000 }}",
           "{{ 'ab' | center(200000000000) }}",
           "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
           "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
           "{% set ns = namespace(s=[1]) %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
           "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s.replace('a', ns.s) %}{% endfor %}",
       }) {
    EXPECT_EQ(failure(source).code(), pw::ErrorCode::ResourceLimit) << source;
  }
}

TEST(ChatTemplateLimits, WorkBudgetStopsExponentialComparisons) {
  // Two separately built trees of 2^60 leaves: comparing, printing or serialising them would
  // never finish without the work budget and the output limit.
  const std::string build =
      "{% set ns = namespace(a=[0], b=[0]) %}{% for i in range(60) %}"
      "{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% endfor %}";
  TemplateLimits limits;
  limits.max_steps = 2000000;
  EXPECT_EQ(failure(build + "{{ ns.a == ns.b }}", limits).code(), pw::ErrorCode::ResourceLimit);
  EXPECT_EQ(failure(build + "{{ ns.a }}", limits).code(), pw::ErrorCode::ResourceLimit);
  EXPECT_EQ(failure(build + "{{ ns.a | tojson }}", limits).code(), pw::ErrorCode::ResourceLimit);
  EXPECT_EQ(failure(build + "{{ ns.a in [ns.b] }}", limits).code(), pw::ErrorCode::ResourceLimit);
}

TEST(ChatTemplateLimits, DeepNestingIsAParseErrorNotAStackOverflow) {
  const std::string sources[] = {
      "{{ " + repeat("(", 20000) + "1" + repeat(")", 20000) + " }}",
      "{{ " + repeat("not ", 20000) + "x }}",
      "{{ " + repeat("-", 20000) + "1 }}",
      "{{ " + repeat("[", 20000) + repeat("]", 20000) + " }}",
      "{{ 1" + repeat(" + 1", 20000) + " }}",
      "{{ x" + repeat(".a", 20000) + " }}",
      "{{ x" + repeat("|trim", 20000) + " }}",
      "{{ 1" + repeat(" if true else 1", 20000) + " }}",
      repeat("{% if true %}", 20000) + repeat("{% endif %}", 20000),
      repeat("{% for x in y %}", 20000),
  };
  for (const auto& source : sources) {
    const pw::Error e = failure(source);
    EXPECT_EQ(e.code(), pw::ErrorCode::Corrupt) << e.describe();
    EXPECT_NE(e.message().find("deeper than"), std::string::npos) << e.message();
  }
}

TEST(ChatTemplateLimits, DeepValuesAreRefused) {
  EXPECT_EQ(failure("{% set ns = namespace(x=[]) %}{% for i in range(1000) %}{% set ns.x = [ns.x] %}{% endfor %}").code(),
            pw::ErrorCode::ResourceLimit);
  EXPECT_EQ(failure("{% set ns = namespace(x={}) %}{% for i in range(1000) %}{% set ns.x = {'k': ns.x} %}{% endfor %}").code(),
            pw::ErrorCode::ResourceLimit);
  pw::chat::RenderOptions options;
  options.extra_variables_json = repeat("[", 5000) + repeat("]", 5000);
  auto parsed = ChatTemplate::parse("{{ 1 }}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->render(test_conversation(), options).error().code(), pw::ErrorCode::ResourceLimit);
}

TEST(ChatTemplateLimits, NamespacesCannotFormCycles) {
  EXPECT_EQ(failure("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}").code(), pw::ErrorCode::Corrupt);
  EXPECT_EQ(failure("{% set ns = namespace() %}{% set ns.l = [ns] %}{{ ns }}").code(), pw::ErrorCode::Corrupt);
  EXPECT_EQ(failure("{% set ns = namespace() %}{% set ns.d = namespace(inner=ns) %}").code(), pw::ErrorCode::Corrupt);
}

TEST(ChatTemplateLimits, OversizedTemplateTextIsRefused) {
  TemplateLimits limits;
  limits.max_source_bytes = 1000;
  auto parsed = ChatTemplate::parse(std::string(1001, 'x'), limits);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), pw::ErrorCode::ResourceLimit);
}

// Random bytes, and real templates with random damage, must parse and render to a value or an
// error. A crash or hang here fails the whole suite.
TEST(ChatTemplateLimits, GarbageAndDamagedTemplatesNeverCrash) {
  std::vector<std::string> seeds;
  for (const char* name : {"Qwen-Qwen3-0.6B.jinja", "meta-llama-Llama-3.2-3B-Instruct.jinja",
                           "mistralai-Mistral-Nemo-Instruct-2407.jinja", "google-gemma-2-2b-it.jinja"}) {
    seeds.push_back(pw::test::read_text(pw::test::shared_path(std::string("fixtures/templates/") + name)));
  }
  const std::string alphabet = "{}%#-+()[]'\"|.,:~*/ \n\tabcxyz0123456789=<>!_\\";
  std::mt19937 rng(1234);
  TemplateLimits limits;
  limits.max_steps = 200000;
  int rendered_ok = 0, failed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string source;
    if (round % 3 == 0) {
      const size_t n = rng() % 80;
      for (size_t i = 0; i < n; ++i) source += alphabet[rng() % alphabet.size()];
    } else {
      source = seeds[rng() % seeds.size()];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits && !source.empty(); ++k) {
        const size_t at = rng() % source.size();
        switch (rng() % 3) {
          case 0: source.erase(at, 1 + rng() % 8); break;
          case 1: source.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
          default: source[at] = static_cast<char>(rng() % 256); break;
        }
      }
    }
    auto parsed = ChatTemplate::parse(source, limits);
    if (!parsed) {
      ++failed;
      continue;
    }
    pw::chat::RenderOptions options;
    options.limits = limits;
    auto out = parsed->render(test_conversation(), options);
    out.ok() ? ++rendered_ok : ++failed;
  }
  EXPECT_GT(rendered_ok, 0);
  EXPECT_GT(failed, 0);
}

TEST(ChatTemplateLimits, InvalidUtf8InMessagesIsCarriedThroughByteForByte) {
  auto parsed = ChatTemplate::parse("{{ messages[0].content }}|{{ messages[0].content[1:] }}|{{ messages[0].content|length }}");
  ASSERT_TRUE(parsed.ok());
  const std::string bad = std::string("a\xff\xc3") + "b";
  auto out = parsed->render({{"user", bad}});
  ASSERT_TRUE(out.ok()) << out.error().describe();
  EXPECT_EQ(*out, bad + "|" + bad.substr(1) + "|4");
}

TEST(ChatTemplateLimits, OneTemplateRendersFromManyThreads) {
  auto parsed = ChatTemplate::parse(pw::test::read_text(pw::test::shared_path("fixtures/templates/Qwen-Qwen3-0.6B.jinja")));
  ASSERT_TRUE(parsed.ok());
  const ChatTemplate& t = *parsed;
  auto expected = t.render(test_conversation());
  ASSERT_TRUE(expected.ok());
  std::vector<std::thread> threads;
  std::vector<int> matches(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 50; ++k) {
        auto r = t.render(test_conversation());
        matches[i] += r.ok() && *r == *expected;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : matches) EXPECT_EQ(m, 50);
}

}  // namespace
