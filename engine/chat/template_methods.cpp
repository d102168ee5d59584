// Methods of str, dict and list, the global functions, and argument binding for built-ins.
#include <algorithm>
#include <unordered_set>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"
#include "engine/chat/utf8_text.h"

namespace pw::chat {

pw::Result<std::vector<std::optional<Value>>> bind_args(const CallArgs& args, std::initializer_list<const char*> params,
                                                        const std::string& function) {
  const std::vector<const char*> names(params);
  std::vector<std::optional<Value>> out(names.size());
  if (args.positional.size() > names.size()) {
    return Evaluator::error(function + "() takes at most " + std::to_string(names.size()) + " arguments (" +
                            std::to_string(args.positional.size()) + " given)");
  }
  for (size_t i = 0; i < args.positional.size(); ++i) out[i] = args.positional[i];
  for (const auto& [key, value] : args.keyword) {
    size_t i = 0;
    while (i < names.size() && key != names[i]) ++i;
    if (i == names.size()) return Evaluator::error(function + "() got an unexpected keyword argument '" + key + "'");
    if (out[i]) return Evaluator::error(function + "() got multiple values for argument '" + key + "'");
    out[i] = value;
  }
  return out;
}

pw::Result<Value> get_attribute_path(Evaluator& ev, const Value& object, const std::string& path) {
  Value current = object;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool numeric =
        !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    Value key = numeric && part.size() < 18 ? Value(static_cast<int64_t>(std::stoll(part))) : Value(part);
    PW_CHAT_ASSIGN(current, ev.getitem(current, key));
    if (dot == std::string::npos) return current;
    start = dot + 1;
  }
}

namespace {

using Method = pw::Result<Value> (*)(Evaluator&, const Value&, CallArgs&);

pw::Result<std::optional<std::string>> optional_string(const std::optional<Value>& v, const std::string& what) {
  if (!v || v->is_none()) return std::optional<std::string>();
  if (!v->is_string()) return Evaluator::error(what + " must be a string or None, not " + v->type_name());
  return std::optional<std::string>(v->as_string());
}

pw::Result<int64_t> int_arg(const std::optional<Value>& v, int64_t fallback, const std::string& what) {
  if (!v || v->is_none()) return fallback;
  if (!v->is_int() && !v->is_bool()) return Evaluator::error(what + " must be an integer, not " + v->type_name());
  return v->as_int();
}

pw::Result<Value> string_list(Evaluator& ev, const std::vector<std::string>& parts) {
  std::vector<Value> items;
  items.reserve(parts.size());
  for (const auto& p : parts) items.emplace_back(p);
  return ev.make_list(std::move(items));
}

pw::Result<Value> affix_test(const Value& self, CallArgs& args, bool prefix) {
  const char* name = prefix ? "startswith" : "endswith";
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"affix"}, name));
  if (!a[0]) return Evaluator::error(std::string(name) + "() takes at least 1 argument (0 given)");
  std::vector<std::string> options;
  if (a[0]->is_string()) {
    options.push_back(a[0]->as_string());
  } else if (a[0]->is_list() && a[0]->list().is_tuple) {
    for (const auto& v : a[0]->list().items) {
      if (!v.is_string()) return Evaluator::error(std::string(name) + "() tuple items must be strings");
      options.push_back(v.as_string());
    }
  } else {
    return Evaluator::error(std::string(name) + " first arg must be str or a tuple of str, not " + a[0]->type_name());
  }
  const std::string& s = self.as_string();
  for (const auto& o : options) {
    if (o.size() > s.size()) continue;
    if (prefix ? s.compare(0, o.size(), o) == 0 : s.compare(s.size() - o.size(), o.size(), o) == 0) return Value(true);
  }
  return Value(false);
}

pw::Result<Value> str_startswith(Evaluator&, const Value& self, CallArgs& args) { return affix_test(self, args, true); }
pw::Result<Value> str_endswith(Evaluator&, const Value& self, CallArgs& args) { return affix_test(self, args, false); }

