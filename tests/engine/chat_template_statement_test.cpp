// Statements of the chat-template interpreter: if, for (loop variables, filters, else, break,
// continue), set (scoping, unpacking, blocks, namespace attributes), macro, call, filter, with,
// generation. Expected strings were produced by Jinja2 3.1 configured as Hugging Face
// transformers configures it (see chat_template_test_support.h).
#include <gtest/gtest.h>

#include "tests/engine/chat_template_test_support.h"

namespace {

using pw::chat::testing::render;

TEST(ChatTemplateIf, BranchesElifElse) {
  EXPECT_EQ(render(R"jinja({% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %};{% endfor %})jinja"),
            "one;two;many;");
  EXPECT_EQ(render(R"jinja({% if undefined_thing %}yes{% else %}no{% endif %}|{% if messages[0]['role'] == 'system' %}sys{% endif %})jinja"),
            "no|sys");
  EXPECT_EQ(render(R"jinja({% if (messages|length) > 3 and not messages[0].content.startswith('X') %}ok{% endif %})jinja"),
            "ok");
}

TEST(ChatTemplateFor, LoopVariables) {
  EXPECT_EQ(render(R"jinja({%- for m in messages -%}
  [{{ loop.index }}/{{ loop.length }} {{ loop.first }} {{ loop.last }} {{ loop.revindex }} {{ loop.revindex0 }} {{ loop.index0 }}]
{%- endfor %})jinja"),
            "[1/4 True False 4 3 0][2/4 False False 3 2 1][3/4 False False 2 1 2][4/4 False True 1 0 3]");
  EXPECT_EQ(render(R"jinja({% for x in [1, 2, 3] %}{{ loop.cycle('a', 'b') }}{{ loop.previtem }}{{ loop.nextitem is defined }}{% endfor %})jinja"),
            "aTrueb1Truea2False");
  EXPECT_EQ(render(R"jinja({% for m in messages %}{{ loop.changed(m.role) }}{% endfor %}|{% for x in [1, 1, 2] %}{{ loop.changed(x) }}{% endfor %})jinja"),
            "TrueTrueTrueTrue|TrueFalseTrue");
}

TEST(ChatTemplateFor, ElseRunsWhenNothingIsIterated) {
  EXPECT_EQ(render(R"jinja({% for i in [] %}x{% else %}empty{% endfor %}|{% for i in undefined_list %}x{% else %}undefined is empty{% endfor %})jinja"),
            "empty|undefined is empty");
}

TEST(ChatTemplateFor, InlineFilterCountsOnlyKeptItems) {
  EXPECT_EQ(render(R"jinja({% for i in range(5) if i is odd %}{{ i }}:{{ loop.index }}/{{ loop.length }}{{ ',' if not loop.last }}{% endfor %})jinja"),
            "1:1/2,3:2/2");
  EXPECT_EQ(render(R"jinja({% for m in messages if m.role == 'user' %}{{ m.content|trim }}|{% endfor %})jinja"),
            "Hi  there|naïve 東京 😀|");
}

TEST(ChatTemplateFor, BreakAndContinue) {
  EXPECT_EQ(render(R"jinja({% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %})jinja"),
            "0134");
}

TEST(ChatTemplateFor, UnpackingAndIterables) {
  EXPECT_EQ(render(R"jinja({% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }}{% endfor %}|{% for c in 'héy' %}{{ c }}.{% endfor %}|{% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %})jinja"),
            "1234|h.é.y.|xy");
  EXPECT_EQ(render(R"jinja({% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %})jinja", R"jinja({"d": {"b": 2, "a": 1}})jinja"),
            "b=2;a=1;");
  EXPECT_EQ(render(R"jinja({% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %})jinja"),
            "uaus");
}

TEST(ChatTemplateFor, ReversedIterationLikeQwen3) {
  EXPECT_EQ(render(R"jinja({%- set ns = namespace(last_query_index=messages|length - 1) %}{%- for message in messages[::-1] %}{%- set index = (messages|length - 1) - loop.index0 %}{%- if message.role == 'user' and ns.last_query_index == messages|length - 1 %}{%- set ns.last_query_index = index %}{%- endif %}{%- endfor %}{{ ns.last_query_index }})jinja"),
            "1");
}

TEST(ChatTemplateSet, SetInsideALoopDoesNotLeak) {
  EXPECT_EQ(render(R"jinja({% set x = 1 %}{% for m in messages %}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }})jinja"),
            "22221");
  EXPECT_EQ(render(R"jinja({% for m in messages %}{% if m.role == 'user' %}{% set last = m %}{% endif %}{% endfor %}{{ last is defined }})jinja"),
            "False");
}

TEST(ChatTemplateSet, SetInsideIfIsVisibleAfterIt) {
  EXPECT_EQ(render(R"jinja({% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }})jinja"),
            "2");
  EXPECT_EQ(render(R"jinja({% if messages[0].role == 'system' %}{% set sys = messages[0].content %}{% set msgs = messages[1:] %}{% else %}{% set msgs = messages %}{% endif %}{{ sys|default('none') }}/{{ msgs|length }})jinja"),
            "Sys  /3");
  EXPECT_EQ(render(R"jinja({% set messages = messages[1:] %}{{ messages|length }})jinja"),
            "3");
}

TEST(ChatTemplateSet, NamespaceCarriesStateOutOfLoops) {
  EXPECT_EQ(render(R"jinja({% set ns = namespace(found=false, n=0) %}{% for m in messages %}{% if m.role == 'user' %}{% set ns.found = true %}{% set ns.n = ns.n + 1 %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.n }})jinja"),
            "True 2");
  EXPECT_EQ(render(R"jinja({%- set ns = namespace(a=[]) -%}{%- for m in messages -%}{%- set ns.a = ns.a + [m.role] -%}{%- endfor -%}{{ ns.a | join(',') }})jinja"),
            "system,user,assistant,user");
  EXPECT_EQ(render(R"jinja({% set ns = namespace() %}{% set ns.index = 0 %}{% for m in messages %}{% set ns.index = ns.index + 1 %}{% endfor %}{{ ns.index }})jinja"),
            "4");
}

TEST(ChatTemplateSet, UnpackingAndBlocks) {
  EXPECT_EQ(render(R"jinja({% set a, b = [1, 2] %}{{ a }}{{ b }}{% set c, d = 'xy' %}{{ c }}{{ d }}{% set t = 1, 2 %}{{ t }})jinja"),
            "12xy(1, 2)");
  EXPECT_EQ(render(R"jinja({% set block_var %}  some {{ 'text' }}  {% endset %}[{{ block_var }}]{% set up | upper %}abc{% endset %}{{ up }})jinja"),
            "[  some text  ]ABC");
}

TEST(ChatTemplateMacro, ArgumentsDefaultsAndKeywords) {
  EXPECT_EQ(render(R"jinja({% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(name='C', punct='.') }})jinja"),
            "Hello A! Hello B? Hello C.");
  EXPECT_EQ(render(R"jinja({% macro list_args() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ list_args(1, 2, a=3) }})jinja"),
            "(1, 2){'a': 3}");
  EXPECT_EQ(render(R"jinja({% macro m(a, b) %}{{ a }}|{{ b is defined }}{% endmacro %}{{ m(1) }})jinja"),
            "1|False");
}

TEST(ChatTemplateMacro, CallBlocksPassCaller) {
  EXPECT_EQ(render(R"jinja({% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}inner{% endcall %})jinja"),
            "[inner]");
  EXPECT_EQ(render(R"jinja({% macro each(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) each([1, 2]) %}<{{ x }}>{% endcall %})jinja"),
            "<1><2>");
}

TEST(ChatTemplateMacro, RecursionWorksWithinLimits) {
  EXPECT_EQ(render(R"jinja({% macro count(n) %}{{ n }}{% if n > 0 %}{{ count(n - 1) }}{% endif %}{% endmacro %}{{ count(5) }})jinja"),
            "543210");
}

TEST(ChatTemplateBlocks, FilterWithAndGeneration) {
  EXPECT_EQ(render(R"jinja({% filter upper %}hello {{ 'x' }}{% endfilter %})jinja"),
            "HELLO X");
  EXPECT_EQ(render(R"jinja({% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a }})jinja"),
            "3");
  EXPECT_EQ(render(R"jinja({% print 'printed' %})jinja"),
            "printed");
}

}  // namespace
