// Statements of a chat template ({% if %}, {% for %}, {% set %}, ...) on top of the expression
// grammar in template_expression_parser.cpp.
#include "engine/chat/template_parser.h"

#include <algorithm>
#include <initializer_list>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_expression_parser.h"
#include "engine/chat/template_lexer.h"

namespace pw::chat {

namespace {

class StatementParser : public ExpressionParser {
 public:
  using ExpressionParser::ExpressionParser;

  pw::Result<std::shared_ptr<const Program>> run() {
    auto program = std::make_shared<Program>();
    PW_CHAT_ASSIGN(program->body, subparse({}));
    if (cur().type != TokenType::Eof) return fail(cur(), "unexpected " + describe_token(cur()));
    return std::shared_ptr<const Program>(std::move(program));
  }

 private:
  // ---- statements ----

  // Parses template data and tags until a block tag whose name is in `end_names` (left current).
  pw::Result<Body> subparse(std::initializer_list<const char*> end_names) {
    Nest nest(nesting_);
    PW_TRY(check_nesting());
    Body body;
    while (cur().type != TokenType::Eof) {
      const Token& t = cur();
      if (t.type == TokenType::Data) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::Text;
        s->line = t.line;
        s->text = t.text;
        body.push_back(std::move(s));
        advance();
      } else if (t.type == TokenType::VariableBegin) {
        advance();
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::Output;
        s->line = t.line;
        PW_CHAT_ASSIGN(s->expr, parse_tuple(true, {}, false));
        PW_TRY(expect_type(TokenType::VariableEnd));
        body.push_back(std::move(s));
      } else if (t.type == TokenType::BlockBegin) {
        advance();
        if (cur().type == TokenType::Name &&
            std::any_of(end_names.begin(), end_names.end(), [&](const char* n) { return cur().text == n; })) {
          return body;
        }
        PW_CHAT_ASSIGN(StmtPtr s, parse_statement());
        body.push_back(std::move(s));
      } else {
        return fail(t, "unexpected " + describe_token(t));
      }
    }
    if (end_names.size() != 0) {
      std::string want;
      for (const char* n : end_names) want += (want.empty() ? "'" : " or '") + std::string(n) + "'";
      return fail(cur(), "unexpected end of template, expected " + want);
    }
    return body;
  }

  // After the header of a block statement: "%}", then the body up to one of end_names.
  pw::Result<Body> parse_block_body(std::initializer_list<const char*> end_names) {
    if (is_op(":")) advance();
    PW_TRY(expect_type(TokenType::BlockEnd));
    return subparse(end_names);
  }

  // Consumes "endX %}" (current token is the end name).
  pw::Status finish_end_tag() {
    advance();
    return expect_type(TokenType::BlockEnd);
  }

  pw::Result<StmtPtr> parse_statement() {
    const Token tag = cur();
    if (tag.type != TokenType::Name) return fail(tag, "tag name expected");
    const std::string& n = tag.text;
    if (n == "if") return parse_if();
    if (n == "for") return parse_for();
    if (n == "set") return parse_set();
    if (n == "macro") return parse_macro();
    if (n == "call") return parse_call_block();
    if (n == "filter") return parse_filter_block();
    if (n == "with") return parse_with();
    if (n == "generation") return parse_scope("endgeneration");
    if (n == "print") {
      advance();
      auto s = std::make_unique<Stmt>();
      s->kind = StmtKind::Output;
      s->line = tag.line;
      PW_CHAT_ASSIGN(s->expr, parse_tuple(true, {}, false));
      PW_TRY(expect_type(TokenType::BlockEnd));
      return s;
    }
    if (n == "break" || n == "continue") {
      if (loop_depth_ == 0) return fail(tag, "'" + n + "' outside of a loop");
      advance();
      PW_TRY(expect_type(TokenType::BlockEnd));
      auto s = std::make_unique<Stmt>();
      s->kind = n == "break" ? StmtKind::Break : StmtKind::Continue;
      s->line = tag.line;
      return s;
    }
    if (name_in(n, {"include", "extends", "import", "from", "block", "autoescape", "do"})) {
      return fail(tag, "'" + n + "' is not supported in chat templates");
    }
    return fail(tag, "encountered unknown tag '" + n + "'");
  }

