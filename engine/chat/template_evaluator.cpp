#include "engine/chat/template_evaluator.h"

#include <cmath>
#include <limits>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"
#include "engine/chat/utf8_text.h"

namespace pw::chat {

namespace {

pw::Error limit_error(const std::string& message) {
  return pw::Error(pw::ErrorCode::ResourceLimit, "chat template", message);
}

// Python slice index normalisation (PySlice_AdjustIndices).
void adjust_slice(int64_t length, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step,
                  int64_t& first, int64_t& end) {
  auto clamp = [&](std::optional<int64_t> v, int64_t fallback) {
    if (!v) return fallback;
    int64_t x = *v;
    if (x < 0) {
      x += length;
      if (x < 0) x = step < 0 ? -1 : 0;
    } else if (x >= length) {
      x = step < 0 ? length - 1 : length;
    }
    return x;
  };
  first = clamp(start, step < 0 ? length - 1 : 0);
  end = clamp(stop, step < 0 ? -1 : length);
}

std::vector<int64_t> slice_positions(int64_t length, std::optional<int64_t> start, std::optional<int64_t> stop,
                                     int64_t step) {
  int64_t first = 0, end = 0;
  adjust_slice(length, start, stop, step, first, end);
  std::vector<int64_t> out;
  if (step > 0) {
    for (int64_t i = first; i < end; i += step) out.push_back(i);
  } else {
    for (int64_t i = first; i > end; i += step) out.push_back(i);
  }
  return out;
}

}  // namespace

class Evaluator::DepthGuard {
 public:
  explicit DepthGuard(Evaluator& ev) : ev_(ev) { ++ev_.depth_; }
  ~DepthGuard() { --ev_.depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  pw::Status check() const {
    if (ev_.depth_ > ev_.limits_.max_depth) {
      return limit_error("template recursion goes deeper than " + std::to_string(ev_.limits_.max_depth) + " levels");
    }
    return {};
  }

 private:
  Evaluator& ev_;
};

// ---------------------------------------------------------------- services

pw::Status Evaluator::charge(uint64_t units) {
  if (!meter_.charge(units)) return meter_.error();
  return {};
}

pw::Error Evaluator::error(const std::string& message) {
  return pw::Error(pw::ErrorCode::Corrupt, "chat template", message);
}

pw::Error Evaluator::undefined_error(const Value& undefined) { return error(undefined.undefined_message()); }

pw::Result<Value> Evaluator::call(const Value& callee, CallArgs& args) {
  if (callee.is_undefined()) return undefined_error(callee);
  if (!callee.is_function()) return error("'" + callee.type_name() + "' object is not callable");
  DepthGuard guard(*this);
  PW_TRY(guard.check());
  PW_TRY(charge(1));
  return callee.function().call(*this, args);
}

// ---------------------------------------------------------------- rendering

pw::Result<std::string> Evaluator::render(const Program& program,
                                          std::vector<std::pair<std::string, Value>> variables) {
  auto globals = std::make_shared<Scope>();
  for (auto& [name, value] : builtin_globals()) globals->vars[name] = std::move(value);
  auto top = std::make_shared<Scope>();
  top->parent = globals;
  for (auto& [name, value] : variables) top->vars[name] = std::move(value);
  std::string out;
  out_ = &out;
  auto flow = exec_body(program.body, top);
  out_ = nullptr;
  if (!flow) {
    const pw::Error& e = flow.error();
    if (e.code() == pw::ErrorCode::Corrupt && line_ > 0 && e.message().rfind("line ", 0) != 0) {
      return pw::Error(e.code(), e.subject(), "line " + std::to_string(line_) + ": " + e.message());
    }
    return e;
  }
  return out;
}

pw::Result<Evaluator::Flow> Evaluator::exec_body(const Body& body, const ScopePtr& scope) {
  for (const auto& s : body) {
    PW_CHAT_ASSIGN(Flow f, exec(*s, scope));
    if (f != Flow::Normal) return f;
  }
  return Flow::Normal;
}

pw::Result<std::string> Evaluator::capture(const Body& body, const ScopePtr& scope) {
  std::string buffer;
  std::string* saved = out_;
  out_ = &buffer;
  auto flow = exec_body(body, scope);
  out_ = saved;
  if (!flow) return flow.error();
  return buffer;
}

pw::Status Evaluator::assign(const std::vector<std::string>& targets, const Value& value, Scope& scope) {
  if (targets.size() == 1) {
    scope.vars[targets[0]] = value;
    return {};
  }
  PW_CHAT_ASSIGN(std::vector<Value> items, iterate(value));
  if (items.size() != targets.size()) {
    return error(items.size() > targets.size()
                     ? "too many values to unpack (expected " + std::to_string(targets.size()) + ")"
                     : "not enough values to unpack (expected " + std::to_string(targets.size()) + ", got " +
                           std::to_string(items.size()) + ")");
  }
  for (size_t i = 0; i < targets.size(); ++i) scope.vars[targets[i]] = std::move(items[i]);
  return {};
}

pw::Result<Value> Evaluator::apply_filter_chain(const std::vector<ExprPtr>& filters, Value v, const ScopePtr& scope) {
  for (const auto& f : filters) {
    CallArgs args;
    PW_TRY(eval_args(*f, 1, scope, args));
    PW_CHAT_ASSIGN(v, apply_filter(*this, f->name, v, args));
  }
  return v;
}

Value Evaluator::make_macro(const Stmt& s, const ScopePtr& closure, size_t first_param) {
  // A weak reference: the scope holds the macro, so a strong one would be a cycle.
  std::weak_ptr<Scope> weak = closure;
  const Stmt* stmt = &s;
  return Value::function(s.targets[0], [stmt, weak, first_param](Evaluator& ev, CallArgs& args) -> pw::Result<Value> {
    ScopePtr scope = weak.lock();
    if (!scope) return error("macro '" + stmt->targets[0] + "' called after its scope ended");
    return ev.call_macro(*stmt, first_param, scope, args);
  });
}

pw::Result<Value> Evaluator::call_macro(const Stmt& s, size_t first_param, const ScopePtr& closure, CallArgs& args) {
  auto scope = std::make_shared<Scope>();
  scope->parent = closure;
  const size_t n = s.targets.size() - first_param;
  std::vector<bool> bound(n, false);
  std::vector<Value> varargs;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    if (i < n) {
      scope->vars[s.targets[first_param + i]] = args.positional[i];
      bound[i] = true;
    } else {
      varargs.push_back(args.positional[i]);
    }
  }
  auto kwargs = std::make_shared<DictData>();
  for (auto& [key, value] : args.keyword) {
    size_t i = 0;
    while (i < n && s.targets[first_param + i] != key) ++i;
    if (i < n) {
      if (bound[i]) return error("macro '" + s.targets[0] + "' got multiple values for argument '" + key + "'");
      scope->vars[key] = value;
      bound[i] = true;
    } else if (key == "caller") {
      scope->vars["caller"] = value;
    } else {
      kwargs->set(key, value);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (bound[i]) continue;
    const std::string& name = s.targets[first_param + i];
    if (s.defaults[i]) {
      PW_CHAT_ASSIGN(scope->vars[name], eval(*s.defaults[i], scope));
    } else {
      scope->vars[name] = Value::undefined("parameter '" + name + "' was not provided");
    }
  }
  scope->vars["varargs"] = Value::list(std::move(varargs), /*tuple=*/true);
  scope->vars["kwargs"] = Value::dict(kwargs);
  PW_CHAT_ASSIGN(std::string text, capture(s.body, scope));
  return make_string(std::move(text));
}

pw::Result<Evaluator::Flow> Evaluator::exec(const Stmt& s, const ScopePtr& scope) {
  DepthGuard guard(*this);
  PW_TRY(guard.check());
  PW_TRY(charge(1));
  line_ = s.line;
  switch (s.kind) {
    case StmtKind::Text: PW_TRY(emit(s.text)); break;
    case StmtKind::Output: {
      PW_CHAT_ASSIGN(Value v, eval(*s.expr, scope));
      if (!v.is_undefined()) {
        PW_CHAT_ASSIGN(std::string text, str(v));
        PW_TRY(emit(text));
      }
      break;
    }
    case StmtKind::If:
      for (const auto& [condition, body] : s.branches) {
        PW_CHAT_ASSIGN(Value c, eval(*condition, scope));
        if (c.truthy()) return exec_body(body, scope);
      }
      return exec_body(s.else_body, scope);
    case StmtKind::For: return exec_for(s, scope);
    case StmtKind::Set: {
      PW_CHAT_ASSIGN(Value v, eval(*s.expr, scope));
      PW_TRY(assign(s.targets, v, *scope));
      break;
    }
    case StmtKind::SetAttr: PW_TRY(exec_set_attr(s, scope)); break;
    case StmtKind::SetBlock: {
      auto inner = std::make_shared<Scope>();
      inner->parent = scope;
      PW_CHAT_ASSIGN(std::string text, capture(s.body, inner));
      PW_CHAT_ASSIGN(Value v, make_string(std::move(text)));
      PW_CHAT_ASSIGN(v, apply_filter_chain(s.filters, std::move(v), scope));
      scope->vars[s.targets[0]] = std::move(v);
      break;
    }
    case StmtKind::Macro: scope->vars[s.targets[0]] = make_macro(s, scope, 1); break;
    case StmtKind::CallBlock: {
      Value caller = make_macro(s, scope, 1);
      PW_CHAT_ASSIGN(Value callee, eval(*s.expr->operands[0], scope));
      CallArgs args;
      PW_TRY(eval_args(*s.expr, 1, scope, args));
      args.keyword.emplace_back("caller", std::move(caller));
      PW_CHAT_ASSIGN(Value result, call(callee, args));
      PW_CHAT_ASSIGN(std::string text, str(result));
      PW_TRY(emit(text));
      break;
    }
    case StmtKind::FilterBlock: {
      auto inner = std::make_shared<Scope>();
      inner->parent = scope;
      PW_CHAT_ASSIGN(std::string text, capture(s.body, inner));
      PW_CHAT_ASSIGN(Value v, apply_filter_chain(s.filters, Value(std::move(text)), scope));
      PW_CHAT_ASSIGN(std::string shown, str(v));
      PW_TRY(emit(shown));
      break;
    }
    case StmtKind::With: {
      auto inner = std::make_shared<Scope>();
      inner->parent = scope;
      for (size_t i = 0; i < s.targets.size(); ++i) {
        PW_CHAT_ASSIGN(inner->vars[s.targets[i]], eval(*s.values[i], scope));
      }
      return exec_body(s.body, inner);
    }
    case StmtKind::Scope: return exec_body(s.body, scope);
    case StmtKind::Break: return Flow::Break;
    case StmtKind::Continue: return Flow::Continue;
  }
  return Flow::Normal;
}

pw::Status Evaluator::exec_set_attr(const Stmt& s, const ScopePtr& scope) {
  Value target = lookup(s.targets[0], scope);
  if (!target.is_namespace()) {
    return error("cannot assign attribute on non-namespace object '" + s.targets[0] + "'");
  }
  PW_CHAT_ASSIGN(Value v, eval(*s.expr, scope));
  // Namespaces are the only mutable values; keeping them out of each other rules out cycles.
  if (holds_namespace(v)) return error("a namespace attribute cannot hold a namespace");
  if (value_depth(v) + 1 > kMaxValueDepth) {
    return limit_error("values nest deeper than " + std::to_string(kMaxValueDepth) + " levels");
  }
  target.dict().set(s.targets[1], std::move(v));
  return {};
}

pw::Result<Evaluator::Flow> Evaluator::exec_for(const Stmt& s, const ScopePtr& scope) {
  PW_CHAT_ASSIGN(Value iterable, eval(*s.expr, scope));
  PW_CHAT_ASSIGN(std::vector<Value> items, iterate(iterable));
  if (s.condition) {
    std::vector<Value> kept;
    for (auto& item : items) {
      PW_TRY(count_iteration());
      auto test_scope = std::make_shared<Scope>();
      test_scope->parent = scope;
      PW_TRY(assign(s.targets, item, *test_scope));
      PW_CHAT_ASSIGN(Value c, eval(*s.condition, test_scope));
      if (c.truthy()) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    auto inner = std::make_shared<Scope>();
    inner->parent = scope;
    PW_CHAT_ASSIGN(Flow f, exec_body(s.else_body, inner));
    (void)f;
    return Flow::Normal;
  }
  const auto n = static_cast<int64_t>(items.size());
  auto last_changed = std::make_shared<std::optional<Value>>();
  for (int64_t i = 0; i < n; ++i) {
    PW_TRY(count_iteration());
    auto inner = std::make_shared<Scope>();  // one scope per iteration: sets do not leak
    inner->parent = scope;
    PW_TRY(assign(s.targets, items[static_cast<size_t>(i)], *inner));
    auto loop = std::make_shared<DictData>();
    loop->set("index", Value(i + 1));
    loop->set("index0", Value(i));
    loop->set("revindex", Value(n - i));
    loop->set("revindex0", Value(n - i - 1));
    loop->set("first", Value(i == 0));
    loop->set("last", Value(i == n - 1));
    loop->set("length", Value(n));
    loop->set("depth", Value(int64_t{1}));
    loop->set("depth0", Value(int64_t{0}));
    loop->set("previtem", i > 0 ? items[static_cast<size_t>(i - 1)] : Value::undefined("there is no previous item"));
    loop->set("nextitem", i + 1 < n ? items[static_cast<size_t>(i + 1)] : Value::undefined("there is no next item"));
    loop->set("cycle", Value::function("cycle", [i](Evaluator&, CallArgs& args) -> pw::Result<Value> {
                if (args.positional.empty()) return error("no items for cycling given");
                return args.positional[static_cast<size_t>(i) % args.positional.size()];
              }));
    loop->set("changed", Value::function("changed", [last_changed](Evaluator& ev, CallArgs& args) -> pw::Result<Value> {
                Value now = Value::list(args.positional);
                if (last_changed->has_value()) {
                  PW_CHAT_ASSIGN(bool same, values_equal(**last_changed, now, ev.meter()));
                  if (same) return Value(false);
                }
                *last_changed = now;
                return Value(true);
              }));
    inner->vars["loop"] = Value::dict(loop);
    PW_CHAT_ASSIGN(Flow f, exec_body(s.body, inner));
    if (f == Flow::Break) break;
  }
  return Flow::Normal;
}

// ---------------------------------------------------------------- expressions

pw::Status Evaluator::eval_args(const Expr& e, size_t first, const ScopePtr& scope, CallArgs& args) {
  for (size_t i = first; i < e.operands.size(); ++i) {
    PW_CHAT_ASSIGN(Value v, eval(*e.operands[i], scope));
    args.positional.push_back(std::move(v));
  }
  for (const auto& [name, expr] : e.kwargs) {
    PW_CHAT_ASSIGN(Value v, eval(*expr, scope));
    args.keyword.emplace_back(name, std::move(v));
  }
  return {};
}

pw::Result<Value> Evaluator::eval(const Expr& e, const ScopePtr& scope) {
  DepthGuard guard(*this);
  PW_TRY(guard.check());
  PW_TRY(charge(1));
  line_ = e.line;
  return eval_inner(e, scope);
}

pw::Result<Value> Evaluator::eval_slice(const Expr& e, const ScopePtr& scope) {
  PW_CHAT_ASSIGN(Value object, eval(*e.operands[0], scope));
  std::optional<int64_t> bounds[3];
  for (int k = 0; k < 3; ++k) {
    const ExprPtr& b = e.operands[static_cast<size_t>(k) + 1];
    if (!b) continue;
    PW_CHAT_ASSIGN(Value v, eval(*b, scope));
    if (v.is_none()) continue;
    if (!v.is_int() && !v.is_bool()) return error("slice indices must be integers or None");
    bounds[k] = v.as_int();
  }
  const int64_t step = bounds[2].value_or(1);
  if (step == 0) return error("slice step cannot be zero");
  if (object.is_undefined()) return undefined_error(object);
  if (object.is_list() && !object.is_generator()) {
    const auto& items = object.list().items;
    std::vector<Value> out;
    for (int64_t i : slice_positions(static_cast<int64_t>(items.size()), bounds[0], bounds[1], step)) {
      out.push_back(items[static_cast<size_t>(i)]);
    }
    return make_list(std::move(out), object.list().is_tuple);
  }
  if (object.is_string()) {
    const std::string& s = object.as_string();
    const auto cuts = utf8::boundaries(s);
    std::string out;
    for (int64_t i : slice_positions(static_cast<int64_t>(cuts.size()) - 1, bounds[0], bounds[1], step)) {
      out.append(s, cuts[static_cast<size_t>(i)], cuts[static_cast<size_t>(i) + 1] - cuts[static_cast<size_t>(i)]);
    }
    return make_string(std::move(out));
  }
  return Value::undefined("'" + object.object_description() + "' cannot be sliced");
}

pw::Result<Value> Evaluator::eval_inner(const Expr& e, const ScopePtr& scope) {
  switch (e.kind) {
    case ExprKind::Literal: return e.literal;
    case ExprKind::Name: return lookup(e.name, scope);
    case ExprKind::List:
    case ExprKind::Tuple: {
      std::vector<Value> items;
      for (const auto& o : e.operands) {
        PW_CHAT_ASSIGN(Value v, eval(*o, scope));
        items.push_back(std::move(v));
      }
      return make_list(std::move(items), e.kind == ExprKind::Tuple);
    }
    case ExprKind::Dict: {
      auto data = std::make_shared<DictData>();
      for (size_t i = 0; i + 1 < e.operands.size(); i += 2) {
        PW_CHAT_ASSIGN(Value k, eval(*e.operands[i], scope));
        PW_CHAT_ASSIGN(Value v, eval(*e.operands[i + 1], scope));
        if (!data->set_key(k, std::move(v))) return error("unhashable type: '" + k.type_name() + "'");
      }
      PW_TRY(charge(data->size() + 1));
      if (data->depth > kMaxValueDepth) {
        return limit_error("values nest deeper than " + std::to_string(kMaxValueDepth) + " levels");
      }
      return Value::dict(std::move(data));
    }
    case ExprKind::GetAttr: {
      PW_CHAT_ASSIGN(Value object, eval(*e.operands[0], scope));
      return getattr(object, e.name);
    }
    case ExprKind::GetItem: {
      PW_CHAT_ASSIGN(Value object, eval(*e.operands[0], scope));
      PW_CHAT_ASSIGN(Value key, eval(*e.operands[1], scope));
      return getitem(object, key);
    }
    case ExprKind::Slice: return eval_slice(e, scope);
    case ExprKind::Call: {
      PW_CHAT_ASSIGN(Value callee, eval(*e.operands[0], scope));
      CallArgs args;
      PW_TRY(eval_args(e, 1, scope, args));
      return call(callee, args);
    }
    case ExprKind::Filter: {
      PW_CHAT_ASSIGN(Value subject, eval(*e.operands[0], scope));
      CallArgs args;
      PW_TRY(eval_args(e, 1, scope, args));
      return apply_filter(*this, e.name, subject, args);
    }
    case ExprKind::Test: {
      PW_CHAT_ASSIGN(Value subject, eval(*e.operands[0], scope));
      CallArgs args;
      PW_TRY(eval_args(e, 1, scope, args));
      PW_CHAT_ASSIGN(bool result, apply_test(*this, e.name, subject, args));
      return Value(result != e.negated);
    }
    case ExprKind::Unary: {
      PW_CHAT_ASSIGN(Value v, eval(*e.operands[0], scope));
      if (e.name == "not") return Value(!v.truthy());
      if (v.is_undefined()) return undefined_error(v);
      if (v.is_float()) return Value(e.name == "-" ? -v.as_float() : v.as_float());
      if (v.is_int() || v.is_bool()) {
        if (e.name == "+") return Value(v.as_int());
        if (v.as_int() == std::numeric_limits<int64_t>::min()) return error("integer overflow in unary '-'");
        return Value(-v.as_int());
      }
      return error("bad operand type for unary " + e.name + ": '" + v.type_name() + "'");
    }
    case ExprKind::Binary: {
      PW_CHAT_ASSIGN(Value a, eval(*e.operands[0], scope));
      if (e.name == "and") return a.truthy() ? eval(*e.operands[1], scope) : pw::Result<Value>(std::move(a));
      if (e.name == "or") return a.truthy() ? pw::Result<Value>(std::move(a)) : eval(*e.operands[1], scope);
      PW_CHAT_ASSIGN(Value b, eval(*e.operands[1], scope));
      return arithmetic(e.name, a, b);
    }
    case ExprKind::Concat: {
      std::string out;
      for (const auto& o : e.operands) {
        PW_CHAT_ASSIGN(Value v, eval(*o, scope));
        PW_CHAT_ASSIGN(std::string piece, str(v));
        if (out.size() + piece.size() > limits_.max_output_bytes) {
          return limit_error("a string grows past the size limit (" + std::to_string(limits_.max_output_bytes) +
                             " bytes)");
        }
        out += piece;
      }
      return make_string(std::move(out));
    }
    case ExprKind::Compare: {
      PW_CHAT_ASSIGN(Value a, eval(*e.operands[0], scope));
      for (size_t i = 0; i < e.ops.size(); ++i) {
        PW_CHAT_ASSIGN(Value b, eval(*e.operands[i + 1], scope));
        PW_CHAT_ASSIGN(bool holds, compare(e.ops[i], a, b));
        if (!holds) return Value(false);
        a = std::move(b);
      }
      return Value(true);
    }
    case ExprKind::CondExpr: {
      PW_CHAT_ASSIGN(Value c, eval(*e.operands[1], scope));
      if (c.truthy()) return eval(*e.operands[0], scope);
      if (e.operands[2]) return eval(*e.operands[2], scope);
      return Value::undefined("the inline if-expression evaluated to false and no else section was defined");
    }
  }
  return error("unknown expression");
}

}  // namespace pw::chat
