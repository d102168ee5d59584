// Internal to the template parser: the token cursor and Jinja's expression grammar, shared with
// the statement parser in template_parser.cpp (use parse_template() from template_parser.h).
//
//   class StatementParser : public ExpressionParser {
//     ... PW_CHAT_ASSIGN(ExprPtr cond, parse_tuple(false, {}, false)); ...
//   };
//
// Grammar and precedence are Jinja2's, lowest first: `a if c else b`, or, and, not, comparisons
// (== != < <= > >= in, not in), + -, ~, * / // %, **, unary - +, then postfix (.attr, [key],
// [a:b:c], calls) and filters/tests (| name(args), is [not] name arg) binding tightest.
// Every recursion passes a Nest guard and every node records its depth, so hostile input ends
// in a "nests deeper than" error, never a stack overflow.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "engine/chat/template_ast.h"
#include "engine/chat/template_lexer.h"
#include "engine/chat/template_limits.h"
#include "engine/util/status.h"

namespace pw::chat {

bool name_in(const std::string& s, std::initializer_list<const char*> names);
std::string describe_token(const Token& t);  // for messages: "'x'", "end of statement block", ...

class ExpressionParser {
 public:
  explicit ExpressionParser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

 protected:
  // Counts parser recursion (statement and expression nesting) against kMaxSyntaxNesting.
  class Nest {
   public:
    explicit Nest(int& n) : n_(n) { ++n_; }
    ~Nest() { --n_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    int& n_;
  };

  const Token& cur() const { return t_[i_]; }
  const Token& peek(size_t n = 1) const { return t_[std::min(i_ + n, t_.size() - 1)]; }
  void advance() {
    if (i_ + 1 < t_.size()) ++i_;
  }
  bool is_op(const char* op, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.type == TokenType::Operator && t.text == op;
  }
  bool is_name(const char* name, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.type == TokenType::Name && t.text == name;
  }

  pw::Error fail(const Token& at, const std::string& message) const {
    return template_syntax_error(at.line, at.column, message);
  }
  pw::Status check_nesting() const {
    if (nesting_ > kMaxSyntaxNesting) {
      return fail(cur(), "template nests deeper than " + std::to_string(kMaxSyntaxNesting) + " levels");
    }
    return {};
  }
  pw::Status expect_op(const char* op) {
    if (!is_op(op)) return fail(cur(), std::string("expected '") + op + "', got " + describe_token(cur()));
    advance();
    return {};
  }
  pw::Status expect_type(TokenType type) {
    if (cur().type != type) {
      Token want;
      want.type = type;
      return fail(cur(), "expected " + describe_token(want) + ", got " + describe_token(cur()));
    }
    advance();
    return {};
  }
  pw::Result<std::string> expect_name() {
    if (cur().type != TokenType::Name) return fail(cur(), "expected a name, got " + describe_token(cur()));
    std::string n = cur().text;
    advance();
    return n;
  }

  ExprPtr node(ExprKind kind, const Token& at) const {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = at.line;
    e->column = at.column;
    return e;
  }
  // Adds a child, keeping `depth` so that trees stay shallow enough to walk recursively.
  pw::Status add(Expr& parent, ExprPtr child) {
    if (child) parent.depth = std::max(parent.depth, child->depth + 1);
    parent.operands.push_back(std::move(child));
    if (parent.depth > kMaxSyntaxNesting) {
      return template_syntax_error(parent.line, parent.column,
                                   "expression nests deeper than " + std::to_string(kMaxSyntaxNesting) + " levels");
    }
    return {};
  }
  pw::Status add_kwarg(Expr& parent, std::string name, ExprPtr child) {
    parent.depth = std::max(parent.depth, child->depth + 1);
    parent.kwargs.emplace_back(std::move(name), std::move(child));
    if (parent.depth > kMaxSyntaxNesting) {
      return template_syntax_error(parent.line, parent.column, "expression nests too deep");
    }
    return {};
  }

  bool is_tuple_end(std::initializer_list<const char*> extra_end) const;
  // Comma-separated expressions form a tuple; a single one is returned as is.
  pw::Result<ExprPtr> parse_tuple(bool with_condexpr, std::initializer_list<const char*> extra_end,
                                  bool explicit_parens);
  pw::Result<ExprPtr> parse_expression(bool with_condexpr);
  pw::Result<ExprPtr> parse_condexpr();
  pw::Result<ExprPtr> binary(const Token& at, const std::string& op, ExprPtr left, ExprPtr right);
  pw::Result<ExprPtr> parse_or();
  pw::Result<ExprPtr> parse_and();
  pw::Result<ExprPtr> parse_not();
  pw::Result<ExprPtr> parse_compare();
  pw::Result<ExprPtr> parse_math1();
  pw::Result<ExprPtr> parse_concat();
  pw::Result<ExprPtr> parse_math2();
  pw::Result<ExprPtr> parse_pow();
  pw::Result<ExprPtr> parse_unary(bool with_filter);
  pw::Result<ExprPtr> parse_primary();
  pw::Result<ExprPtr> parse_list();
  pw::Result<ExprPtr> parse_dict();
  pw::Result<ExprPtr> parse_postfix(ExprPtr e);
  pw::Result<ExprPtr> parse_subscript(ExprPtr object);
  // One subscript: an index expression or a slice "start:stop:step" (operand 0 left for the object).
  pw::Result<ExprPtr> parse_subscribed();
  // "(a, b, key=value)" appended to `e` (operands after index first_arg, and kwargs).
  pw::Status parse_call_args(Expr& e);
  pw::Result<ExprPtr> parse_call(ExprPtr callee);
  pw::Result<std::string> dotted_name();
  // After '|' (already consumed): name[.name](args); subject may be null (filter blocks).
  pw::Result<ExprPtr> parse_filter_call(ExprPtr subject);
  pw::Result<ExprPtr> parse_filter_expr(ExprPtr e);
  pw::Result<ExprPtr> parse_test(ExprPtr subject);

  std::vector<Token> t_;
  size_t i_ = 0;
  int nesting_ = 0;
};

}  // namespace pw::chat