  pw::Result<StmtPtr> parse_if() {
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::If;
    s->line = cur().line;
    advance();
    while (true) {
      PW_CHAT_ASSIGN(ExprPtr cond, parse_tuple(false, {}, false));
      PW_CHAT_ASSIGN(Body body, parse_block_body({"elif", "else", "endif"}));
      s->branches.emplace_back(std::move(cond), std::move(body));
      if (is_name("elif")) {
        advance();
        continue;
      }
      if (is_name("else")) {
        advance();
        PW_CHAT_ASSIGN(s->else_body, parse_block_body({"endif"}));
      }
      PW_TRY(finish_end_tag());
      return s;
    }
  }

  // Names to assign: "x", "a, b" or "(a, b)".
  pw::Result<std::vector<std::string>> parse_target_names(const char* end_name) {
    std::vector<std::string> names;
    const bool paren = is_op("(");
    if (paren) advance();
    while (true) {
      if (cur().type != TokenType::Name ||
          name_in(cur().text, {"in", "true", "false", "none", "True", "False", "None"})) {
        return fail(cur(), "can't assign to " + describe_token(cur()));
      }
      names.push_back(cur().text);
      advance();
      if (!is_op(",")) break;
      advance();
      if ((paren && is_op(")")) || (!paren && end_name && is_name(end_name))) break;
    }
    if (paren) PW_TRY(expect_op(")"));
    return names;
  }

  pw::Result<StmtPtr> parse_for() {
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::For;
    s->line = cur().line;
    advance();
    PW_CHAT_ASSIGN(s->targets, parse_target_names("in"));
    if (!is_name("in")) return fail(cur(), "expected 'in', got " + describe_token(cur()));
    advance();
    PW_CHAT_ASSIGN(s->expr, parse_tuple(false, {"recursive"}, false));
    if (is_name("if")) {
      advance();
      PW_CHAT_ASSIGN(s->condition, parse_expression(true));
    }
    if (is_name("recursive")) return fail(cur(), "recursive loops are not supported in chat templates");
    ++loop_depth_;
    auto body = parse_block_body({"endfor", "else"});
    --loop_depth_;
    if (!body) return body.error();
    s->body = std::move(*body);
    if (is_name("else")) {
      advance();
      PW_CHAT_ASSIGN(s->else_body, parse_block_body({"endfor"}));
    }
    PW_TRY(finish_end_tag());
    return s;
  }

  pw::Result<StmtPtr> parse_set() {
    auto s = std::make_unique<Stmt>();
    s->line = cur().line;
    advance();
    if (cur().type == TokenType::Name && is_op(".", 1)) {  // namespace attribute: set ns.attr = value
      s->kind = StmtKind::SetAttr;
      s->targets.push_back(cur().text);
      advance();
      advance();
      PW_CHAT_ASSIGN(std::string attr, expect_name());
      s->targets.push_back(attr);
      PW_TRY(expect_op("="));
      PW_CHAT_ASSIGN(s->expr, parse_tuple(true, {}, false));
      PW_TRY(expect_type(TokenType::BlockEnd));
      return s;
    }
    PW_CHAT_ASSIGN(s->targets, parse_target_names(nullptr));
    if (is_op("=")) {
      s->kind = StmtKind::Set;
      advance();
      PW_CHAT_ASSIGN(s->expr, parse_tuple(true, {}, false));
      PW_TRY(expect_type(TokenType::BlockEnd));
      return s;
    }
    if (s->targets.size() != 1) return fail(cur(), "expected '='");
    s->kind = StmtKind::SetBlock;
    if (is_op("|")) {
      PW_CHAT_ASSIGN(s->filters, parse_filter_chain());
    }
    PW_CHAT_ASSIGN(s->body, parse_block_body({"endset"}));
    PW_TRY(finish_end_tag());
    return s;
  }

