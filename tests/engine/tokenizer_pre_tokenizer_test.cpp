// The hand-written pre-tokenizer matchers against a reference: std::regex over llama.cpp's
// "collapsed" text (every code point >= 128 replaced by one byte standing for its category,
// \p{..} in the expression replaced by that byte plus the ASCII members). That is exactly how
// llama.cpp runs the expressions it has no hand-written splitter for (Qwen2, GPT-4o, Tekken,
// the multi-expression ones), and for GPT-2/Llama-3 it checks that its custom splitters (which
// ours follow) mean the same as their expressions.
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/unicode.h"
#include "tokenizer_test_helpers.h"

namespace {

using pw::tokenizer::PreTokenizerKind;
namespace uni = pw::tokenizer::unicode;

std::vector<uint32_t> to_cps(std::string_view s) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    const auto c = uni::decode_utf8(s, i);
    cps.push_back(c.cp);
    i += c.len;
  }
  return cps;
}

std::string collapse_text(const std::vector<uint32_t>& cps) {
  std::string out;
  for (uint32_t cp : cps) {
    if (cp < 128) {
      out.push_back(static_cast<char>(cp));
      continue;
    }
    if (uni::is_whitespace(cp)) {
      out.push_back('\x0B');
      continue;
    }
    switch (uni::category(cp)) {
      case uni::kNumber: out.push_back('\xD1'); break;
      case uni::kLetter: out.push_back('\xD2'); break;
      case uni::kPunctuation: out.push_back('\xD3'); break;
      case uni::kMark: out.push_back('\xD4'); break;
      case uni::kSymbol: out.push_back('\xD5'); break;
      default: out.push_back('\xD0'); break;
    }
  }
  return out;
}