pw::Result<Value> split_impl(Evaluator& ev, const Value& self, CallArgs& args, bool from_right) {
  const char* name = from_right ? "rsplit" : "split";
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"sep", "maxsplit"}, name));
  PW_CHAT_ASSIGN(auto sep, optional_string(a[0], "separator"));
  PW_CHAT_ASSIGN(int64_t maxsplit, int_arg(a[1], -1, "maxsplit"));
  if (sep && sep->empty()) return Evaluator::error("empty separator");
  PW_TRY(ev.charge(self.as_string().size() / 16 + 1));
  const std::string* sep_ptr = sep ? &*sep : nullptr;
  return string_list(ev, from_right ? utf8::rsplit(self.as_string(), sep_ptr, maxsplit)
                                    : utf8::split(self.as_string(), sep_ptr, maxsplit));
}
pw::Result<Value> str_split(Evaluator& ev, const Value& self, CallArgs& args) {
  return split_impl(ev, self, args, false);
}
pw::Result<Value> str_rsplit(Evaluator& ev, const Value& self, CallArgs& args) {
  return split_impl(ev, self, args, true);
}

enum class Side { Both, Left, Right };
pw::Result<Value> strip_impl(Evaluator& ev, const Value& self, CallArgs& args, Side side) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"chars"}, "strip"));
  PW_CHAT_ASSIGN(auto chars, optional_string(a[0], "strip arg"));
  const std::string* c = chars ? &*chars : nullptr;
  PW_TRY(ev.charge(self.as_string().size() / 64 + 1));
  switch (side) {
    case Side::Both: return Value(utf8::strip(self.as_string(), c));
    case Side::Left: return Value(utf8::lstrip(self.as_string(), c));
    case Side::Right: return Value(utf8::rstrip(self.as_string(), c));
  }
  return Value();
}
pw::Result<Value> str_strip(Evaluator& ev, const Value& self, CallArgs& args) {
  return strip_impl(ev, self, args, Side::Both);
}
pw::Result<Value> str_lstrip(Evaluator& ev, const Value& self, CallArgs& args) {
  return strip_impl(ev, self, args, Side::Left);
}
pw::Result<Value> str_rstrip(Evaluator& ev, const Value& self, CallArgs& args) {
  return strip_impl(ev, self, args, Side::Right);
}

template <std::string (*F)(std::string_view)>
pw::Result<Value> str_map(Evaluator& ev, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "method"));
  (void)a;
  PW_TRY(ev.charge(self.as_string().size() / 64 + 1));
  return Value(F(self.as_string()));
}

pw::Result<Value> str_replace(Evaluator& ev, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"old", "new", "count"}, "replace"));
  if (!a[0] || !a[1] || !a[0]->is_string() || !a[1]->is_string())
    return Evaluator::error("replace() needs two strings");
  PW_CHAT_ASSIGN(int64_t count, int_arg(a[2], -1, "count"));
  const std::string& s = self.as_string();
  const uint64_t hits = static_cast<uint64_t>(utf8::count(s, a[0]->as_string()));
  const uint64_t grown = s.size() + hits * a[1]->as_string().size();
  if (grown > ev.limits().max_output_bytes) {
    return pw::Error(pw::ErrorCode::ResourceLimit, "chat template", "replace() result grows past the size limit");
  }
  return ev.make_string(utf8::replace(s, a[0]->as_string(), a[1]->as_string(), count));
}

pw::Result<Value> find_impl(const Value& self, CallArgs& args, bool from_right, bool must_exist) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"sub"}, "find"));
  if (!a[0] || !a[0]->is_string()) return Evaluator::error("find() argument must be a string");
  const int64_t i = utf8::find(self.as_string(), a[0]->as_string(), from_right);
  if (i < 0 && must_exist) return Evaluator::error("substring not found");
  return Value(i);
}
pw::Result<Value> str_find(Evaluator&, const Value& self, CallArgs& args) {
  return find_impl(self, args, false, false);
}
pw::Result<Value> str_rfind(Evaluator&, const Value& self, CallArgs& args) {
  return find_impl(self, args, true, false);
}
pw::Result<Value> str_index(Evaluator&, const Value& self, CallArgs& args) {
  return find_impl(self, args, false, true);
}
pw::Result<Value> str_rindex(Evaluator&, const Value& self, CallArgs& args) {
  return find_impl(self, args, true, true);
}

