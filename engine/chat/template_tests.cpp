// Jinja tests ({% if x is name(args) %}), with Jinja 2 / Python semantics.
#include <cmath>
#include <unordered_map>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"
#include "engine/chat/utf8_text.h"

namespace pw::chat {

namespace {

using Test = pw::Result<bool> (*)(Evaluator&, const Value&, CallArgs&);

pw::Result<Value> one_arg(const CallArgs& args, const char* test) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"other"}, test));
  if (!a[0]) return Evaluator::error(std::string("test '") + test + "' needs an argument");
  return *a[0];
}

pw::Result<bool> t_defined(Evaluator&, const Value& v, CallArgs&) { return !v.is_undefined(); }
pw::Result<bool> t_undefined(Evaluator&, const Value& v, CallArgs&) { return v.is_undefined(); }
pw::Result<bool> t_none(Evaluator&, const Value& v, CallArgs&) { return v.is_none(); }
pw::Result<bool> t_boolean(Evaluator&, const Value& v, CallArgs&) { return v.is_bool(); }
pw::Result<bool> t_true(Evaluator&, const Value& v, CallArgs&) { return v.is_bool() && v.as_bool(); }
pw::Result<bool> t_false(Evaluator&, const Value& v, CallArgs&) { return v.is_bool() && !v.as_bool(); }
pw::Result<bool> t_integer(Evaluator&, const Value& v, CallArgs&) { return v.is_int(); }
pw::Result<bool> t_float(Evaluator&, const Value& v, CallArgs&) { return v.is_float(); }
pw::Result<bool> t_number(Evaluator&, const Value& v, CallArgs&) { return v.is_number(); }
pw::Result<bool> t_string(Evaluator&, const Value& v, CallArgs&) { return v.is_string(); }
pw::Result<bool> t_mapping(Evaluator&, const Value& v, CallArgs&) { return v.is_dict() && !v.is_namespace(); }
pw::Result<bool> t_callable(Evaluator&, const Value& v, CallArgs&) { return v.is_function(); }
pw::Result<bool> t_escaped(Evaluator&, const Value&, CallArgs&) { return false; }
// Python: anything with __iter__ / with __len__ and __getitem__; Jinja's Undefined has both.
pw::Result<bool> t_iterable(Evaluator&, const Value& v, CallArgs&) {
  return v.is_undefined() || v.is_string() || v.is_list() || (v.is_dict() && !v.is_namespace());
}
pw::Result<bool> t_sequence(Evaluator& ev, const Value& v, CallArgs& a) {
  return !v.is_generator() && *t_iterable(ev, v, a);  // generators have no len()
}

pw::Result<bool> t_lower(Evaluator& ev, const Value& v, CallArgs&) {
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  return utf8::lower(s) == s;
}
pw::Result<bool> t_upper(Evaluator& ev, const Value& v, CallArgs&) {
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  return utf8::upper(s) == s;
}

pw::Result<bool> parity(Evaluator& ev, const Value& v, int64_t want) {
  PW_CHAT_ASSIGN(Value m, ev.arithmetic("%", v, Value(int64_t{2})));
  return m.as_float() == static_cast<double>(want);
}
pw::Result<bool> t_odd(Evaluator& ev, const Value& v, CallArgs&) { return parity(ev, v, 1); }
pw::Result<bool> t_even(Evaluator& ev, const Value& v, CallArgs&) { return parity(ev, v, 0); }

pw::Result<bool> t_divisibleby(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(Value n, one_arg(args, "divisibleby"));
  PW_CHAT_ASSIGN(Value m, ev.arithmetic("%", v, n));
  return m.is_number() && m.as_float() == 0.0;
}

pw::Result<bool> t_eq(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(Value o, one_arg(args, "eq"));
  return values_equal(v, o, ev.meter());
}
pw::Result<bool> t_ne(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(bool eq, t_eq(ev, v, args));
  return !eq;
}
pw::Result<bool> t_lt(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(Value o, one_arg(args, "lt"));
  return values_less(v, o, ev.meter());
}
pw::Result<bool> t_gt(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(Value o, one_arg(args, "gt"));
  return values_less(o, v, ev.meter());
}
pw::Result<bool> t_le(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(bool gt, t_gt(ev, v, args));
  return !gt;
}
pw::Result<bool> t_ge(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(bool lt, t_lt(ev, v, args));
  return !lt;
}
pw::Result<bool> t_in(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(Value seq, one_arg(args, "in"));
  return ev.contains(seq, v);
}

// Python `is`: the same object for lists/dicts/functions, the same constant otherwise.
pw::Result<bool> t_sameas(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(Value o, one_arg(args, "sameas"));
  if (v.identity() != nullptr || o.identity() != nullptr) return v.identity() == o.identity();
  if (v.kind() != o.kind()) return false;
  return values_equal(v, o, ev.meter());
}

pw::Result<bool> t_filter(Evaluator&, const Value& v, CallArgs&) {
  return v.is_string() && is_known_filter(v.as_string());
}
pw::Result<bool> t_test(Evaluator&, const Value& v, CallArgs&) { return v.is_string() && is_known_test(v.as_string()); }

const std::unordered_map<std::string, Test>& tests() {
  static const std::unordered_map<std::string, Test> table = {
      {"boolean", t_boolean},
      {"callable", t_callable},
      {"defined", t_defined},
      {"divisibleby", t_divisibleby},
      {"eq", t_eq},
      {"equalto", t_eq},
      {"==", t_eq},
      {"escaped", t_escaped},
      {"even", t_even},
      {"false", t_false},
      {"filter", t_filter},
      {"float", t_float},
      {"ge", t_ge},
      {">=", t_ge},
      {"gt", t_gt},
      {"greaterthan", t_gt},
      {">", t_gt},
      {"in", t_in},
      {"integer", t_integer},
      {"iterable", t_iterable},
      {"le", t_le},
      {"<=", t_le},
      {"lower", t_lower},
      {"lt", t_lt},
      {"lessthan", t_lt},
      {"<", t_lt},
      {"mapping", t_mapping},
      {"ne", t_ne},
      {"!=", t_ne},
      {"none", t_none},
      {"number", t_number},
      {"odd", t_odd},
      {"sameas", t_sameas},
      {"sequence", t_sequence},
      {"string", t_string},
      {"test", t_test},
      {"true", t_true},
      {"undefined", t_undefined},
      {"upper", t_upper},
  };
  return table;
}

}  // namespace

bool is_known_test(const std::string& name) { return tests().count(name) != 0; }

pw::Result<bool> apply_test(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args) {
  auto it = tests().find(name);
  if (it == tests().end()) return Evaluator::error("no test named '" + name + "'");
  PW_TRY(ev.charge(1));
  return it->second(ev, subject, args);
}

}  // namespace pw::chat
