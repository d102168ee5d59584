// Errors of the chat-template interpreter are values that say what and where: syntax errors
// with line and column, runtime errors with the line, and the template's own raise_exception
// as a distinct "rejection" (ErrorCode::InvalidArgument) carrying exactly its message.
#include <gtest/gtest.h>

#include <string>

#include "engine/chat/chat_template.h"
#include "tests/engine/chat_template_test_support.h"

namespace {

using pw::chat::ChatTemplate;
using pw::chat::testing::render;
using pw::chat::testing::test_conversation;

pw::Error parse_error(std::string_view source) {
  auto parsed = ChatTemplate::parse(source);
  EXPECT_FALSE(parsed.ok()) << "parsed: " << source;
  return parsed.ok() ? pw::Error() : parsed.error();
}

pw::Error render_error(std::string_view source) {
  auto parsed = ChatTemplate::parse(source);
  EXPECT_TRUE(parsed.ok()) << parsed.error().describe();
  if (!parsed.ok()) return parsed.error();
  auto rendered = parsed->render(test_conversation());
  EXPECT_FALSE(rendered.ok()) << "rendered: " << *rendered;
  return rendered.ok() ? pw::Error() : rendered.error();
}

TEST(ChatTemplateErrors, SyntaxErrorsNameLineAndColumn) {
  const pw::Error e = parse_error("line one\n{% if true %}\n  {{ 1 + }}\n{% endif %}");
  EXPECT_EQ(e.code(), pw::ErrorCode::Corrupt);
  EXPECT_EQ(e.subject(), "chat template");
  EXPECT_EQ(e.message().rfind("line 3, column 10: ", 0), 0u) << e.message();
}

TEST(ChatTemplateErrors, MalformedTemplatesAreParseErrors) {
  const char* bad[] = {
      "{% if true %}unclosed",
      "{% for x in y %}",
      "{{ 'unterminated }}",
      "{{ }}",
      "{{ (1 }}",
      "{{ 1) }}",
      "{{ [1, 2 }}",
      "{% endif %}",
      "{% else %}",
      "{% frobnicate %}",
      "{# never closed",
      "{% raw %}never closed",
      "{{ 'a'|no_such_filter }}",
      "{% if x is no_such_test %}{% endif %}",
      "{% include 'other.jinja' %}",
      "{% extends 'base' %}",
      "{% break %}",
      "{% for x in y %}{% macro m() %}{% continue %}{% endmacro %}{% endfor %}",
      "{% for x in y recursive %}{% endfor %}",
      "{{ f(a=1, 2) }}",
      "{{ f(*args) }}",
      "{% set 1 = 2 %}",
      "{% macro m(a=1, b) %}{% endmacro %}",
      "{{ 'x' is defined is defined }}",
      "{{ 99999999999999999999 }}",
      "{{ '\\x4' }}",
      "{{ a ! b }}",
  };
  for (const char* source : bad) {
    const pw::Error e = parse_error(source);
    EXPECT_EQ(e.code(), pw::ErrorCode::Corrupt) << source;
    EXPECT_EQ(e.message().rfind("line ", 0), 0u) << source << " -> " << e.message();
  }
}

TEST(ChatTemplateErrors, UnknownFiltersAreReportedByName) {
  EXPECT_NE(parse_error("{{ x | frobnicate }}").message().find("no filter named 'frobnicate'"), std::string::npos);
  EXPECT_NE(parse_error("{{ x is frobnicated }}").message().find("no test named 'frobnicated'"), std::string::npos);
}

TEST(ChatTemplateErrors, RuntimeErrorsNameTheLine) {
  const pw::Error e = render_error("a\nb\n{{ undefined_thing.attr }}");
  EXPECT_EQ(e.code(), pw::ErrorCode::Corrupt);
  EXPECT_EQ(e.message(), "line 3: 'undefined_thing' is undefined");
}

TEST(ChatTemplateErrors, PythonTypeErrorsAreErrors) {
  struct Case {
    const char* source;
    const char* message;
  } cases[] = {
      {"{{ messages[0].content + 1 }}", "can only concatenate str (not \"int\") to str"},
      {"{{ 'x' ~ 1 + 2 }}", "can only concatenate str (not \"int\") to str"},  // ~ binds tighter than +
      {"{{ 1 / 0 }}", "division by zero"},
      {"{{ 5 // 0 }}", "integer division or modulo by zero"},
      {"{% for x in none %}{% endfor %}", "'NoneType' object is not iterable"},
      {"{% for a, b in [[1, 2, 3]] %}{% endfor %}", "too many values to unpack (expected 2)"},
      {"{{ x + 'a' }}", "'x' is undefined"},
      {"{{ messages.nope.deeper }}", "'list object' has no attribute 'nope'"},
      {"{{ [1, 2].append(3) }}", "access to attribute 'append' of 'list' object is unsafe."},
      {"{{ {'a': 1}.update({}) }}", "access to attribute 'update' of 'dict' object is unsafe."},
      {"{{ 'a' < 1 }}", "'<' not supported between instances of 'str' and 'int'"},
      {"{{ -[1] }}", "bad operand type for unary -: 'list'"},
      {"{{ 'abc'() }}", "'str' object is not callable"},
      {"{{ 9223372036854775807 + 1 }}", "integer overflow in '+'"},
      {"{{ {[1]: 2} }}", "unhashable type: 'list'"},
      {"{% set x = 1 %}{% set x.attr = 2 %}", "cannot assign attribute on non-namespace object 'x'"},
      {"{{ messages|map(attribute='role')|tojson }}", "Object of type generator is not JSON serializable"},
      {"{{ namespace(a=1)|tojson }}", "Object of type Namespace is not JSON serializable"},
      {"{{ '%s %s' % (1,) }}", "not enough arguments for format string"},
  };
  for (const auto& c : cases) {
    const pw::Error e = render_error(c.source);
    EXPECT_EQ(e.code(), pw::ErrorCode::Corrupt) << c.source;
    EXPECT_EQ(e.message(), std::string("line 1: ") + c.message) << c.source;
  }
}

TEST(ChatTemplateErrors, RaiseExceptionIsARejectionWithTheTemplatesMessage) {
  const pw::Error e = render_error("{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}");
  EXPECT_EQ(e.code(), pw::ErrorCode::InvalidArgument);
  EXPECT_TRUE(pw::chat::is_template_rejection(e));
  EXPECT_EQ(e.message(), "System role not supported");
  EXPECT_EQ(render_error("{{ raise_exception('n=' ~ messages|length) }}").message(), "n=4");
  EXPECT_FALSE(pw::chat::is_template_rejection(render_error("{{ 1 / 0 }}")));
}

TEST(ChatTemplateErrors, ExtraVariablesMustBeAJsonObject) {
  auto parsed = ChatTemplate::parse("{{ x }}");
  ASSERT_TRUE(parsed.ok());
  pw::chat::RenderOptions options;
  options.extra_variables_json = "[1, 2]";
  EXPECT_FALSE(parsed->render(test_conversation(), options).ok());
  options.extra_variables_json = "{not json";
  EXPECT_FALSE(parsed->render(test_conversation(), options).ok());
  options.extra_variables_json = R"({"x": "from json"})";
  auto rendered = parsed->render(test_conversation(), options);
  ASSERT_TRUE(rendered.ok()) << rendered.error().describe();
  EXPECT_EQ(*rendered, "from json");
}

TEST(ChatTemplateErrors, GenerationBlocksRenderTheirBody) {
  // Hugging Face's AssistantTracker extension: {% generation %} marks assistant text and renders it.
  EXPECT_EQ(render("{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content[-3:] }}"
                   "{% endgeneration %}{% endif %}{% endfor %}"),
            "Ans");
}

TEST(ChatTemplateErrors, BuiltInChatMlTemplateParsesAndRenders) {
  auto chatml = ChatTemplate::chatml().render({{"user", "hi"}});
  ASSERT_TRUE(chatml.ok());
  EXPECT_EQ(*chatml, "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
}

}  // namespace