  // "(a, b=1, c='x')" of a macro or call block: names into targets, defaults alongside.
  pw::Status parse_signature(Stmt& s) {
    PW_TRY(expect_op("("));
    bool first = true;
    while (!is_op(")")) {
      if (!first) {
        PW_TRY(expect_op(","));
        if (is_op(")")) break;
      }
      first = false;
      PW_CHAT_ASSIGN(std::string name, expect_name());
      s.targets.push_back(name);
      if (is_op("=")) {
        advance();
        PW_CHAT_ASSIGN(ExprPtr d, parse_expression(true));
        s.defaults.push_back(std::move(d));
      } else {
        const bool earlier_default =
            std::any_of(s.defaults.begin(), s.defaults.end(), [](const ExprPtr& p) { return p != nullptr; });
        if (earlier_default) return fail(cur(), "non-default argument follows default argument");
        s.defaults.push_back(nullptr);
      }
    }
    advance();
    return {};
  }

  pw::Result<StmtPtr> parse_macro() {
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::Macro;
    s->line = cur().line;
    advance();
    PW_CHAT_ASSIGN(std::string name, expect_name());
    s->targets.push_back(name);
    PW_TRY(parse_signature(*s));
    const int saved_loops = loop_depth_;
    loop_depth_ = 0;
    auto body = parse_block_body({"endmacro"});
    loop_depth_ = saved_loops;
    if (!body) return body.error();
    s->body = std::move(*body);
    PW_TRY(finish_end_tag());
    return s;
  }

  pw::Result<StmtPtr> parse_call_block() {
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::CallBlock;
    s->line = cur().line;
    advance();
    s->targets.push_back("caller");
    if (is_op("(")) PW_TRY(parse_signature(*s));
    PW_CHAT_ASSIGN(s->expr, parse_expression(true));
    if (s->expr->kind != ExprKind::Call) return fail(cur(), "expected a macro call after 'call'");
    const int saved_loops = loop_depth_;
    loop_depth_ = 0;
    auto body = parse_block_body({"endcall"});
    loop_depth_ = saved_loops;
    if (!body) return body.error();
    s->body = std::move(*body);
    PW_TRY(finish_end_tag());
    return s;
  }

  pw::Result<StmtPtr> parse_filter_block() {
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::FilterBlock;
    s->line = cur().line;
    PW_CHAT_ASSIGN(s->filters, parse_filter_chain());  // current token "filter" acts as the first '|'
    PW_CHAT_ASSIGN(s->body, parse_block_body({"endfilter"}));
    PW_TRY(finish_end_tag());
    return s;
  }

  pw::Result<StmtPtr> parse_with() {
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::With;
    s->line = cur().line;
    advance();
    while (cur().type != TokenType::BlockEnd) {
      if (!s->targets.empty()) PW_TRY(expect_op(","));
      PW_CHAT_ASSIGN(std::string name, expect_name());
      PW_TRY(expect_op("="));
      PW_CHAT_ASSIGN(ExprPtr v, parse_expression(true));
      s->targets.push_back(name);
      s->values.push_back(std::move(v));
    }
    PW_CHAT_ASSIGN(s->body, parse_block_body({"endwith"}));
    PW_TRY(finish_end_tag());
    return s;
  }

  pw::Result<StmtPtr> parse_scope(const char* end_name) {
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::Scope;
    s->line = cur().line;
    advance();
    PW_CHAT_ASSIGN(s->body, parse_block_body({end_name}));
    PW_TRY(finish_end_tag());
    return s;
  }

  // "|f1(args)|f2" (or "filter f1|f2" with the current token standing for the first '|').
  pw::Result<std::vector<ExprPtr>> parse_filter_chain() {
    std::vector<ExprPtr> chain;
    do {
      advance();  // '|' or 'filter'
      PW_CHAT_ASSIGN(ExprPtr f, parse_filter_call(nullptr));
      chain.push_back(std::move(f));
    } while (is_op("|"));
    return chain;
  }

  int loop_depth_ = 0;  // for-loops around the current statement (break/continue need one)
};

}  // namespace

pw::Result<std::shared_ptr<const Program>> parse_template(std::string_view source) {
  PW_CHAT_ASSIGN(LexedTemplate lexed, lex_template(source));
  return StatementParser(std::move(lexed.tokens)).run();
}

}  // namespace pw::chat
