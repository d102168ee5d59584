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

pw::Result<Value> Evaluator::make_string(std::string s) {
  if (s.size() > limits_.max_output_bytes) {
    return limit_error("a string grows past the size limit (" + std::to_string(limits_.max_output_bytes) + " bytes)");
  }
  PW_TRY(charge(s.size() / 64 + 1));
  return Value(std::move(s));
}

pw::Result<Value> Evaluator::make_list(std::vector<Value> items, bool tuple) {
  if (items.size() > limits_.max_list_items) {
    return limit_error("a list grows past " + std::to_string(limits_.max_list_items) + " items");
  }
  PW_TRY(charge(items.size() + 1));
  Value v = Value::list(std::move(items), tuple);
  if (value_depth(v) > kMaxValueDepth) {
    return limit_error("values nest deeper than " + std::to_string(kMaxValueDepth) + " levels");
  }
  return v;
}

pw::Result<std::string> Evaluator::str(const Value& v) { return to_str(v, meter_, limits_.max_output_bytes); }

pw::Status Evaluator::emit(std::string_view text) {
  if (out_->size() + text.size() > limits_.max_output_bytes) {
    return limit_error("the rendered text grows past the output limit (" + std::to_string(limits_.max_output_bytes) +
                       " bytes)");
  }
  PW_TRY(charge(text.size() / 64));
  out_->append(text);
  return {};
}

pw::Status Evaluator::count_iteration() {
  if (++iterations_ > limits_.max_loop_iterations) {
    return limit_error("loops run more than " + std::to_string(limits_.max_loop_iterations) + " iterations");
  }
  return charge(1);
}

Value Evaluator::lookup(const std::string& name, const ScopePtr& scope) const {
  for (const Scope* s = scope.get(); s != nullptr; s = s->parent.get()) {
    auto it = s->vars.find(name);
    if (it != s->vars.end()) return it->second;
  }
  return Value::undefined("'" + name + "' is undefined");
}

pw::Result<Value> Evaluator::getattr(const Value& object, const std::string& name) {
  if (object.is_undefined()) return undefined_error(object);
  if (object.is_namespace()) {
    if (const Value* v = object.dict().find(name)) return *v;
    return Value::undefined("'Namespace object' has no attribute '" + name + "'");
  }
  if (is_unsafe_method(object, name)) {
    return Value::undefined("access to attribute '" + name + "' of '" + object.type_name() + "' object is unsafe.");
  }
  if (auto m = builtin_method(object, name)) return *m;
  if (object.is_dict()) {
    if (const Value* v = object.dict().find(name)) return *v;
  }
  if (object.is_none()) return Value::undefined("'None' has no attribute '" + name + "'");
  return Value::undefined("'" + object.object_description() + "' has no attribute '" + name + "'");
}

pw::Result<Value> Evaluator::getitem(const Value& object, const Value& key) {
  if (object.is_undefined()) return undefined_error(object);
  if (object.is_dict() && !object.is_namespace()) {
    if (const Value* v = object.dict().find(key)) return *v;
  }
  if (object.is_generator()) return Value::undefined("'generator' object is not subscriptable");
  if ((object.is_list() || object.is_string()) && (key.is_int() || key.is_bool())) {
    int64_t i = key.as_int();
    if (object.is_list()) {
      const auto& items = object.list().items;
      const auto n = static_cast<int64_t>(items.size());
      if (i < 0) i += n;
      if (i >= 0 && i < n) return items[static_cast<size_t>(i)];
    } else {
      const std::string& s = object.as_string();
      if (utf8::is_ascii(s)) {
        const auto n = static_cast<int64_t>(s.size());
        if (i < 0) i += n;
        if (i >= 0 && i < n) return Value(s.substr(static_cast<size_t>(i), 1));
      } else {
        const auto cuts = utf8::boundaries(s);
        const auto n = static_cast<int64_t>(cuts.size()) - 1;
        if (i < 0) i += n;
        if (i >= 0 && i < n) return Value(s.substr(cuts[i], cuts[i + 1] - cuts[i]));
      }
    }
    return Value::undefined(object.object_description() + " has no element " + std::to_string(key.as_int()));
  }
  if (key.is_string()) return getattr(object, key.as_string());  // Jinja falls back to attributes
  return Value::undefined("'" + object.object_description() + "' has no item of type " + key.type_name());
}

