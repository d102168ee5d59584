// The syntax tree of a parsed chat template (what template_parser builds and the evaluator runs).
//
//   Expr: {{ messages[0]['role'] | upper }}  ->  Filter(name "upper", operands[0] = GetItem(GetItem(Name, 0), 'role'))
//   Stmt: {% for m in messages %}...{% endfor %}  ->  For(targets {"m"}, expr Name "messages", body ...)
//
// Nodes are plain structs with a kind tag; which fields a kind uses is listed beside it. Trees
// are at most kMaxSyntaxNesting deep (the parser refuses deeper input), so recursion over them
// - evaluating, destroying - stays shallow.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/chat/template_value.h"

namespace pw::chat {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
  Literal,   // literal
  Name,      // name
  List,      // operands = items
  Tuple,     // operands = items
  Dict,      // operands = key0, value0, key1, value1, ...
  GetAttr,   // operands[0] = object, name = attribute
  GetItem,   // operands[0] = object, operands[1] = key
  Slice,     // operands[0] = object, operands[1..3] = start, stop, step (each may be null)
  Call,      // operands[0] = callee, operands[1..] = positional args, kwargs
  Filter,    // name = filter, operands[0] = subject (null inside {% filter %}), operands[1..] = args, kwargs
  Test,      // name = test, negated, operands[0] = subject, operands[1..] = args, kwargs
  Unary,     // name = "-", "+" or "not", operands[0]
  Binary,    // name = "+", "-", "*", "/", "//", "%", "**", "and", "or"; operands[0], operands[1]
  Concat,    // operands joined with ~
  Compare,   // operands[0] compared in turn with operands[i+1] by ops[i] ("==", "!=", "<", "<=", ">", ">=", "in",
             // "notin")
  CondExpr,  // operands[0] if operands[1] else operands[2] (may be null)
};

struct Expr {
  ExprKind kind = ExprKind::Literal;
  int line = 0;
  int column = 0;
  int depth = 1;  // 1 + deepest child
  Value literal;
  std::string name;
  bool negated = false;
  std::vector<ExprPtr> operands;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class StmtKind {
  Text,         // text
  Output,       // expr
  If,           // branches (condition, body)..., else_body
  For,          // targets, expr = iterable, condition = optional filter, body, else_body
  Set,          // targets (one name, or several to unpack), expr
  SetAttr,      // targets = {namespace name, attribute}, expr
  SetBlock,     // targets = {name}, filters (Filter exprs with null subject), body
  Macro,        // targets = {name, param...}, defaults (per param, may be null), body
  CallBlock,    // expr = Call of the macro, targets = {"caller", param...}, defaults, body = caller's body
  FilterBlock,  // filters, body
  With,         // targets, values, body
  Scope,        // body: {% generation %} and other pass-through blocks
  Break,
  Continue,
};

struct Stmt {
  StmtKind kind = StmtKind::Text;
  int line = 0;
  std::string text;
  ExprPtr expr;
  ExprPtr condition;
  std::vector<std::string> targets;
  std::vector<ExprPtr> defaults;
  std::vector<ExprPtr> values;
  std::vector<ExprPtr> filters;
  std::vector<std::pair<ExprPtr, Body>> branches;
  Body body;
  Body else_body;
};

struct Program {
  Body body;
};

}  // namespace pw::chat