pw::Result<Value> str_count(Evaluator&, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"sub"}, "count"));
  if (!a[0] || !a[0]->is_string()) return Evaluator::error("count() argument must be a string");
  return Value(utf8::count(self.as_string(), a[0]->as_string()));
}

pw::Result<Value> str_join(Evaluator& ev, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"iterable"}, "join"));
  if (!a[0]) return Evaluator::error("join() takes exactly one argument (0 given)");
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(*a[0]));
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) {
      return Evaluator::error("sequence item " + std::to_string(i) + ": expected str instance, " +
                              items[i].type_name() + " found");
    }
    if (i) out += self.as_string();
    out += items[i].as_string();
    if (out.size() > ev.limits().max_output_bytes) return ev.make_string(std::move(out));
  }
  return ev.make_string(std::move(out));
}

pw::Result<Value> str_splitlines(Evaluator& ev, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "splitlines"));
  (void)a;
  return string_list(ev, utf8::splitlines(self.as_string()));
}

template <bool (*Pred)(char32_t)>
pw::Result<Value> str_is(Evaluator&, const Value& self, CallArgs&) {
  const std::string& s = self.as_string();
  if (s.empty()) return Value(false);
  size_t pos = 0;
  while (pos < s.size()) {
    if (!Pred(utf8::next(s, pos))) return Value(false);
  }
  return Value(true);
}
bool is_alnum_cp(char32_t cp) { return utf8::is_alpha(cp) || utf8::is_digit(cp); }

pw::Result<Value> case_test(const Value& self, bool want_lower) {
  bool cased = false;
  const std::string& s = self.as_string();
  size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = utf8::next(s, pos);
    const bool is_upper = utf8::to_lower(cp) != cp;
    const bool is_lower = utf8::to_upper(cp) != cp;
    if ((want_lower && is_upper) || (!want_lower && is_lower)) return Value(false);
    cased = cased || is_upper || is_lower;
  }
  return Value(cased);
}
pw::Result<Value> str_islower(Evaluator&, const Value& self, CallArgs&) { return case_test(self, true); }
pw::Result<Value> str_isupper(Evaluator&, const Value& self, CallArgs&) { return case_test(self, false); }

pw::Result<Value> affix_remove(const Value& self, CallArgs& args, bool prefix) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"affix"}, prefix ? "removeprefix" : "removesuffix"));
  if (!a[0] || !a[0]->is_string()) return Evaluator::error("argument must be a string");
  const std::string& s = self.as_string();
  const std::string& o = a[0]->as_string();
  if (o.size() > s.size()) return self;
  if (prefix && s.compare(0, o.size(), o) == 0) return Value(s.substr(o.size()));
  if (!prefix && s.compare(s.size() - o.size(), o.size(), o) == 0) return Value(s.substr(0, s.size() - o.size()));
  return self;
}
pw::Result<Value> str_removeprefix(Evaluator&, const Value& self, CallArgs& args) {
  return affix_remove(self, args, true);
}
pw::Result<Value> str_removesuffix(Evaluator&, const Value& self, CallArgs& args) {
  return affix_remove(self, args, false);
}

pw::Result<Value> dict_get(Evaluator&, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"key", "default"}, "get"));
  if (!a[0]) return Evaluator::error("get expected at least 1 argument, got 0");
  if (!dict_key_id(*a[0])) return Evaluator::error("unhashable type: '" + a[0]->type_name() + "'");
  if (const Value* v = self.dict().find(*a[0])) return *v;
  return a[1] ? *a[1] : Value::none();
}

pw::Result<Value> dict_items(Evaluator& ev, const Value& self, CallArgs&) {
  std::vector<Value> items;
  for (const auto& [k, v] : self.dict().entries()) items.push_back(Value::list({k, v}, true));
  return ev.make_list(std::move(items));
}

pw::Result<Value> dict_keys(Evaluator& ev, const Value& self, CallArgs&) {
  std::vector<Value> items;
  for (const auto& [k, v] : self.dict().entries()) items.push_back(k);
  return ev.make_list(std::move(items));
}

