// Building blocks of the chat-template interpreter that must match Python exactly: float and
// string repr, JSON dumping, and code-point-wise string helpers over UTF-8.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/chat/template_json.h"
#include "engine/chat/template_value.h"
#include "engine/chat/utf8_text.h"

namespace {

using pw::chat::Meter;
using pw::chat::Value;

TEST(ChatTemplateValue, FloatReprMatchesPython) {
  using pw::chat::python_float_repr;
  EXPECT_EQ(python_float_repr(1.0), "1.0");
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(python_float_repr(1.5e-7), "1.5e-07");
  EXPECT_EQ(python_float_repr(-2.5), "-2.5");
  EXPECT_EQ(python_float_repr(-0.0), "-0.0");
  EXPECT_EQ(python_float_repr(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(python_float_repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(python_float_repr(std::nan("")), "nan");
}

TEST(ChatTemplateValue, StringReprPicksQuotesLikePython) {
  using pw::chat::python_string_repr;
  EXPECT_EQ(python_string_repr("abc"), "'abc'");
  EXPECT_EQ(python_string_repr("it's"), "\"it's\"");
  EXPECT_EQ(python_string_repr("a'b\"c"), "'a\\'b\"c'");
  EXPECT_EQ(python_string_repr("t\tn\n\x01\x7f"), "'t\\tn\\n\\x01\\x7f'");
  EXPECT_EQ(python_string_repr("naïve 東京"), "'naïve 東京'");
}

TEST(ChatTemplateValue, JsonDumpsLikePython) {
  Meter meter(1000000);
  auto v = pw::chat::value_from_json(R"({"b": [1, 2.5, true, null], "a": "é\n\"", "c": {}})", "test");
  ASSERT_TRUE(v.ok()) << v.error().describe();
  pw::chat::JsonDumpOptions plain;
  EXPECT_EQ(*pw::chat::to_json(*v, plain, meter, 1 << 20), R"({"b": [1, 2.5, true, null], "a": "é\n\"", "c": {}})");
  pw::chat::JsonDumpOptions ascii_sorted;
  ascii_sorted.ensure_ascii = true;
  ascii_sorted.sort_keys = true;
  EXPECT_EQ(*pw::chat::to_json(*v, ascii_sorted, meter, 1 << 20),
            R"({"a": "\u00e9\n\"", "b": [1, 2.5, true, null], "c": {}})");
  pw::chat::JsonDumpOptions indented;
  indented.indent = "  ";
  EXPECT_EQ(*pw::chat::to_json(*v, indented, meter, 1 << 20),
            "{\n  \"b\": [\n    1,\n    2.5,\n    true,\n    null\n  ],\n  \"a\": \"é\\n\\\"\",\n  \"c\": {}\n}");
  EXPECT_FALSE(pw::chat::to_json(Value::undefined(), plain, meter, 1 << 20).ok());
}

TEST(ChatTemplateValue, TruthinessAndEqualityFollowPython) {
  Meter meter(1000);
  EXPECT_FALSE(Value::undefined().truthy());
  EXPECT_FALSE(Value::none().truthy());
  EXPECT_FALSE(Value("").truthy());
  EXPECT_FALSE(Value::list({}).truthy());
  EXPECT_TRUE(Value::generator({}).truthy());  // a Python generator is always true
  EXPECT_TRUE(Value::namespace_of({}).truthy());
  EXPECT_TRUE(*pw::chat::values_equal(Value(int64_t{1}), Value(1.0), meter));
  EXPECT_TRUE(*pw::chat::values_equal(Value(true), Value(int64_t{1}), meter));
  EXPECT_FALSE(*pw::chat::values_equal(Value::list({Value("a")}, true), Value::list({Value("a")}), meter));
  EXPECT_FALSE(pw::chat::values_less(Value("a"), Value(int64_t{1}), meter).ok());
}

TEST(ChatTemplateValue, DictKeysUsePythonEquality) {
  pw::chat::DictData d;
  ASSERT_TRUE(d.set_key(Value(int64_t{1}), Value("int")));
  ASSERT_TRUE(d.set_key(Value(1.0), Value("float")));  // same key as 1
  ASSERT_TRUE(d.set_key(Value("1"), Value("str")));    // a different key
  EXPECT_FALSE(d.set_key(Value::list({}), Value("x")));  // unhashable
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.find(Value(true))->as_string(), "float");
  EXPECT_EQ(d.find(std::string_view("1"))->as_string(), "str");
}

TEST(ChatTemplateUtf8, SlicingUnitsAreCodePointsAndInvalidBytesSurvive) {
  namespace utf8 = pw::chat::utf8;
  EXPECT_EQ(utf8::length("naïve 😀"), 7u);
  EXPECT_EQ(utf8::reverse("ab😀"), "😀ba");
  const std::string bad = "a\xff\xe6\x9d";  // a stray byte and a truncated sequence
  EXPECT_EQ(utf8::length(bad), 4u);
  EXPECT_EQ(utf8::reverse(utf8::reverse(bad)), bad);
  EXPECT_EQ(utf8::boundaries("é").size(), 2u);
}

TEST(ChatTemplateUtf8, StripSplitAndCaseFollowPython) {
  namespace utf8 = pw::chat::utf8;
  EXPECT_EQ(utf8::strip("\u3000 x\u00a0\n", nullptr), "x");
  const std::string chars = "xé";
  EXPECT_EQ(utf8::strip("éxhixé", &chars), "hi");
  EXPECT_EQ(utf8::split("  a  b  ", nullptr, -1), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(utf8::split("a b c", nullptr, 1), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(utf8::rsplit("  a b  c ", nullptr, 1), (std::vector<std::string>{"  a b", "c"}));
  const std::string comma = ",";
  EXPECT_EQ(utf8::split("a,,b", &comma, -1), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(utf8::splitlines("a\nb\r\nc\r"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(utf8::upper("abc àé ωж"), "ABC ÀÉ ΩЖ");
  EXPECT_EQ(utf8::lower("ÀÉÎ ΣЖ"), "àéî σж");
  EXPECT_EQ(utf8::python_title("they're bill's 3rd"), "They'Re Bill'S 3Rd");
  EXPECT_EQ(utf8::replace("abc", "", "-", -1), "-a-b-c-");
  EXPECT_EQ(utf8::find("naïve", "v", false), 3);
}

}  // namespace