pw::Result<std::vector<Value>> Evaluator::iterate(const Value& v) {
  std::vector<Value> items;
  switch (v.kind()) {
    case Value::Kind::Undefined: return items;
    case Value::Kind::List: {
      ListData& l = v.list();
      if (!l.is_generator) {
        items = l.items;
        break;
      }
      // A generator yields what is left of it, once (Python iterators are single-pass).
      items.assign(l.items.begin() + static_cast<std::ptrdiff_t>(std::min(l.consumed, l.items.size())), l.items.end());
      l.consumed = l.items.size();
      break;
    }
    case Value::Kind::Dict:
      if (v.is_namespace()) return error("'Namespace' object is not iterable");
      for (const auto& [k, val] : v.dict().entries()) items.emplace_back(k);
      break;
    case Value::Kind::String: {
      const std::string& s = v.as_string();
      size_t pos = 0;
      while (pos < s.size()) {
        const size_t start = pos;
        utf8::next(s, pos);
        items.emplace_back(s.substr(start, pos - start));
      }
      break;
    }
    default: return error("'" + v.type_name() + "' object is not iterable");
  }
  PW_TRY(charge(items.size() + 1));
  return items;
}

pw::Result<bool> Evaluator::contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Value::Kind::Undefined: return false;
    case Value::Kind::String:
      if (!item.is_string()) {
        return error("'in <string>' requires string as left operand, not " + item.type_name());
      }
      PW_TRY(charge(container.as_string().size() / 64 + 1));
      return container.as_string().find(item.as_string()) != std::string::npos;
    case Value::Kind::List: {
      ListData& l = container.list();
      for (size_t i = l.is_generator ? l.consumed : 0; i < l.items.size(); ++i) {
        PW_CHAT_ASSIGN(bool eq, values_equal(l.items[i], item, meter_));
        if (l.is_generator) l.consumed = i + 1;  // `in` consumes a generator up to the match
        if (eq) return true;
      }
      return false;
    }
    case Value::Kind::Dict:
      if (container.is_namespace()) return error("argument of type 'Namespace' is not iterable");
      if (!dict_key_id(item)) return error("unhashable type: '" + item.type_name() + "'");
      return container.dict().find(item) != nullptr;
    default: return error("argument of type '" + container.type_name() + "' is not iterable");
  }
}

pw::Result<Value> Evaluator::call(const Value& callee, CallArgs& args) {
  if (callee.is_undefined()) return undefined_error(callee);
  if (!callee.is_function()) return error("'" + callee.type_name() + "' object is not callable");
  DepthGuard guard(*this);
  PW_TRY(guard.check());
  PW_TRY(charge(1));
  return callee.function().call(*this, args);
}

