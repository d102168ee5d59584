// Runs a parsed chat template: statements, expressions, scopes, macros, and every limit.
//
//   Evaluator ev(limits);
//   pw::Result<std::string> out = ev.render(*program, {{"messages", msgs}, {"bos_token", Value("<s>")}});
//
// Semantics follow Jinja2 in Hugging Face's sandbox: undefined values print as "" and are falsy
// but raise on attribute access, arithmetic or calls; {% set %} inside a for loop does not leak
// out of the iteration (namespace() exists for that); {% if %} does not open a scope; and/or
// return operands; attribute access on a dict falls back to its keys and item access to methods.
// Errors are values: raise_exception(msg) gives ErrorCode::InvalidArgument with msg as the
// message; other failures give Corrupt ("line N: ...") or ResourceLimit.
// One Evaluator renders once; it is not thread-safe (make one per render).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/chat/template_ast.h"
#include "engine/chat/template_limits.h"
#include "engine/chat/template_value.h"

namespace pw::chat {

struct Scope {
  std::shared_ptr<Scope> parent;
  std::unordered_map<std::string, Value> vars;
};
using ScopePtr = std::shared_ptr<Scope>;

class Evaluator {
 public:
  explicit Evaluator(const TemplateLimits& limits) : limits_(limits), meter_(limits.max_steps) {}

  pw::Result<std::string> render(const Program& program, std::vector<std::pair<std::string, Value>> variables);

  // ---- services for built-in filters, tests and functions ----
  const TemplateLimits& limits() const { return limits_; }
  Meter& meter() { return meter_; }
  pw::Status charge(uint64_t units);
  // A runtime error about the template (ErrorCode::Corrupt; the line is added by render()).
  static pw::Error error(const std::string& message);
  static pw::Error undefined_error(const Value& undefined);
  // A string / list value, refused when it breaks a size limit.
  pw::Result<Value> make_string(std::string s);
  pw::Result<Value> make_list(std::vector<Value> items, bool tuple = false);
  pw::Result<std::string> str(const Value& v);
  // Jinja's obj.name and obj[key].
  pw::Result<Value> getattr(const Value& object, const std::string& name);
  pw::Result<Value> getitem(const Value& object, const Value& key);
  // Python iteration: list items, dict keys, string characters; undefined is empty.
  pw::Result<std::vector<Value>> iterate(const Value& v);
  pw::Result<bool> contains(const Value& container, const Value& item);
  pw::Result<Value> call(const Value& callee, CallArgs& args);
  // Python arithmetic: + - * / // % ** (ints overflow into errors, not bigints).
  pw::Result<Value> arithmetic(const std::string& op, const Value& a, const Value& b);

 private:
  enum class Flow { Normal, Break, Continue };
  class DepthGuard;

  pw::Result<Flow> exec_body(const Body& body, const ScopePtr& scope);
  pw::Result<Flow> exec(const Stmt& s, const ScopePtr& scope);
  pw::Result<Flow> exec_for(const Stmt& s, const ScopePtr& scope);
  pw::Status exec_set_attr(const Stmt& s, const ScopePtr& scope);
  pw::Status assign(const std::vector<std::string>& targets, const Value& value, Scope& scope);
  pw::Result<std::string> capture(const Body& body, const ScopePtr& scope);
  pw::Result<Value> apply_filter_chain(const std::vector<ExprPtr>& filters, Value v, const ScopePtr& scope);
  Value make_macro(const Stmt& s, const ScopePtr& closure, size_t first_param);
  pw::Result<Value> call_macro(const Stmt& s, size_t first_param, const ScopePtr& closure, CallArgs& args);
  pw::Status emit(std::string_view text);

  pw::Result<Value> eval(const Expr& e, const ScopePtr& scope);
  pw::Result<Value> eval_inner(const Expr& e, const ScopePtr& scope);
  pw::Status eval_args(const Expr& e, size_t first, const ScopePtr& scope, CallArgs& args);
  pw::Result<Value> eval_slice(const Expr& e, const ScopePtr& scope);
  pw::Result<bool> compare(const std::string& op, const Value& a, const Value& b);
  Value lookup(const std::string& name, const ScopePtr& scope) const;
  pw::Status count_iteration();

  TemplateLimits limits_;
  Meter meter_;
  std::string* out_ = nullptr;
  int depth_ = 0;
  uint64_t iterations_ = 0;
  int line_ = 0;  // line of the statement or expression being evaluated, for error messages
};

}  // namespace pw::chat
