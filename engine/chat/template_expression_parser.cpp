// Jinja's expression grammar (see template_expression_parser.h).
#include "engine/chat/template_expression_parser.h"

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"

namespace pw::chat {

bool name_in(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

std::string describe_token(const Token& t) {
  switch (t.type) {
    case TokenType::Data: return "template data";
    case TokenType::VariableBegin: return "'{{'";
    case TokenType::VariableEnd: return "end of print statement";
    case TokenType::BlockBegin: return "'{%'";
    case TokenType::BlockEnd: return "end of statement block";
    case TokenType::Name:
    case TokenType::Operator:
    case TokenType::Integer:
    case TokenType::Float: return "'" + t.text + "'";
    case TokenType::String: return "string literal";
    case TokenType::Eof: return "end of template";
  }
  return "token";
}

bool ExpressionParser::is_tuple_end(std::initializer_list<const char*> extra_end) const {
  const Token& t = cur();
  if (t.type == TokenType::VariableEnd || t.type == TokenType::BlockEnd || t.type == TokenType::Eof) return true;
  if (is_op(")")) return true;
  return t.type == TokenType::Name &&
         std::any_of(extra_end.begin(), extra_end.end(), [&](const char* n) { return t.text == n; });
}

// Comma-separated expressions form a tuple; a single one is returned as is.
pw::Result<ExprPtr> ExpressionParser::parse_tuple(bool with_condexpr, std::initializer_list<const char*> extra_end,
                                                  bool explicit_parens) {
  const Token start = cur();
  auto tuple = node(ExprKind::Tuple, start);
  bool is_tuple = false;
  while (true) {
    if (!tuple->operands.empty()) PW_TRY(expect_op(","));
    if (is_tuple_end(extra_end)) break;
    PW_CHAT_ASSIGN(ExprPtr e, parse_expression(with_condexpr));
    PW_TRY(add(*tuple, std::move(e)));
    if (is_op(",")) {
      is_tuple = true;
    } else {
      break;
    }
  }
  if (!is_tuple) {
    if (!tuple->operands.empty()) return std::move(tuple->operands[0]);
    if (!explicit_parens) return fail(cur(), "expected an expression, got " + describe_token(cur()));
  }
  return tuple;
}

pw::Result<ExprPtr> ExpressionParser::parse_expression(bool with_condexpr) {
  Nest nest(nesting_);
  PW_TRY(check_nesting());
  return with_condexpr ? parse_condexpr() : parse_or();
}

pw::Result<ExprPtr> ExpressionParser::parse_condexpr() {
  const Token start = cur();
  PW_CHAT_ASSIGN(ExprPtr expr1, parse_or());
  while (is_name("if")) {
    advance();
    PW_CHAT_ASSIGN(ExprPtr cond, parse_or());
    ExprPtr otherwise;
    if (is_name("else")) {
      advance();
      Nest nest(nesting_);
      PW_TRY(check_nesting());
      PW_CHAT_ASSIGN(otherwise, parse_condexpr());
    }
    auto e = node(ExprKind::CondExpr, start);
    PW_TRY(add(*e, std::move(expr1)));
    PW_TRY(add(*e, std::move(cond)));
    PW_TRY(add(*e, std::move(otherwise)));
    expr1 = std::move(e);
  }
  return expr1;
}

pw::Result<ExprPtr> ExpressionParser::binary(const Token& at, const std::string& op, ExprPtr left, ExprPtr right) {
  auto e = node(ExprKind::Binary, at);
  e->name = op;
  PW_TRY(add(*e, std::move(left)));
  PW_TRY(add(*e, std::move(right)));
  return e;
}

pw::Result<ExprPtr> ExpressionParser::parse_or() {
  PW_CHAT_ASSIGN(ExprPtr left, parse_and());
  while (is_name("or")) {
    const Token at = cur();
    advance();
    PW_CHAT_ASSIGN(ExprPtr right, parse_and());
    PW_CHAT_ASSIGN(left, binary(at, "or", std::move(left), std::move(right)));
  }
  return left;
}

pw::Result<ExprPtr> ExpressionParser::parse_and() {
  PW_CHAT_ASSIGN(ExprPtr left, parse_not());
  while (is_name("and")) {
    const Token at = cur();
    advance();
    PW_CHAT_ASSIGN(ExprPtr right, parse_not());
    PW_CHAT_ASSIGN(left, binary(at, "and", std::move(left), std::move(right)));
  }
  return left;
}

pw::Result<ExprPtr> ExpressionParser::parse_not() {
  if (is_name("not")) {
    const Token at = cur();
    advance();
    Nest nest(nesting_);
    PW_TRY(check_nesting());
    PW_CHAT_ASSIGN(ExprPtr inner, parse_not());
    auto e = node(ExprKind::Unary, at);
    e->name = "not";
    PW_TRY(add(*e, std::move(inner)));
    return e;
  }
  return parse_compare();
}

pw::Result<ExprPtr> ExpressionParser::parse_compare() {
  const Token start = cur();
  PW_CHAT_ASSIGN(ExprPtr first, parse_math1());
  ExprPtr cmp;
  while (true) {
    std::string op;
    if (cur().type == TokenType::Operator && name_in(cur().text, {"==", "!=", "<", "<=", ">", ">="})) {
      op = cur().text;
      advance();
    } else if (is_name("in")) {
      op = "in";
      advance();
    } else if (is_name("not") && is_name("in", 1)) {
      op = "notin";
      advance();
      advance();
    } else {
      break;
    }
    if (!cmp) {
      cmp = node(ExprKind::Compare, start);
      PW_TRY(add(*cmp, std::move(first)));
    }
    PW_CHAT_ASSIGN(ExprPtr operand, parse_math1());
    cmp->ops.push_back(op);
    PW_TRY(add(*cmp, std::move(operand)));
  }
  return cmp ? std::move(cmp) : std::move(first);
}

pw::Result<ExprPtr> ExpressionParser::parse_math1() {
  PW_CHAT_ASSIGN(ExprPtr left, parse_concat());
  while (is_op("+") || is_op("-")) {
    const Token at = cur();
    advance();
    PW_CHAT_ASSIGN(ExprPtr right, parse_concat());
    PW_CHAT_ASSIGN(left, binary(at, at.text, std::move(left), std::move(right)));
  }
  return left;
}

pw::Result<ExprPtr> ExpressionParser::parse_concat() {
  const Token start = cur();
  PW_CHAT_ASSIGN(ExprPtr first, parse_math2());
  if (!is_op("~")) return first;
  auto e = node(ExprKind::Concat, start);
  PW_TRY(add(*e, std::move(first)));
  while (is_op("~")) {
    advance();
    PW_CHAT_ASSIGN(ExprPtr next, parse_math2());
    PW_TRY(add(*e, std::move(next)));
  }
  return e;
}

pw::Result<ExprPtr> ExpressionParser::parse_math2() {
  PW_CHAT_ASSIGN(ExprPtr left, parse_pow());
  while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
    const Token at = cur();
    advance();
    PW_CHAT_ASSIGN(ExprPtr right, parse_pow());
    PW_CHAT_ASSIGN(left, binary(at, at.text, std::move(left), std::move(right)));
  }
  return left;
}

pw::Result<ExprPtr> ExpressionParser::parse_pow() {
  PW_CHAT_ASSIGN(ExprPtr left, parse_unary(true));
  while (is_op("**")) {
    const Token at = cur();
    advance();
    PW_CHAT_ASSIGN(ExprPtr right, parse_unary(true));
    PW_CHAT_ASSIGN(left, binary(at, "**", std::move(left), std::move(right)));
  }
  return left;
}

pw::Result<ExprPtr> ExpressionParser::parse_unary(bool with_filter) {
  const Token at = cur();
  ExprPtr e;
  if (is_op("-") || is_op("+")) {
    advance();
    Nest nest(nesting_);
    PW_TRY(check_nesting());
    PW_CHAT_ASSIGN(ExprPtr inner, parse_unary(false));
    e = node(ExprKind::Unary, at);
    e->name = at.text;
    PW_TRY(add(*e, std::move(inner)));
  } else {
    PW_CHAT_ASSIGN(e, parse_primary());
  }
  PW_CHAT_ASSIGN(e, parse_postfix(std::move(e)));
  if (with_filter) {
    PW_CHAT_ASSIGN(e, parse_filter_expr(std::move(e)));
  }
  return e;
}

pw::Result<ExprPtr> ExpressionParser::parse_primary() {
  const Token t = cur();
  switch (t.type) {
    case TokenType::Name: {
      advance();
      auto e = node(ExprKind::Literal, t);
      if (t.text == "true" || t.text == "True") {
        e->literal = Value(true);
      } else if (t.text == "false" || t.text == "False") {
        e->literal = Value(false);
      } else if (t.text == "none" || t.text == "None") {
        e->literal = Value::none();
      } else {
        e->kind = ExprKind::Name;
        e->name = t.text;
      }
      return e;
    }
    case TokenType::String: {
      std::string s;
      while (cur().type == TokenType::String) {  // adjacent literals concatenate
        s += cur().text;
        advance();
      }
      auto e = node(ExprKind::Literal, t);
      e->literal = Value(std::move(s));
      return e;
    }
    case TokenType::Integer: {
      advance();
      auto e = node(ExprKind::Literal, t);
      e->literal = Value(t.int_value);
      return e;
    }
    case TokenType::Float: {
      advance();
      auto e = node(ExprKind::Literal, t);
      e->literal = Value(t.float_value);
      return e;
    }
    default: break;
  }
  if (is_op("(")) {
    advance();
    PW_CHAT_ASSIGN(ExprPtr e, parse_tuple(true, {}, true));
    PW_TRY(expect_op(")"));
    return e;
  }
  if (is_op("[")) return parse_list();
  if (is_op("{")) return parse_dict();
  return fail(t, "unexpected " + describe_token(t));
}

pw::Result<ExprPtr> ExpressionParser::parse_list() {
  auto e = node(ExprKind::List, cur());
  advance();
  while (!is_op("]")) {
    if (!e->operands.empty()) PW_TRY(expect_op(","));
    if (is_op("]")) break;
    PW_CHAT_ASSIGN(ExprPtr item, parse_expression(true));
    PW_TRY(add(*e, std::move(item)));
  }
  advance();
  return e;
}

pw::Result<ExprPtr> ExpressionParser::parse_dict() {
  auto e = node(ExprKind::Dict, cur());
  advance();
  while (!is_op("}")) {
    if (!e->operands.empty()) PW_TRY(expect_op(","));
    if (is_op("}")) break;
    PW_CHAT_ASSIGN(ExprPtr key, parse_expression(true));
    PW_TRY(expect_op(":"));
    PW_CHAT_ASSIGN(ExprPtr value, parse_expression(true));
    PW_TRY(add(*e, std::move(key)));
    PW_TRY(add(*e, std::move(value)));
  }
  advance();
  return e;
}

pw::Result<ExprPtr> ExpressionParser::parse_postfix(ExprPtr e) {
  while (true) {
    if (is_op(".")) {
      const Token at = cur();
      advance();
      if (cur().type == TokenType::Name) {
        auto g = node(ExprKind::GetAttr, at);
        g->name = cur().text;
        advance();
        PW_TRY(add(*g, std::move(e)));
        e = std::move(g);
      } else if (cur().type == TokenType::Integer) {
        auto key = node(ExprKind::Literal, cur());
        key->literal = Value(cur().int_value);
        advance();
        auto g = node(ExprKind::GetItem, at);
        PW_TRY(add(*g, std::move(e)));
        PW_TRY(add(*g, std::move(key)));
        e = std::move(g);
      } else {
        return fail(cur(), "expected an attribute name after '.'");
      }
    } else if (is_op("[")) {
      PW_CHAT_ASSIGN(e, parse_subscript(std::move(e)));
    } else if (is_op("(")) {
      PW_CHAT_ASSIGN(e, parse_call(std::move(e)));
    } else {
      return e;
    }
  }
}

pw::Result<ExprPtr> ExpressionParser::parse_subscript(ExprPtr object) {
  const Token at = cur();
  advance();  // '['
  std::vector<ExprPtr> keys;
  while (!is_op("]")) {
    if (!keys.empty()) {
      PW_TRY(expect_op(","));
      if (is_op("]")) break;
    }
    PW_CHAT_ASSIGN(ExprPtr k, parse_subscribed());
    keys.push_back(std::move(k));
  }
  advance();  // ']'
  if (keys.empty()) return fail(at, "expected a subscript");
  if (keys.size() == 1 && keys[0]->kind == ExprKind::Slice) {
    ExprPtr slice = std::move(keys[0]);
    slice->operands[0] = std::move(object);
    slice->depth = 1;
    for (const auto& o : slice->operands) {
      if (o) slice->depth = std::max(slice->depth, o->depth + 1);
    }
    if (slice->depth > kMaxSyntaxNesting) return fail(at, "expression nests too deep");
    return slice;
  }
  auto g = node(ExprKind::GetItem, at);
  PW_TRY(add(*g, std::move(object)));
  if (keys.size() == 1) {
    PW_TRY(add(*g, std::move(keys[0])));
  } else {
    auto tuple = node(ExprKind::Tuple, at);
    for (auto& k : keys) {
      if (k->kind == ExprKind::Slice) return fail(at, "slices inside tuple subscripts are not supported");
      PW_TRY(add(*tuple, std::move(k)));
    }
    PW_TRY(add(*g, std::move(tuple)));
  }
  return g;
}

// One subscript: an index expression or a slice "start:stop:step" (operand 0 left for the object).
pw::Result<ExprPtr> ExpressionParser::parse_subscribed() {
  const Token at = cur();
  ExprPtr start;
  if (!is_op(":")) {
    PW_CHAT_ASSIGN(start, parse_expression(true));
    if (!is_op(":")) return start;
  }
  advance();  // ':'
  auto slice = node(ExprKind::Slice, at);
  slice->operands.push_back(nullptr);
  PW_TRY(add(*slice, std::move(start)));
  ExprPtr stop, step;
  if (!is_op("]") && !is_op(",") && !is_op(":")) {
    PW_CHAT_ASSIGN(stop, parse_expression(true));
  }
  if (is_op(":")) {
    advance();
    if (!is_op("]") && !is_op(",")) {
      PW_CHAT_ASSIGN(step, parse_expression(true));
    }
  }
  PW_TRY(add(*slice, std::move(stop)));
  PW_TRY(add(*slice, std::move(step)));
  return slice;
}

// "(a, b, key=value)" appended to `e` (operands after index first_arg, and kwargs).
pw::Status ExpressionParser::parse_call_args(Expr& e) {
  PW_TRY(expect_op("("));
  bool first = true;
  while (!is_op(")")) {
    if (!first) {
      PW_TRY(expect_op(","));
      if (is_op(")")) break;
    }
    first = false;
    if (is_op("*") || is_op("**")) return fail(cur(), "*args and **kwargs in calls are not supported");
    if (cur().type == TokenType::Name && is_op("=", 1)) {
      std::string key = cur().text;
      advance();
      advance();
      PW_CHAT_ASSIGN(ExprPtr v, parse_expression(true));
      PW_TRY(add_kwarg(e, std::move(key), std::move(v)));
    } else {
      if (!e.kwargs.empty()) return fail(cur(), "positional argument follows keyword argument");
      PW_CHAT_ASSIGN(ExprPtr v, parse_expression(true));
      PW_TRY(add(e, std::move(v)));
    }
  }
  advance();
  return {};
}

pw::Result<ExprPtr> ExpressionParser::parse_call(ExprPtr callee) {
  auto e = node(ExprKind::Call, cur());
  PW_TRY(add(*e, std::move(callee)));
  PW_TRY(parse_call_args(*e));
  return e;
}

pw::Result<std::string> ExpressionParser::dotted_name() {
  PW_CHAT_ASSIGN(std::string name, expect_name());
  while (is_op(".") && peek().type == TokenType::Name) {
    advance();
    name += "." + cur().text;
    advance();
  }
  return name;
}

// After '|' (already consumed): name[.name](args); subject may be null (filter blocks).
pw::Result<ExprPtr> ExpressionParser::parse_filter_call(ExprPtr subject) {
  auto f = node(ExprKind::Filter, cur());
  PW_CHAT_ASSIGN(f->name, dotted_name());
  if (!is_known_filter(f->name)) return template_syntax_error(f->line, f->column, "no filter named '" + f->name + "'");
  PW_TRY(add(*f, std::move(subject)));
  if (is_op("(")) PW_TRY(parse_call_args(*f));
  return f;
}

pw::Result<ExprPtr> ExpressionParser::parse_filter_expr(ExprPtr e) {
  while (true) {
    if (is_op("|")) {
      advance();
      PW_CHAT_ASSIGN(e, parse_filter_call(std::move(e)));
    } else if (is_name("is")) {
      PW_CHAT_ASSIGN(e, parse_test(std::move(e)));
    } else if (is_op("(")) {
      PW_CHAT_ASSIGN(e, parse_call(std::move(e)));
    } else {
      return e;
    }
  }
}

pw::Result<ExprPtr> ExpressionParser::parse_test(ExprPtr subject) {
  auto test = node(ExprKind::Test, cur());
  advance();  // 'is'
  if (is_name("not")) {
    test->negated = true;
    advance();
  }
  PW_CHAT_ASSIGN(test->name, dotted_name());
  if (!is_known_test(test->name)) {
    return template_syntax_error(test->line, test->column, "no test named '" + test->name + "'");
  }
  PW_TRY(add(*test, std::move(subject)));
  if (is_op("(")) {
    PW_TRY(parse_call_args(*test));
  } else {
    const Token& t = cur();
    const bool arg_start = t.type == TokenType::Name || t.type == TokenType::String || t.type == TokenType::Integer ||
                           t.type == TokenType::Float || is_op("(") || is_op("[") || is_op("{");
    if (arg_start && !(t.type == TokenType::Name && name_in(t.text, {"else", "or", "and"}))) {
      if (is_name("is")) return fail(t, "you cannot chain multiple tests with is");
      PW_CHAT_ASSIGN(ExprPtr arg, parse_primary());
      PW_CHAT_ASSIGN(arg, parse_postfix(std::move(arg)));
      PW_TRY(add(*test, std::move(arg)));
    }
  }
  return test;
}

}  // namespace pw::chat