pw::Result<Value> dict_values(Evaluator& ev, const Value& self, CallArgs&) {
  std::vector<Value> items;
  for (const auto& [k, v] : self.dict().entries()) items.push_back(v);
  return ev.make_list(std::move(items));
}

pw::Result<Value> list_index(Evaluator& ev, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"value"}, "index"));
  if (!a[0]) return Evaluator::error("index expected 1 argument, got 0");
  const auto& items = self.list().items;
  for (size_t i = 0; i < items.size(); ++i) {
    PW_CHAT_ASSIGN(bool eq, values_equal(items[i], *a[0], ev.meter()));
    if (eq) return Value(static_cast<int64_t>(i));
  }
  return Evaluator::error("value is not in list");
}

pw::Result<Value> list_count(Evaluator& ev, const Value& self, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"value"}, "count"));
  if (!a[0]) return Evaluator::error("count expected 1 argument, got 0");
  int64_t n = 0;
  for (const auto& v : self.list().items) {
    PW_CHAT_ASSIGN(bool eq, values_equal(v, *a[0], ev.meter()));
    n += eq ? 1 : 0;
  }
  return Value(n);
}

const std::unordered_map<std::string, Method>& string_methods() {
  static const std::unordered_map<std::string, Method> m = {
      {"startswith", str_startswith},
      {"endswith", str_endswith},
      {"split", str_split},
      {"rsplit", str_rsplit},
      {"strip", str_strip},
      {"lstrip", str_lstrip},
      {"rstrip", str_rstrip},
      {"upper", str_map<utf8::upper>},
      {"lower", str_map<utf8::lower>},
      {"title", str_map<utf8::python_title>},
      {"capitalize", str_map<utf8::capitalize>},
      {"replace", str_replace},
      {"find", str_find},
      {"rfind", str_rfind},
      {"index", str_index},
      {"rindex", str_rindex},
      {"count", str_count},
      {"join", str_join},
      {"splitlines", str_splitlines},
      {"isdigit", str_is<utf8::is_digit>},
      {"isalpha", str_is<utf8::is_alpha>},
      {"isalnum", str_is<is_alnum_cp>},
      {"isspace", str_is<utf8::is_space>},
      {"islower", str_islower},
      {"isupper", str_isupper},
      {"removeprefix", str_removeprefix},
      {"removesuffix", str_removesuffix},
  };
  return m;
}

const std::unordered_map<std::string, Method>& dict_methods() {
  static const std::unordered_map<std::string, Method> m = {
      {"get", dict_get}, {"items", dict_items}, {"keys", dict_keys}, {"values", dict_values}};
  return m;
}

const std::unordered_map<std::string, Method>& list_methods() {
  static const std::unordered_map<std::string, Method> m = {{"index", list_index}, {"count", list_count}};
  return m;
}

// ---- globals ----

