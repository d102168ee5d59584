// Python semantics of values for the evaluator: attribute and item access, iteration,
// membership, arithmetic and comparison, and size-checked construction of strings and lists.
#include <cmath>
#include <limits>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"
#include "engine/chat/template_evaluator.h"
#include "engine/chat/utf8_text.h"

namespace pw::chat {

namespace {

pw::Error limit_error(const std::string& message) {
  return pw::Error(pw::ErrorCode::ResourceLimit, "chat template", message);
}

}  // namespace

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

}  // namespace pw::chat
