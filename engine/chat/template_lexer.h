// Splits chat-template text into tokens: literal text and the insides of {{ }}, {% %}.
//
//   pw::Result<LexedTemplate> t = lex_template("Hi {{ name }}!\n");
//   // t->tokens: Data "Hi ", VariableBegin, Name "name", VariableEnd, Data "!", Eof
//
// Whitespace rules are those of the reference (Jinja2 as Hugging Face transformers configures
// it, see ../shared/fixtures/templates/README.md) and must not change, or prompts change:
//  - newlines are normalised to "\n" and one trailing newline of the template is dropped;
//  - trim_blocks: the first "\n" after a %} or #} is removed (not after }});
//  - lstrip_blocks: spaces/tabs before a {% or {# that starts a line are removed (not for {{);
//  - "{%-", "{{-", "{#-" strip all whitespace before the tag, "-%}", "-}}", "-#}" all after it;
//    "{%+" disables lstrip_blocks and "+%}" disables trim_blocks for that tag;
//  - {# comments #} vanish; {% raw %}...{% endraw %} is literal text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"

namespace pw::chat {

enum class TokenType {
  Data,
  VariableBegin,
  VariableEnd,
  BlockBegin,
  BlockEnd,
  Name,
  String,
  Integer,
  Float,
  Operator,
  Eof
};

struct Token {
  TokenType type = TokenType::Eof;
  std::string text;        // Data text, Name, Operator, or the decoded String value
  int64_t int_value = 0;   // Integer
  double float_value = 0;  // Float
  int line = 1;            // 1-based, in the template text
  int column = 1;          // 1-based, in code points
};

struct LexedTemplate {
  std::vector<Token> tokens;  // always ends with Eof
};

pw::Result<LexedTemplate> lex_template(std::string_view source);

// "line 3, column 7: message" as a Corrupt error about the chat template.
pw::Error template_syntax_error(int line, int column, const std::string& message);

}  // namespace pw::chat