pw::Result<Value> global_range(Evaluator& ev, CallArgs& args) {
  if (!args.keyword.empty()) return Evaluator::error("range() takes no keyword arguments");
  if (args.positional.empty() || args.positional.size() > 3) return Evaluator::error("range expected 1 to 3 arguments");
  int64_t v[3] = {0, 0, 1};
  for (size_t i = 0; i < args.positional.size(); ++i) {
    const Value& a = args.positional[i];
    if (a.is_undefined()) return Evaluator::undefined_error(a);
    if (!a.is_int() && !a.is_bool())
      return Evaluator::error("'" + a.type_name() + "' object cannot be interpreted as an integer");
  }
  if (args.positional.size() == 1) {
    v[1] = args.positional[0].as_int();
  } else {
    v[0] = args.positional[0].as_int();
    v[1] = args.positional[1].as_int();
    if (args.positional.size() == 3) v[2] = args.positional[2].as_int();
  }
  if (v[2] == 0) return Evaluator::error("range() arg 3 must not be zero");
  // The reference's sandbox refuses ranges over 100000 items (MAX_RANGE); so do we.
  constexpr long double kMaxRange = 100000;
  const long double span = (static_cast<long double>(v[1]) - v[0]) / v[2];
  if (span > kMaxRange) {
    return pw::Error(pw::ErrorCode::ResourceLimit, "chat template",
                     "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  }
  std::vector<Value> items;
  if (v[2] > 0) {
    for (int64_t i = v[0]; i < v[1]; i += v[2]) items.emplace_back(i);
  } else {
    for (int64_t i = v[0]; i > v[1]; i += v[2]) items.emplace_back(i);
  }
  return ev.make_list(std::move(items));
}

pw::Result<Value> build_mapping(Evaluator& ev, CallArgs& args, bool as_namespace) {
  const char* name = as_namespace ? "namespace" : "dict";
  if (args.positional.size() > 1) return Evaluator::error(std::string(name) + "() takes at most 1 positional argument");
  auto data = std::make_shared<DictData>();
  data->is_namespace = as_namespace;
  auto put = [&](const Value& k, const Value& v) -> pw::Status {
    if (as_namespace && holds_namespace(v)) return Evaluator::error("a namespace attribute cannot hold a namespace");
    if (!data->set_key(k, v)) return Evaluator::error("unhashable type: '" + k.type_name() + "'");
    return {};
  };
  if (!args.positional.empty()) {
    const Value& src = args.positional[0];
    if (src.is_dict() && !src.is_namespace()) {
      for (const auto& [k, v] : src.dict().entries()) PW_TRY(put(k, v));
    } else {
      PW_CHAT_ASSIGN(std::vector<Value> pairs, ev.iterate(src));
      for (const auto& p : pairs) {
        PW_CHAT_ASSIGN(std::vector<Value> kv, ev.iterate(p));
        if (kv.size() != 2) return Evaluator::error(std::string(name) + "() needs a sequence of pairs");
        PW_TRY(put(kv[0], kv[1]));
      }
    }
  }
  for (const auto& [k, v] : args.keyword) PW_TRY(put(Value(k), v));
  PW_TRY(ev.charge(data->size() + 1));
  if (data->depth > kMaxValueDepth) {
    return pw::Error(pw::ErrorCode::ResourceLimit, "chat template", "values nest too deep");
  }
  return Value::dict(std::move(data));
}

pw::Result<Value> global_raise_exception(Evaluator& ev, CallArgs& args) {
  std::string message;
  if (!args.positional.empty()) {
    PW_CHAT_ASSIGN(message, ev.str(args.positional[0]));
  }
  // InvalidArgument marks "the template rejected this conversation" (see chat_template.h).
  return pw::Error(pw::ErrorCode::InvalidArgument, "chat template", message);
}

}  // namespace

std::optional<Value> builtin_method(const Value& object, const std::string& name) {
  const std::unordered_map<std::string, Method>* table = nullptr;
  if (object.is_string())
    table = &string_methods();
  else if (object.is_dict() && !object.is_namespace())
    table = &dict_methods();
  else if (object.is_list())
    table = &list_methods();
  if (table == nullptr) return std::nullopt;
  auto it = table->find(name);
  if (it == table->end()) return std::nullopt;
  const Method method = it->second;
  return Value::function(name,
                         [method, self = object](Evaluator& ev, CallArgs& args) { return method(ev, self, args); });
}

bool is_unsafe_method(const Value& object, const std::string& name) {
  static const std::unordered_set<std::string> list_mutators = {"append", "extend",  "insert", "pop",
                                                                "remove", "reverse", "sort",   "clear"};
  static const std::unordered_set<std::string> dict_mutators = {"pop", "popitem", "setdefault", "update", "clear"};
  if (object.is_list()) return list_mutators.count(name) != 0;
  if (object.is_dict() && !object.is_namespace()) return dict_mutators.count(name) != 0;
  return false;
}

std::vector<std::pair<std::string, Value>> builtin_globals() {
  return {
      {"range", Value::function("range", global_range)},
      {"dict", Value::function("dict", [](Evaluator& ev, CallArgs& a) { return build_mapping(ev, a, false); })},
      {"namespace",
       Value::function("namespace", [](Evaluator& ev, CallArgs& a) { return build_mapping(ev, a, true); })},
      {"raise_exception", Value::function("raise_exception", global_raise_exception)},
  };
}

}  // namespace pw::chat
