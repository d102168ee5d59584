// Filters, tests and methods of str/dict/list in the chat-template interpreter, including the
// byte-exact tojson that tool-calling templates print. Expected strings were produced by
// Jinja2 3.1 configured as Hugging Face transformers configures it (see
// chat_template_test_support.h).
#include <gtest/gtest.h>

#include "tests/engine/chat_template_test_support.h"

namespace {

using pw::chat::testing::render;

TEST(ChatTemplateFilters, TrimAndStringCase) {
  EXPECT_EQ(render(R"jinja([{{ messages[0].content|trim }}]|[{{ '\u3000x\u00a0'|trim }}]|[{{ 'xxhixx'|trim('x') }}]|{{ undefined_x|trim }}|{{ 5|trim }})jinja"),
            "[Sys]|[x]|[hi]||5");
  EXPECT_EQ(render(R"jinja({{ 'héllo wörld'|upper }}|{{ 'ÀÉÎ'|lower }}|{{ 'hello world'|title }}|{{ 'hello-world (x)'|title }}|{{ 'hELLO'|capitalize }}|{{ "they're bill's"|title }})jinja"),
            "HÉLLO WÖRLD|àéî|Hello World|Hello-World (X)|Hello|They're Bill's");
}

TEST(ChatTemplateFilters, LengthCountsCodePoints) {
  EXPECT_EQ(render(R"jinja({{ messages|length }}|{{ messages[3].content|length }}|{{ 'ä'|length }}|{{ {'a': 1}|count }}|{{ undefined_x|length }})jinja"),
            "4|10|1|1|0");
}

TEST(ChatTemplateFilters, TojsonMatchesPythonJsonDumps) {
  EXPECT_EQ(render(R"jinja({{ tools | tojson }})jinja", R"jinja({"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather — über", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "n": {"type": "number", "default": 1.5}}, "required": ["city"]}}}]})jinja"),
            "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the weather — über\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}, \"n\": {\"type\": \"number\", \"default\": 1.5}}, \"required\": [\"city\"]}}}]");
  EXPECT_EQ(render(R"jinja({{ tools[0] | tojson(indent=4) }})jinja", R"jinja({"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather — über", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "n": {"type": "number", "default": 1.5}}, "required": ["city"]}}}]})jinja"),
            "{\n    \"type\": \"function\",\n    \"function\": {\n        \"name\": \"get_weather\",\n        \"description\": \"Get the weather — über\",\n        \"parameters\": {\n            \"type\": \"object\",\n            \"properties\": {\n                \"city\": {\n                    \"type\": \"string\"\n                },\n                \"n\": {\n                    \"type\": \"number\",\n                    \"default\": 1.5\n                }\n            },\n            \"required\": [\n                \"city\"\n            ]\n        }\n    }\n}");
  EXPECT_EQ(render(R"jinja({{ tools | tojson(ensure_ascii=true) }})jinja", R"jinja({"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather — über", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "n": {"type": "number", "default": 1.5}}, "required": ["city"]}}}]})jinja"),
            "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the weather \\u2014 \\u00fcber\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}, \"n\": {\"type\": \"number\", \"default\": 1.5}}, \"required\": [\"city\"]}}}]");
  EXPECT_EQ(render(R"jinja({{ tools[0].function.parameters | tojson(sort_keys=true) }})jinja", R"jinja({"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather — über", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "n": {"type": "number", "default": 1.5}}, "required": ["city"]}}}]})jinja"),
            "{\"properties\": {\"city\": {\"type\": \"string\"}, \"n\": {\"default\": 1.5, \"type\": \"number\"}}, \"required\": [\"city\"], \"type\": \"object\"}");
  EXPECT_EQ(render(R"jinja({{ tools[0].function | tojson(separators=(',', ':')) }})jinja", R"jinja({"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather — über", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "n": {"type": "number", "default": 1.5}}, "required": ["city"]}}}]})jinja"),
            "{\"name\":\"get_weather\",\"description\":\"Get the weather — über\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"n\":{\"type\":\"number\",\"default\":1.5}},\"required\":[\"city\"]}}");
  EXPECT_EQ(render(R"jinja({{ {'a': [], 'b': {}, 'c': none, 'd': true, 'e': 'x"y\\z\n\t\u0001\u007f'} | tojson(indent=2) }})jinja"),
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": null,\n  \"d\": true,\n  \"e\": \"x\\\"y\\\\z\\n\\t\\u0001\x7f""\"\n}");
  EXPECT_EQ(render(R"jinja({{ '😀'|tojson }}|{{ '😀'|tojson(ensure_ascii=true) }}|{{ '\u2028'|tojson }}|{{ 0.1|tojson }}|{{ 1e22|tojson }}|{{ 3.0|tojson }}|{{ (1, 2)|tojson }}|{{ none|tojson }}|{{ {1: 2, none: 3}|tojson }})jinja"),
            "\"😀\"|\"\\ud83d\\ude00\"|\" \"|0.1|1e+22|3.0|[1, 2]|null|{\"1\": 2, \"null\": 3}");
  EXPECT_EQ(render(R"jinja({{ [1, [2, []]]|tojson(indent=0) }}|{{ {'a': 1}|tojson(indent='\t') }})jinja"),
            "[\n1,\n[\n2,\n[]\n]\n]|{\n\t\"a\": 1\n}");
}

TEST(ChatTemplateFilters, DefaultAndConversions) {
  EXPECT_EQ(render(R"jinja({{ x|default('d') }}|{{ none|default('d') }}|{{ ''|default('d', true) }}|{{ 0|d('z', boolean=true) }})jinja"),
            "d|None|d|z");
  EXPECT_EQ(render(R"jinja({{ '42'|int }}|{{ '4.7'|int }}|{{ 'x'|int }}|{{ 'x'|int(7) }}|{{ '3.5'|float }}|{{ 3|float }}|{{ 1|string }}|{{ none|string }})jinja"),
            "42|4|0|7|3.5|3.0|1|None");
  EXPECT_EQ(render(R"jinja({{ 2.5|round }}|{{ 3.5|round }}|{{ 2.675|round(2) }}|{{ 3|round }}|{{ 1.234|round(1, 'ceil') }}|{{ 1.99|round(1, 'floor') }}|{{ 5|abs }}|{{ -5.5|abs }})jinja"),
            "2.0|4.0|2.67|3|1.3|1.9|5|5.5");
}

TEST(ChatTemplateFilters, SequenceFilters) {
  EXPECT_EQ(render(R"jinja({{ [1,2,3] | join }}|{{ [1,2,3] | join(', ') }}|{{ messages | join(',', attribute='role') }}|{{ {'a':1}|list }}|{{ 'ab'|list }}|{{ x|list }})jinja"),
            "123|1, 2, 3|system,user,assistant,user|['a']|['a', 'b']|[]");
  EXPECT_EQ(render(R"jinja({{ [[1],[2]]|first }}|{{ 'abc'|last }}|{{ 'abc'|reverse }}|{{ [1,2]|reverse|list }}|{{ (messages|first).role }}|{{ (messages|last).role }}|{{ []|first is defined }})jinja"),
            "[1]|c|cba|[2, 1]|system|user|False");
  EXPECT_EQ(render(R"jinja({{ ['b','A','a','c']|sort }}|{{ ['b','A','a','c']|sort(case_sensitive=true) }}|{{ ['b','A','a']|unique|list }}|{{ [3,1,2]|max }}|{{ [3,1,2]|min }}|{{ ['B','a']|max }}|{{ [1,2]|sum }}|{{ [1,2]|sum(start=10) }})jinja"),
            "['A', 'a', 'b', 'c']|['A', 'a', 'b', 'c']|['b', 'A']|3|1|B|3|13");
  EXPECT_EQ(render(R"jinja({{ {'b': 1, 'a': 2} | dictsort }}|{{ {'b': 1, 'a': 2} | dictsort(by='value', reverse=true) }}|{{ [{'n': 2}, {'n': 1}] | sort(attribute='n') | map(attribute='n') | list }}|{{ {'k': 'v'}|items|list }})jinja"),
            "[('a', 2), ('b', 1)]|[('a', 2), ('b', 1)]|[1, 2]|[('k', 'v')]");
}

TEST(ChatTemplateFilters, SelectMapAndFriends) {
  EXPECT_EQ(render(R"jinja({{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | map('trim') | join(' / ') }})jinja"),
            "Hi  there / naïve 東京 😀");
  EXPECT_EQ(render(R"jinja({{ messages|rejectattr('role', 'eq', 'user')|list|length }}|{{ [1,2,3,4]|select('even')|list }}|{{ [1,none,2]|reject('none')|list }}|{{ messages|selectattr('role', 'in', ['user', 'system'])|list|length }})jinja"),
            "2|[2, 4]|[1, 2]|3");
  EXPECT_EQ(render(R"jinja({{ [1, 2, 3] | map('string') | join('+') }}|{{ ['a', 'b'] | map('upper') | list }}|{{ [{'n': 2}, {}] | map(attribute='n', default='z') | list }})jinja"),
            "1+2+3|['A', 'B']|[2, 'z']");
  EXPECT_EQ(render(R"jinja({{ none|selectattr('type', 'equalto', 'x')|list }}|{{ none|map(attribute='a')|list }})jinja"),
            "[]|[]");
}

TEST(ChatTemplateFilters, GeneratorsAreTruthyAndSinglePass) {
  EXPECT_EQ(render(R"jinja({% set users = messages|selectattr('role', 'equalto', 'nobody') %}{{ 'truthy' if users else 'falsy' }}|{{ users|list }})jinja"),
            "truthy|[]");
  EXPECT_EQ(render(R"jinja({% set g = messages|map(attribute='role') %}{{ g|list|length }}|{{ g|list|length }}|{{ g is sequence }}|{{ g is iterable }})jinja"),
            "4|0|False|True");
}

TEST(ChatTemplateFilters, TextFilters) {
  EXPECT_EQ(render(R"jinja({{ 'a\nb\n\nc'|indent }}|{{ 'a\nb\n\nc'|indent(2, true) }}|{{ 'a\nb\n\nc'|indent(2, blank=true) }}|{{ 'x'|indent('> ', first=true) }})jinja"),
            "a\n    b\n\n    c|  a\n  b\n\n  c|a\n  b\n  \n  c|> x");
  EXPECT_EQ(render(R"jinja({{ '<a href="x">&\'</a>'|e }}|{{ 'abc'|center(9) }}|{{ 'ab'|center(7) }}|{{ 'one two  three'|wordcount }}|{{ 'abc'|replace('b', 'X') }}|{{ 'aaa'|replace('a', 'b', 2) }})jinja"),
            "&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;|   abc   |   ab  |3|aXc|bba");
  EXPECT_EQ(render(R"jinja({{ '%s items' | format(3) }}|{{ '%d-%05.1f|%-6s|%x|%#X|%+d|%e|%g|%.3s|%c|%r|%%' | format(42, 3.14159, 'ab', 255, 255, 5, 12345.678, 0.0001, 'abcdef', 65, 'q') }}|{{ '%(a)s=%(b)d' | format(a='x', b=2) }}|{{ '%s/%s' % (1, 2) }})jinja"),
            "3 items|42-003.1|ab    |ff|0XFF|+5|1.234568e+04|0.0001|abc|A|'q'|%|x=2|1/2");
  EXPECT_EQ(render(R"jinja({{ 'say '|safe + '<b>' }}|{{ '<i>' + 'x'|safe }}|{{ ('<b>'|e)|e }}|{{ 'a'|safe ~ '<b>' }})jinja"),
            "say &lt;b&gt;|&lt;i&gt;x|&lt;b&gt;|a<b>");
}

TEST(ChatTemplateTests, TypeTests) {
  EXPECT_EQ(render(R"jinja({{ 'abc' is string }}|{{ 1 is number }}|{{ true is number }}|{{ 1 is integer }}|{{ true is integer }}|{{ 1.0 is float }}|{{ {} is mapping }}|{{ [] is sequence }}|{{ 'a' is sequence }}|{{ x is sequence }}|{{ x is iterable }}|{{ {} is iterable }}|{{ 1 is iterable }}|{{ true is boolean }}|{{ range is callable }})jinja"),
            "True|True|True|True|False|True|True|True|True|True|True|True|False|True|True");
}

TEST(ChatTemplateTests, ValueTests) {
  EXPECT_EQ(render(R"jinja({{ x is defined }}|{{ x is undefined }}|{{ none is none }}|{{ false is false }}|{{ 0 is false }}|{{ 4 is divisibleby 2 }}|{{ 3 is odd }}|{{ 2 is even }}|{{ 'ab' is lower }}|{{ 'AB' is upper }}|{{ none is not none }})jinja"),
            "False|True|True|True|False|True|True|True|True|True|False");
  EXPECT_EQ(render(R"jinja({{ 1 is eq 1 }}|{{ 2 is gt 1 }}|{{ 1 is ge 2 }}|{{ 'a' is in 'abc' }}|{{ none is sameas none }}|{{ [1] is sameas [1] }}|{{ 'upper' is filter }}|{{ 'odd' is test }}|{{ 1 is ne 2 }})jinja"),
            "True|True|False|True|True|False|True|True|True");
  EXPECT_EQ(render(R"jinja({{ enable_thinking is defined and enable_thinking is false }})jinja", R"jinja({"enable_thinking": false})jinja"),
            "True");
}

TEST(ChatTemplateMethods, StringMethods) {
  EXPECT_EQ(render(R"jinja({{ messages[2].content.split('</think>')[-1].lstrip('\n') }}|{{ messages[2].content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n') }})jinja"),
            "Ans|r");
  EXPECT_EQ(render(R"jinja({{ 'a,b,,c'.split(',') }}|{{ '  a  b  '.split() }}|{{ 'a b c'.split(None, 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}|{{ '  a b  c '.rsplit(None, 1) }}|{{ 'a\nb\r\nc'.splitlines() }})jinja"),
            "['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|['a,b', 'c']|['  a b', 'c']|['a', 'b', 'c']");
  EXPECT_EQ(render(R"jinja({{ '  x  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ 'abc'.startswith('a') }}|{{ 'abc'.startswith(('x', 'ab')) }}|{{ 'abc'.endswith('bc') }}|{{ 'ab'.removeprefix('a') }}|{{ 'ab'.removesuffix('b') }})jinja"),
            "x|hi|True|True|True|b|a");
  EXPECT_EQ(render(R"jinja({{ 'Hello World'.replace('o', '0') }}|{{ 'abc'.replace('', '-') }}|{{ 'hello'.find('l') }}|{{ 'hello'.rfind('l') }}|{{ 'hello'.count('l') }}|{{ '-'.join(['a','b']) }}|{{ 'x'.join('abc') }})jinja"),
            "Hell0 W0rld|-a-b-c-|2|3|2|a-b|axbxc");
  EXPECT_EQ(render(R"jinja({{ "they're bill's".title() }}|{{ 'hello'.capitalize() }}|{{ 'ab'.upper() }}|{{ 'AB'.lower() }}|{{ '3rd'.title() }}|{{ '123'.isdigit() }}|{{ 'abc'.isalpha() }}|{{ 'ABC'.isupper() }}|{{ 'abc'.islower() }}|{{ ' '.isspace() }})jinja"),
            "They'Re Bill'S|Hello|AB|ab|3Rd|True|True|True|True|True");
}

TEST(ChatTemplateMethods, DictAndListMethods) {
  EXPECT_EQ(render(R"jinja({{ d.get('a') }}|{{ d.get('z', 'no') }}|{{ d.get('z') }}|{{ d.keys()|list }}|{{ d.values()|list }}|{{ d.items()|list }})jinja", R"jinja({"d": {"b": 2, "a": 1}})jinja"),
            "1|no|None|['b', 'a']|[2, 1]|[('b', 2), ('a', 1)]");
  EXPECT_EQ(render(R"jinja({{ [1, 2, 2].count(2) }}|{{ ['a', 'b'].index('b') }})jinja"),
            "2|1");
}

TEST(ChatTemplateMethods, Globals) {
  EXPECT_EQ(render(R"jinja({{ range(3)|list }}|{{ range(1, 10, 3)|list }}|{{ range(5, 0, -2)|list }}|{{ dict(a=1, b='x') }}|{{ dict([('k', 'v')]) }}|{{ namespace(a=1).a }})jinja"),
            "[0, 1, 2]|[1, 4, 7]|[5, 3, 1]|{'a': 1, 'b': 'x'}|{'k': 'v'}|1");
}

}  // namespace
