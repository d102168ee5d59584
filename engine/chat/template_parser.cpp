#include "engine/chat/template_parser.h"

#include <algorithm>
#include <initializer_list>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"
#include "engine/chat/template_lexer.h"

namespace pw::chat {

namespace {

bool in_list(const std::string& s, std::initializer_list<const char*> names) {
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

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  pw::Result<std::shared_ptr<const Program>> run() {
    auto program = std::make_shared<Program>();
    PW_CHAT_ASSIGN(program->body, subparse({}));
    if (cur().type != TokenType::Eof) return fail(cur(), "unexpected " + describe_token(cur()));
    return std::shared_ptr<const Program>(std::move(program));
  }

 private:
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
    if (in_list(n, {"include", "extends", "import", "from", "block", "autoescape", "do"})) {
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
          in_list(cur().text, {"in", "true", "false", "none", "True", "False", "None"})) {
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

  // ---- expressions ----

  bool is_tuple_end(std::initializer_list<const char*> extra_end) const {
    const Token& t = cur();
    if (t.type == TokenType::VariableEnd || t.type == TokenType::BlockEnd || t.type == TokenType::Eof) return true;
    if (is_op(")")) return true;
    return t.type == TokenType::Name &&
           std::any_of(extra_end.begin(), extra_end.end(), [&](const char* n) { return t.text == n; });
  }

  // Comma-separated expressions form a tuple; a single one is returned as is.
  pw::Result<ExprPtr> parse_tuple(bool with_condexpr, std::initializer_list<const char*> extra_end,
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

  pw::Result<ExprPtr> parse_expression(bool with_condexpr) {
    Nest nest(nesting_);
    PW_TRY(check_nesting());
    return with_condexpr ? parse_condexpr() : parse_or();
  }

  pw::Result<ExprPtr> parse_condexpr() {
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

  pw::Result<ExprPtr> binary(const Token& at, const std::string& op, ExprPtr left, ExprPtr right) {
    auto e = node(ExprKind::Binary, at);
    e->name = op;
    PW_TRY(add(*e, std::move(left)));
    PW_TRY(add(*e, std::move(right)));
    return e;
  }

  pw::Result<ExprPtr> parse_or() {
    PW_CHAT_ASSIGN(ExprPtr left, parse_and());
    while (is_name("or")) {
      const Token at = cur();
      advance();
      PW_CHAT_ASSIGN(ExprPtr right, parse_and());
      PW_CHAT_ASSIGN(left, binary(at, "or", std::move(left), std::move(right)));
    }
    return left;
  }

  pw::Result<ExprPtr> parse_and() {
    PW_CHAT_ASSIGN(ExprPtr left, parse_not());
    while (is_name("and")) {
      const Token at = cur();
      advance();
      PW_CHAT_ASSIGN(ExprPtr right, parse_not());
      PW_CHAT_ASSIGN(left, binary(at, "and", std::move(left), std::move(right)));
    }
    return left;
  }

  pw::Result<ExprPtr> parse_not() {
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

  pw::Result<ExprPtr> parse_compare() {
    const Token start = cur();
    PW_CHAT_ASSIGN(ExprPtr first, parse_math1());
    ExprPtr cmp;
    while (true) {
      std::string op;
      if (cur().type == TokenType::Operator && in_list(cur().text, {"==", "!=", "<", "<=", ">", ">="})) {
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

  pw::Result<ExprPtr> parse_math1() {
    PW_CHAT_ASSIGN(ExprPtr left, parse_concat());
    while (is_op("+") || is_op("-")) {
      const Token at = cur();
      advance();
      PW_CHAT_ASSIGN(ExprPtr right, parse_concat());
      PW_CHAT_ASSIGN(left, binary(at, at.text, std::move(left), std::move(right)));
    }
    return left;
  }

  pw::Result<ExprPtr> parse_concat() {
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

  pw::Result<ExprPtr> parse_math2() {
    PW_CHAT_ASSIGN(ExprPtr left, parse_pow());
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token at = cur();
      advance();
      PW_CHAT_ASSIGN(ExprPtr right, parse_pow());
      PW_CHAT_ASSIGN(left, binary(at, at.text, std::move(left), std::move(right)));
    }
    return left;
  }

  pw::Result<ExprPtr> parse_pow() {
    PW_CHAT_ASSIGN(ExprPtr left, parse_unary(true));
    while (is_op("**")) {
      const Token at = cur();
      advance();
      PW_CHAT_ASSIGN(ExprPtr right, parse_unary(true));
      PW_CHAT_ASSIGN(left, binary(at, "**", std::move(left), std::move(right)));
    }
    return left;
  }

  pw::Result<ExprPtr> parse_unary(bool with_filter) {
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

  pw::Result<ExprPtr> parse_primary() {
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

  pw::Result<ExprPtr> parse_list() {
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

  pw::Result<ExprPtr> parse_dict() {
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

  pw::Result<ExprPtr> parse_postfix(ExprPtr e) {
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

  pw::Result<ExprPtr> parse_subscript(ExprPtr object) {
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
  pw::Result<ExprPtr> parse_subscribed() {
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
  pw::Status parse_call_args(Expr& e) {
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

  pw::Result<ExprPtr> parse_call(ExprPtr callee) {
    auto e = node(ExprKind::Call, cur());
    PW_TRY(add(*e, std::move(callee)));
    PW_TRY(parse_call_args(*e));
    return e;
  }

  pw::Result<std::string> dotted_name() {
    PW_CHAT_ASSIGN(std::string name, expect_name());
    while (is_op(".") && peek().type == TokenType::Name) {
      advance();
      name += "." + cur().text;
      advance();
    }
    return name;
  }

  // After '|' (already consumed): name[.name](args); subject may be null (filter blocks).
  pw::Result<ExprPtr> parse_filter_call(ExprPtr subject) {
    auto f = node(ExprKind::Filter, cur());
    PW_CHAT_ASSIGN(f->name, dotted_name());
    if (!is_known_filter(f->name))
      return template_syntax_error(f->line, f->column, "no filter named '" + f->name + "'");
    PW_TRY(add(*f, std::move(subject)));
    if (is_op("(")) PW_TRY(parse_call_args(*f));
    return f;
  }

  pw::Result<ExprPtr> parse_filter_expr(ExprPtr e) {
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

  pw::Result<ExprPtr> parse_test(ExprPtr subject) {
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
      if (arg_start && !(t.type == TokenType::Name && in_list(t.text, {"else", "or", "and"}))) {
        if (is_name("is")) return fail(t, "you cannot chain multiple tests with is");
        PW_CHAT_ASSIGN(ExprPtr arg, parse_primary());
        PW_CHAT_ASSIGN(arg, parse_postfix(std::move(arg)));
        PW_TRY(add(*test, std::move(arg)));
      }
    }
    return test;
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  int nesting_ = 0;
  int loop_depth_ = 0;
};

}  // namespace

pw::Result<std::shared_ptr<const Program>> parse_template(std::string_view source) {
  PW_CHAT_ASSIGN(LexedTemplate lexed, lex_template(source));
  return Parser(std::move(lexed.tokens)).run();
}

}  // namespace pw::chat
