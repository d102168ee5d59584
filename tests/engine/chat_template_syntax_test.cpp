// Lexing and expression syntax of the chat-template interpreter: whitespace control, literals,
// operators and precedence. Expected strings were produced by Jinja2 3.1 configured as Hugging
// Face transformers configures it (see chat_template_test_support.h).
#include <gtest/gtest.h>

#include "tests/engine/chat_template_test_support.h"

namespace {

using pw::chat::testing::render;

TEST(ChatTemplateWhitespace, TrimBlocksRemovesTheNewlineAfterABlockTag) {
  EXPECT_EQ(render(R"jinja(  {% if true %}
  x
  {% endif %}
  y)jinja"),
            "  x\n  y");
  EXPECT_EQ(render(R"jinja({% for m in messages %}
    {{ m.role }}
{% endfor %})jinja"),
            "    system\n    user\n    assistant\n    user\n");
  EXPECT_EQ(render(R"jinja({% set x = 'v' %}
{{ x }}
{% set y %}
block
{% endset %}
[{{ y }}])jinja"),
            "v\n[block\n]");
}

TEST(ChatTemplateWhitespace, LstripBlocksOnlyStripsIndentationAtLineStart) {
  EXPECT_EQ(render(R"jinja(a  {% if true %} b {% endif %}  c)jinja"),
            "a   b   c");
  EXPECT_EQ(render(R"jinja(	{% if true %}tab{% endif %}	
	{# c #}	x)jinja"),
            "tab\t\n\tx");
  EXPECT_EQ(render(R"jinja({{ 'a' }}
  {% if true %}x{% endif %})jinja"),
            "a\nx");
}

TEST(ChatTemplateWhitespace, DashStripsAllWhitespaceOnThatSide) {
  EXPECT_EQ(render(R"jinja(a
  {%- if true %}
b
  {% endif -%}
  c)jinja"),
            "ab\nc");
  EXPECT_EQ(render(R"jinja({{ 'a' }}
{{ 'b' -}}

   {{ 'c' }}  {{- 'd' }})jinja"),
            "a\nbcd");
  EXPECT_EQ(render(R"jinja({% if true -%}

   X   

{%- endif %})jinja"),
            "X");
  EXPECT_EQ(render(R"jinja({%- if true %}
    line1
    {%- if true %}

        line2
    {% endif -%}
{% endif %}
end)jinja"),
            "    line1\n        line2\nend");
}

TEST(ChatTemplateWhitespace, PlusDisablesLstripAndTrim) {
  EXPECT_EQ(render(R"jinja(   {%+ if true %}keep-lstrip{% endif +%}
after)jinja"),
            "   keep-lstrip\nafter");
  EXPECT_EQ(render(R"jinja(  {%+ if true %}A{% endif %}
  {%- if true +%}
B{% endif %})jinja"),
            "  A\nB");
}

TEST(ChatTemplateWhitespace, CommentsVanishWithTheirWhitespaceRules) {
  EXPECT_EQ(render(R"jinja({# comment #}
  {# indented comment #}
text {#- strip -#}   after)jinja"),
            "textafter");
  EXPECT_EQ(render(R"jinja(line  {# inline #}  rest
  {#- a -#}
  z)jinja"),
            "line    restz");
}

TEST(ChatTemplateWhitespace, RawBlocksAreLiteral) {
  EXPECT_EQ(render(R"jinja({% raw %}{{ not rendered }}{% endraw %}
  {% raw -%}   spaced   {%- endraw %})jinja"),
            "{{ not rendered }}spaced");
  EXPECT_EQ(render(R"jinja(   {% raw %}
  {{ raw }}
   {% endraw %}
done)jinja"),
            "\n  {{ raw }}\ndone");
}

TEST(ChatTemplateWhitespace, OneTrailingNewlineOfTheTemplateIsDropped) {
  EXPECT_EQ(render(R"jinja(text
)jinja"),
            "text");
  EXPECT_EQ(render(R"jinja(text

)jinja"),
            "text\n");
  EXPECT_EQ(render(R"jinja({% for i in range(2) %}{{ i }}{% endfor %}


)jinja"),
            "01\n");
}

TEST(ChatTemplateWhitespace, CarriageReturnsBecomeNewlines) {
  EXPECT_EQ(render("a\r\nb\rc{% if true %}\r\nd{% endif %}"),
            "a\nb\ncd");
}

TEST(ChatTemplateWhitespace, TagsMaySpanLines) {
  EXPECT_EQ(render(R"jinja({{ messages[0]
   .content }}|{{ (1
 + 2) }}|{% if
 true %}ml{% endif %})jinja"),
            "Sys  |3|ml");
}

TEST(ChatTemplateLiterals, StringEscapesFollowPython) {
  EXPECT_EQ(render(R"jinja({{ "a" "b" 'c' }}|{{ 'tab\there' }}|{{ 'uni\u00e9\x41\101' }}|{{ 'back\\slash' }}|{{ 'q\'s' }}|{{ "d\"q" }}|{{ 'unk\d' }})jinja"),
            "abc|tab\there|uniéAA|back\\slash|q's|d\"q|unk\\d");
}

TEST(ChatTemplateLiterals, NumbersPrintLikePython) {
  EXPECT_EQ(render(R"jinja({{ 1e20 }}|{{ 1e16 }}|{{ 1e15 }}|{{ 0.0001 }}|{{ 0.00001 }}|{{ 1.5e-7 }}|{{ 123456789.123 }}|{{ 0.1 + 0.2 }}|{{ -0.0 }})jinja"),
            "1e+20|1e+16|1000000000000000.0|0.0001|1e-05|1.5e-07|123456789.123|0.30000000000000004|-0.0");
  EXPECT_EQ(render(R"jinja({{ 1_000 + 0x10 + 0o10 + 0b10 }}|{{ 1.5e3 }}|{{ 1.0 }}|{{ 100.0 }}|{{ 5e-324 }}|{{ 123456789012345678 }})jinja"),
            "1026|1500.0|1.0|100.0|5e-324|123456789012345678");
}

TEST(ChatTemplateLiterals, ContainersPrintAsPythonRepr) {
  EXPECT_EQ(render(R"jinja({{ [1, 'a', none, true, 1.0, [2], {'k': 'v'}] }}|{{ (1,) }}|{{ (1, 2) }}|{{ {'a': "it's"} }}|{{ ['a\nb'] }})jinja"),
            "[1, 'a', None, True, 1.0, [2], {'k': 'v'}]|(1,)|(1, 2)|{'a': \"it's\"}|['a\\nb']");
  EXPECT_EQ(render(R"jinja({{ ['\u00e9', "a'b", 'a"b', "a'\"b"] }}|{{ {1: 'int key', 2.5: none, none: true} }})jinja"),
            "['é', \"a'b\", 'a\"b', 'a\\'\"b']|{1: 'int key', 2.5: None, None: True}");
  EXPECT_EQ(render(R"jinja({{ none }}|{{ true }}|{{ undefined_name }}|{{ messages[0] }})jinja"),
            "None|True||{'role': 'system', 'content': 'Sys  '}");
}

TEST(ChatTemplateOperators, Arithmetic) {
  EXPECT_EQ(render(R"jinja({{ 1/2 }}|{{ 7//2 }}|{{ -7//2 }}|{{ -7 % 3 }}|{{ 2**10 }}|{{ 2**-1 }}|{{ 10/5 }}|{{ 1.5 // 1 }}|{{ -1.5 // 1 }}|{{ 7.5 % 2 }}|{{ -7.5 % 2 }})jinja"),
            "0.5|3|-4|2|1024|0.5|2.0|1.0|-2.0|1.5|0.5");
  EXPECT_EQ(render(R"jinja({{ 'ab' * 3 }}|{{ [0] * 3 }}|{{ 3 * 'x' }}|{{ [1, 2] + [3] }}|{{ true + 1 }}|{{ 'a' + 'b' }})jinja"),
            "ababab|[0, 0, 0]|xxx|[1, 2, 3]|2|ab");
}

TEST(ChatTemplateOperators, PrecedenceMatchesJinja) {
  EXPECT_EQ(render(R"jinja({{ 'x' ~ (1 + 2) }}|{{ (1 + 2) ~ 'x' }}|{{ 1 ~ 2 * 3 }}|{{ 'a' ~ 'b' | upper }}|{{ -1|abs }}|{{ not true == false }}|{{ 2 ** 3 ** 2 }}|{{ -2 ** 2 }}|{{ 10 // 3 * 3 + 10 % 3 }})jinja"),
            "x3|3x|16|aB|1|True|64|4|10");
  EXPECT_EQ(render(R"jinja({{ (messages|length - 1) * 2 }}|{{ not messages|length }}|{{ messages|length is odd }}|{{ messages | length > 2 and messages[0].role == 'system' }})jinja"),
            "6|False|False|True");
}

TEST(ChatTemplateOperators, ConcatenationStringifies) {
  EXPECT_EQ(render(R"jinja({{ 'a' ~ 1 ~ 1.5 ~ none ~ true ~ undefined_var }})jinja"),
            "a11.5NoneTrue");
}

TEST(ChatTemplateOperators, ComparisonsAndMembership) {
  EXPECT_EQ(render(R"jinja({{ 'a' in 'cat' }}|{{ 'x' not in ['a'] }}|{{ 'role' in messages[0] }}|{{ 1 in [1.0] }}|{{ 1 == 1.0 }}|{{ [1] == [1] }}|{{ (1,) == [1] }}|{{ 'a' < 'b' }}|{{ 1 < 2 < 3 }}|{{ 3 > 2 > 2 }}|{{ [1, 2] < [1, 3] }}|{{ true == 1 }})jinja"),
            "True|True|True|True|True|True|False|True|True|False|True|True");
}

TEST(ChatTemplateOperators, LogicReturnsOperands) {
  EXPECT_EQ(render(R"jinja({{ 1 and 2 }}|{{ 0 or 'x' }}|{{ none or [] }}|{{ not none }}|{{ 'a' if false }}|{{ 'a' if false else 'b' }}|{{ 'yes' if messages else 'no' }}|{{ 1 if true else 2 if false else 3 }})jinja"),
            "2|x|[]|True||b|yes|1");
}

TEST(ChatTemplateOperators, AttributeAndItemAccess) {
  EXPECT_EQ(render(R"jinja({{ messages[0].content }}|{{ messages[0]['content'] }}|{{ messages[-1]['role'] }}|{{ messages.0.role }}|{{ messages[10] is defined }}|{{ messages[0].nope is defined }}|{{ none.foo is defined }})jinja"),
            "Sys  |Sys  |user|system|False|False|False");
  EXPECT_EQ(render(R"jinja({{ messages[0].get('content') }}|{{ messages[0].items()|list|length }}|{{ messages[0].keys()|list }}|{{ {'items': 1}['items'] }})jinja"),
            "Sys  |2|['role', 'content']|1");
}

TEST(ChatTemplateOperators, SlicingFollowsPython) {
  EXPECT_EQ(render(R"jinja({{ 'Hello'[1:3] }}|{{ 'naïve'[::-1] }}|{{ 'naïve'[2] }}|{{ 'abc'[-1] }}|{{ [1,2,3,4,5][::2] }}|{{ [1,2,3][5:] }}|{{ [1,2,3][-2:] }}|{{ 'abcdef'[4:1:-1] }}|{{ messages[1:] | length }}|{{ '😀x'[1] }})jinja"),
            "el|evïan|ï|c|[1, 3, 5]|[]|[2, 3]|edc|3|x");
}

}  // namespace