pw::Result<Value> Evaluator::arithmetic(const std::string& op, const Value& a, const Value& b) {
  if (a.is_undefined()) return undefined_error(a);
  if (b.is_undefined()) return undefined_error(b);
  const auto unsupported = [&]() {
    return error("unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" + b.type_name() + "'");
  };
  const auto overflow = [&]() { return error("integer overflow in '" + op + "'"); };
  if (a.is_number() && b.is_number()) {
    const bool ints = !a.is_float() && !b.is_float();
    if (ints) {
      const int64_t x = a.as_int(), y = b.as_int();
      int64_t r = 0;
      if (op == "+") return __builtin_add_overflow(x, y, &r) ? pw::Result<Value>(overflow()) : Value(r);
      if (op == "-") return __builtin_sub_overflow(x, y, &r) ? pw::Result<Value>(overflow()) : Value(r);
      if (op == "*") return __builtin_mul_overflow(x, y, &r) ? pw::Result<Value>(overflow()) : Value(r);
      if (op == "/") {
        if (y == 0) return error("division by zero");
        return Value(static_cast<double>(x) / static_cast<double>(y));
      }
      if (op == "//" || op == "%") {
        if (y == 0) return error("integer division or modulo by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) return overflow();
        int64_t q = x / y, m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) {
          q -= 1;
          m += y;
        }
        return Value(op == "//" ? q : m);
      }
      if (op == "**") {
        if (y < 0) return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
        int64_t result = 1, base = x, e = y;
        while (e > 0) {
          if ((e & 1) && __builtin_mul_overflow(result, base, &result)) return overflow();
          e >>= 1;
          if (e > 0 && __builtin_mul_overflow(base, base, &base)) return overflow();
        }
        return Value(result);
      }
    } else {
      const double x = a.as_float(), y = b.as_float();
      if (op == "+") return Value(x + y);
      if (op == "-") return Value(x - y);
      if (op == "*") return Value(x * y);
      if (op == "/") {
        if (y == 0) return error("float division by zero");
        return Value(x / y);
      }
      if (op == "//" || op == "%") {
        if (y == 0) return error("float modulo by zero");
        double m = std::fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        if (op == "%") return Value(m);
        return Value(std::floor((x - m) / y + 0.5));
      }
      if (op == "**") return Value(std::pow(x, y));
    }
    return unsupported();
  }
  if (op == "+") {
    if (a.is_string() && b.is_string()) {
      if (a.as_string().size() + b.as_string().size() > limits_.max_output_bytes) {
        return limit_error("a string grows past the size limit (" + std::to_string(limits_.max_output_bytes) +
                           " bytes)");
      }
      if (a.is_safe_string() || b.is_safe_string()) {  // Markup escapes the plain operand
        const std::string left = a.is_safe_string() ? a.as_string() : html_escape(a.as_string());
        const std::string right = b.is_safe_string() ? b.as_string() : html_escape(b.as_string());
        PW_CHAT_ASSIGN(Value joined, make_string(left + right));
        return Value::safe_string(joined.as_string());
      }
      return make_string(a.as_string() + b.as_string());
    }
    if (a.is_list() && b.is_list() && a.list().is_tuple == b.list().is_tuple && !a.is_generator() &&
        !b.is_generator()) {
      if (a.list().items.size() + b.list().items.size() > limits_.max_list_items) {
        return limit_error("a list grows past " + std::to_string(limits_.max_list_items) + " items");
      }
      std::vector<Value> items = a.list().items;
      items.insert(items.end(), b.list().items.begin(), b.list().items.end());
      return make_list(std::move(items), a.list().is_tuple);
    }
    if (a.is_string() || b.is_string()) {
      return error("can only concatenate str (not \"" + (a.is_string() ? b : a).type_name() + "\") to str");
    }
    return unsupported();
  }
  if (op == "*") {
    const bool seq_a = a.is_string() || (a.is_list() && !a.is_generator());
    const bool seq_b = b.is_string() || (b.is_list() && !b.is_generator());
    if ((seq_a && (b.is_int() || b.is_bool())) || (seq_b && (a.is_int() || a.is_bool()))) {
      const Value& seq = seq_a ? a : b;
      const int64_t n = std::max<int64_t>(0, (seq_a ? b : a).as_int());
      if (seq.is_string()) {
        const size_t unit = seq.as_string().size();
        if (unit != 0 && static_cast<uint64_t>(n) > limits_.max_output_bytes / unit) {
          return limit_error("a string grows past the size limit (" + std::to_string(limits_.max_output_bytes) +
                             " bytes)");
        }
        std::string out;
        out.reserve(unit * static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) out += seq.as_string();
        return make_string(std::move(out));
      }
      const size_t unit = seq.list().items.size();
      if (unit != 0 && static_cast<uint64_t>(n) > limits_.max_list_items / unit) {
        return limit_error("a list grows past " + std::to_string(limits_.max_list_items) + " items");
      }
      std::vector<Value> items;
      for (int64_t i = 0; i < n; ++i) items.insert(items.end(), seq.list().items.begin(), seq.list().items.end());
      return make_list(std::move(items), seq.list().is_tuple);
    }
    return unsupported();
  }
  if (op == "%" && a.is_string()) {
    PW_CHAT_ASSIGN(std::string formatted, percent_format(*this, a.as_string(), b));
    return make_string(std::move(formatted));
  }
  return unsupported();
}

pw::Result<bool> Evaluator::compare(const std::string& op, const Value& a, const Value& b) {
  if (op == "==") return values_equal(a, b, meter_);
  if (op == "!=") {
    PW_CHAT_ASSIGN(bool eq, values_equal(a, b, meter_));
    return !eq;
  }
  if (op == "in") return contains(b, a);
  if (op == "notin") {
    PW_CHAT_ASSIGN(bool in, contains(b, a));
    return !in;
  }
  if (op == "<") return values_less(a, b, meter_);
  if (op == ">") return values_less(b, a, meter_);
  const Value& lo = op == "<=" ? a : b;
  const Value& hi = op == "<=" ? b : a;
  PW_CHAT_ASSIGN(bool less, values_less(lo, hi, meter_));
  if (less) return true;
  return values_equal(lo, hi, meter_);
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