// \p{N} -> [\xD10-9] etc. (without the outer brackets inside a bracket expression).
std::string collapse_regex(const std::string& expr) {
  static const std::vector<std::pair<std::string, std::string>> kClasses = {
      {"\\p{N}", "\xD1" "0-9"},
      {"\\p{L}", "\xD2" "A-Za-z"},
      {"\\p{P}", "\xD3" "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
  };
  std::string out;
  bool inside = false;
  for (size_t i = 0; i < expr.size(); ++i) {
    if (expr[i] == '[' && (i == 0 || expr[i - 1] != '\\')) inside = true;
    if (expr[i] == ']' && inside && expr[i - 1] != '\\') inside = false;
    bool replaced = false;
    for (const auto& [pat, members] : kClasses) {
      if (expr.compare(i, pat.size(), pat) == 0) {
        out += inside ? members : "[" + members + "]";
        i += pat.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(expr[i]);
  }
  return out;
}

std::vector<std::regex> compile(const std::vector<std::string>& exprs) {
  std::vector<std::regex> out;
  for (const auto& e : exprs) out.emplace_back(collapse_regex(e), std::regex_constants::optimize | std::regex_constants::nosubs);
  return out;
}

std::vector<uint32_t> regex_split(const std::vector<std::regex>& exprs, const std::vector<uint32_t>& cps) {
  const std::string text = collapse_text(cps);
  std::vector<size_t> lengths = {cps.size()};
  for (const auto& re : exprs) {
    std::vector<size_t> next;
    size_t start = 0;
    for (size_t len : lengths) {
      std::cregex_iterator it(text.data() + start, text.data() + start + len, re), end;
      size_t done = 0;
      for (; it != end; ++it) {
        const size_t p = static_cast<size_t>(it->position()), l = static_cast<size_t>(it->length());
        if (p > done) next.push_back(p - done);
        next.push_back(l);
        done = p + l;
      }
      if (done < len) next.push_back(len - done);
      start += len;
    }
    lengths.swap(next);
  }
  std::vector<uint32_t> ends;
  size_t pos = 0;
  for (size_t len : lengths) {
    if (len == 0) continue;
    pos += len;
    ends.push_back(static_cast<uint32_t>(pos));
  }
  return ends;
}

const std::string kGpt2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const std::string kContractions = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

std::vector<std::string> expressions(PreTokenizerKind kind) {
  switch (kind) {
    case PreTokenizerKind::Gpt2: return {kGpt2};
    case PreTokenizerKind::Llama3:
      return {kContractions + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"};
    case PreTokenizerKind::Qwen2:
      return {kContractions + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"};
    case PreTokenizerKind::StarCoder: return {"\\p{N}", kGpt2};
    case PreTokenizerKind::Default:
      return {"[\\p{P}\\$\\+<=>\\^~\\|]+", kGpt2, "\\p{N}+", "[0-9][0-9][0-9]"};
    case PreTokenizerKind::Gpt4o:
      return {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+" + kContractions +
              "?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*" + kContractions +
              "?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"};
    case PreTokenizerKind::Tekken:
      return {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+"
              "((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"};
  }
  return {};
}

std::vector<std::string> sample_texts() {
  std::vector<std::string> texts;
  for (const auto& vocab : pw::test::tokenizer_fixture_names())
    for (const auto& c : pw::test::read_tokenizer_cases(vocab))
      if (c.problem.empty() && c.text.size() < 120) texts.push_back(c.text);
  // Random strings over characters that exercise every branch of the expressions.
  const std::vector<std::string> alphabet = {
      "a", "z", "Z", "A", "s", "S", "t", "T", "l", "L", "e", "E", "r", "v", "d", "m", "M", "x", "\xC3\xA9" /* é */,
      "\xC3\x84" /* Ä */, "\xC3\x9F" /* ß */, "\xD0\x96" /* Ж */, "\xE4\xB8\xAD" /* 中 */, "1", "7", "0",
      "\xC2\xBD" /* ½ */, "\xD9\xA3" /* Arabic-Indic 3 */, " ", " ", " ", "\t", "\n", "\r", "\x0B", "\x0C",
      "\xC2\xA0" /* NBSP */, "\xE3\x80\x80" /* ideographic space */, "\xC2\x85" /* NEL */, "\xE2\x80\xA8",
      "'", "'", ".", ",", "!", "?", "$", "+", "<", "=", ">", "^", "`", "|", "~", "/", "-", "_", "(", "\"",
      "\xF0\x9F\xA6\x99" /* 🦙 */, "\xCC\x81" /* combining acute */, "\xE2\x80\x8D" /* ZWJ */, "\xEF\xBF\xBD",
      "\x01", "\xE2\x82\xAC" /* € */, "\xEF\xBC\x81" /* fullwidth ! */};
  std::mt19937 rng(20240611);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int len = static_cast<int>(rng() % 24);
    for (int k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
    texts.push_back(s);
  }
  return texts;
}

std::string kind_name(const testing::TestParamInfo<PreTokenizerKind>& info) {
  static const char* const kNames[] = {"Default", "Gpt2", "Llama3", "Qwen2", "StarCoder", "Gpt4o", "Tekken"};
  return kNames[static_cast<int>(info.param)];
}

class PreTokenizerVsRegex : public testing::TestWithParam<PreTokenizerKind> {};

TEST_P(PreTokenizerVsRegex, SameWordsAsTheExpression) {
  const auto exprs = compile(expressions(GetParam()));
  ASSERT_FALSE(exprs.empty());
  int mismatches = 0;
  for (const auto& text : sample_texts()) {
    const auto cps = to_cps(text);
    std::vector<uint32_t> ours;
    pw::tokenizer::pre_tokenize(GetParam(), cps, ours);
    const auto reference = regex_split(exprs, cps);
    if (ours != reference && ++mismatches <= 5)
      ADD_FAILURE() << "text (hex) " << pw::test::hex(text) << "\n ours      "
                    << pw::test::describe_ids(std::vector<int32_t>(ours.begin(), ours.end())) << "\n reference "
                    << pw::test::describe_ids(std::vector<int32_t>(reference.begin(), reference.end()));
  }
  EXPECT_EQ(mismatches, 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, PreTokenizerVsRegex,
                         testing::Values(PreTokenizerKind::Gpt2, PreTokenizerKind::Llama3, PreTokenizerKind::Qwen2,
                                         PreTokenizerKind::StarCoder, PreTokenizerKind::Default, PreTokenizerKind::Gpt4o,
                                         PreTokenizerKind::Tekken),
                         kind_name);

TEST(PreTokenizer, KnownSplits) {
  const auto words = [](PreTokenizerKind kind, std::string_view text) {
    const auto cps = to_cps(text);
    std::vector<uint32_t> ends;
    pw::tokenizer::pre_tokenize(kind, cps, ends);
    std::vector<std::string> out;
    // Rebuild the words from code points (ASCII-only inputs here).
    size_t begin = 0;
    for (uint32_t e : ends) {
      out.emplace_back(text.substr(begin, e - begin));
      begin = e;
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(words(PreTokenizerKind::Llama3, "Hello world"), (V{"Hello", " world"}));
  EXPECT_EQ(words(PreTokenizerKind::Llama3, "12345"), (V{"123", "45"}));
  EXPECT_EQ(words(PreTokenizerKind::Qwen2, "12345"), (V{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(words(PreTokenizerKind::Llama3, "I'VE  been\n\n ok"), (V{"I", "'VE", " ", " been", "\n\n", " ok"}));
  EXPECT_EQ(words(PreTokenizerKind::Gpt2, "I'VE been"), (V{"I", "'", "VE", " been"}));
  EXPECT_EQ(words(PreTokenizerKind::Gpt2, "a   b"), (V{"a", "  ", " b"}));
  EXPECT_EQ(words(PreTokenizerKind::Gpt4o, "HELLOworld ABc"), (V{"HELLOworld", " ABc"}));
  EXPECT_TRUE(words(PreTokenizerKind::Llama3, "").empty());
}

}  // namespace
