// Jinja filters ({{ x | name(args) }}), with Jinja 2 / Python semantics.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"
#include "engine/chat/template_json.h"
#include "engine/chat/utf8_text.h"

namespace pw::chat {

namespace {

using Filter = pw::Result<Value> (*)(Evaluator&, const Value&, CallArgs&);

pw::Result<size_t> length_of(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined: return size_t{0};
    case Value::Kind::String: return utf8::length(v.as_string());
    case Value::Kind::List:
      if (v.is_generator()) break;
      return v.list().items.size();
    case Value::Kind::Dict:
      if (!v.is_namespace()) return v.dict().size();
      break;
    default: break;
  }
  return Evaluator::error("object of type '" + v.type_name() + "' has no len()");
}

bool is_true(const std::optional<Value>& v) { return v && v->truthy(); }

// A string result that stays Markup when the input was (Markup's own methods keep the type).
Value like(const Value& input, std::string s) {
  return input.is_safe_string() ? Value::safe_string(std::move(s)) : Value(std::move(s));
}

// map, select, reject, selectattr, rejectattr, unique and items return Python generators.
pw::Result<Value> make_generator(Evaluator& ev, std::vector<Value> items) {
  PW_CHAT_ASSIGN(Value v, ev.make_list(std::move(items)));
  v.list().is_generator = true;
  return v;
}

// The items a filter works on, read through an optional attribute path.
pw::Result<std::vector<Value>> items_of(Evaluator& ev, const Value& v, const std::optional<Value>& attribute) {
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  if (attribute && !attribute->is_none()) {
    PW_CHAT_ASSIGN(std::string path, ev.str(*attribute));
    for (auto& item : items) {
      PW_CHAT_ASSIGN(item, get_attribute_path(ev, item, path));
    }
  }
  return items;
}

// Sort/unique/min/max key: strings compare case-insensitively unless case_sensitive.
Value sort_key(const Value& v, bool case_sensitive) {
  if (!case_sensitive && v.is_string()) return Value(utf8::lower(v.as_string()));
  return v;
}

pw::Result<Value> f_abs(Evaluator&, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "abs"));
  if (v.is_float()) return Value(std::fabs(v.as_float()));
  if (v.is_int() || v.is_bool()) {
    if (v.as_int() == INT64_MIN) return Evaluator::error("integer overflow in abs");
    return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
  }
  if (v.is_undefined()) return Evaluator::undefined_error(v);
  return Evaluator::error("bad operand type for abs(): '" + v.type_name() + "'");
}

pw::Result<Value> f_attr(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"name"}, "attr"));
  if (!a[0] || !a[0]->is_string()) return Evaluator::error("attr() needs an attribute name");
  return ev.getattr(v, a[0]->as_string());
}

pw::Result<Value> f_capitalize(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "capitalize"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  return like(v, utf8::capitalize(s));
}

pw::Result<Value> f_center(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"width"}, "center"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  const int64_t width = a[0] && (a[0]->is_int() || a[0]->is_bool()) ? a[0]->as_int() : 80;
  const auto len = static_cast<int64_t>(utf8::length(s));
  if (width <= len) return Value(s);
  if (static_cast<uint64_t>(width) > ev.limits().max_output_bytes) {
    return pw::Error(pw::ErrorCode::ResourceLimit, "chat template", "center() width past the size limit");
  }
  const int64_t margin = width - len;
  const int64_t left = margin / 2 + (margin & width & 1);
  return ev.make_string(std::string(static_cast<size_t>(left), ' ') + s +
                        std::string(static_cast<size_t>(margin - left), ' '));
}

pw::Result<Value> f_default(Evaluator&, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"default_value", "boolean"}, "default"));
  if (v.is_undefined() || (is_true(a[1]) && !v.truthy())) return a[0] ? *a[0] : Value("");
  return v;
}

pw::Result<Value> f_dictsort(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"case_sensitive", "by", "reverse"}, "dictsort"));
  if (!v.is_dict() || v.is_namespace())
    return Evaluator::error("You can only sort by either \"key\" or \"value\" of a mapping");
  const bool by_value = a[1] && a[1]->is_string() && a[1]->as_string() == "value";
  const bool case_sensitive = is_true(a[0]);
  std::vector<Value> pairs;
  for (const auto& [k, val] : v.dict().entries()) pairs.push_back(Value::list({k, val}, true));
  std::optional<pw::Error> failure;
  std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& x, const Value& y) {
    if (failure) return false;
    const size_t i = by_value ? 1 : 0;
    auto less = values_less(sort_key(x.list().items[i], case_sensitive), sort_key(y.list().items[i], case_sensitive),
                            ev.meter());
    if (!less) {
      failure = less.error();
      return false;
    }
    return *less;
  });
  if (failure) return *failure;
  if (is_true(a[2])) std::reverse(pairs.begin(), pairs.end());
  return ev.make_list(std::move(pairs));
}

pw::Result<Value> f_escape(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "escape"));
  if (v.is_safe_string()) return v;
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  PW_CHAT_ASSIGN(Value escaped, ev.make_string(html_escape(s)));
  return Value::safe_string(escaped.as_string());
}

pw::Result<Value> f_forceescape(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "forceescape"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  PW_CHAT_ASSIGN(Value escaped, ev.make_string(html_escape(s)));
  return Value::safe_string(escaped.as_string());
}

pw::Result<Value> f_first(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "first"));
  if (v.is_generator()) {  // next(iter(gen)) takes one item
    ListData& l = v.list();
    if (l.consumed >= l.items.size()) return Value::undefined("No first item, sequence was empty.");
    return l.items[l.consumed++];
  }
  if (v.is_list()) {
    if (v.list().items.empty()) return Value::undefined("No first item, sequence was empty.");
    return v.list().items.front();
  }
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

pw::Result<Value> f_last(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "last"));
  if (v.is_generator()) return Evaluator::error("'generator' object is not reversible");
  if (v.is_list()) {
    if (v.list().items.empty()) return Value::undefined("No last item, sequence was empty.");
    return v.list().items.back();
  }
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

// Python float(str): surrounding whitespace allowed, no hex.
std::optional<double> parse_float(const std::string& text) {
  const std::string s = utf8::strip(text, nullptr);
  if (s.empty() || s.find_first_of("xXpP") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

pw::Result<Value> f_float(Evaluator&, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"default"}, "float"));
  const Value fallback = a[0] ? *a[0] : Value(0.0);
  if (v.is_undefined()) return Evaluator::undefined_error(v);
  if (v.is_number()) return Value(v.as_float());
  if (v.is_string()) {
    if (auto d = parse_float(v.as_string())) return Value(*d);
  }
  return fallback;
}

pw::Result<Value> f_int(Evaluator&, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"default", "base"}, "int"));
  const Value fallback = a[0] ? *a[0] : Value(int64_t{0});
  const int base = a[1] && a[1]->is_int() ? static_cast<int>(a[1]->as_int()) : 10;
  if (v.is_undefined()) return Evaluator::undefined_error(v);
  if (v.is_int() || v.is_bool()) return Value(v.as_int());
  if (v.is_float()) {
    const double d = v.as_float();
    if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return Evaluator::error("cannot convert float to integer");
    return Value(static_cast<int64_t>(d));
  }
  if (v.is_string()) {
    const std::string s = utf8::strip(v.as_string(), nullptr);
    if (!s.empty() && base >= 2 && base <= 36) {
      errno = 0;
      char* end = nullptr;
      const long long n = std::strtoll(s.c_str(), &end, base);
      if (end == s.c_str() + s.size() && errno == 0) return Value(static_cast<int64_t>(n));
    }
    if (auto d = parse_float(s)) {  // "42.23"|int is 42, as in the reference
      if (std::isfinite(*d) && std::fabs(*d) < 9.2e18) return Value(static_cast<int64_t>(*d));
      return Evaluator::error("cannot convert float to integer");
    }
  }
  return fallback;
}

// "%s, %s"|format(a, b) is Python's "%s, %s" % (a, b).
pw::Result<Value> f_format(Evaluator& ev, const Value& v, CallArgs& args) {
  if (!args.positional.empty() && !args.keyword.empty()) {
    return Evaluator::error("can't handle positional and keyword arguments at the same time");
  }
  PW_CHAT_ASSIGN(std::string format, ev.str(v));
  Value packed;
  if (!args.keyword.empty()) {
    auto data = std::make_shared<DictData>();
    for (const auto& [k, val] : args.keyword) data->set(k, val);
    packed = Value::dict(std::move(data));
  } else {
    packed = Value::list(args.positional, /*tuple=*/true);
  }
  PW_CHAT_ASSIGN(std::string out, percent_format(ev, format, packed));
  return ev.make_string(std::move(out));
}

pw::Result<Value> f_indent(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"width", "first", "blank"}, "indent"));
  std::string indention = "    ";
  if (a[0]) {
    if (a[0]->is_string()) {
      indention = a[0]->as_string();
    } else if (a[0]->is_int() || a[0]->is_bool()) {
      const int64_t w = a[0]->as_int();
      if (w > 4096) return Evaluator::error("indent width too large");
      indention = std::string(static_cast<size_t>(std::max<int64_t>(0, w)), ' ');
    }
  }
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  s += "\n";  // the reference appends a newline before splitting into lines
  const auto lines = utf8::splitlines(s);
  std::string out;
  if (is_true(a[2])) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i) out += "\n" + indention;
      out += lines[i];
      if (out.size() > ev.limits().max_output_bytes) break;
    }
  } else {
    out = lines.empty() ? std::string() : lines[0];
    for (size_t i = 1; i < lines.size(); ++i) {
      out += "\n";
      if (!lines[i].empty()) out += indention;
      out += lines[i];
      if (out.size() > ev.limits().max_output_bytes) break;
    }
  }
  if (is_true(a[1])) out = indention + out;
  return ev.make_string(std::move(out));
}

pw::Result<Value> f_items(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "items"));
  if (v.is_undefined()) return ev.make_list({});
  if (!v.is_dict() || v.is_namespace()) return Evaluator::error("Can only get item pairs from a mapping.");
  std::vector<Value> pairs;
  for (const auto& [k, val] : v.dict().entries()) pairs.push_back(Value::list({k, val}, true));
  return make_generator(ev, std::move(pairs));
}

pw::Result<Value> f_join(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"d", "attribute"}, "join"));
  std::string sep;
  if (a[0]) {
    PW_CHAT_ASSIGN(sep, ev.str(*a[0]));
  }
  PW_CHAT_ASSIGN(std::vector<Value> items, items_of(ev, v, a[1]));
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    PW_CHAT_ASSIGN(std::string piece, ev.str(items[i]));
    out += piece;
    if (out.size() > ev.limits().max_output_bytes) break;
  }
  return ev.make_string(std::move(out));
}

pw::Result<Value> f_length(Evaluator&, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "length"));
  PW_CHAT_ASSIGN(size_t n, length_of(v));
  return Value(static_cast<int64_t>(n));
}

pw::Result<Value> f_list(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "list"));
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  return ev.make_list(std::move(items));
}

pw::Result<Value> f_lower(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "lower"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  return like(v, utf8::lower(s));
}

pw::Result<Value> f_upper(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "upper"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  return like(v, utf8::upper(s));
}

pw::Result<Value> f_map(Evaluator& ev, const Value& v, CallArgs& args) {
  if (!v.truthy()) return make_generator(ev, {});  // the reference maps nothing over a falsy value, even none
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  const bool by_attribute =
      args.positional.empty() &&
      std::any_of(args.keyword.begin(), args.keyword.end(), [](const auto& kw) { return kw.first == "attribute"; });
  if (by_attribute) {
    PW_CHAT_ASSIGN(auto a, bind_args(args, {"attribute", "default"}, "map"));
    PW_CHAT_ASSIGN(std::string path, ev.str(*a[0]));
    for (auto& item : items) {
      PW_CHAT_ASSIGN(item, get_attribute_path(ev, item, path));
      if (item.is_undefined() && a[1] && !a[1]->is_none()) item = *a[1];
    }
    return make_generator(ev, std::move(items));
  }
  if (args.positional.empty() || !args.positional[0].is_string())
    return Evaluator::error("map requires a filter argument");
  const std::string filter = args.positional[0].as_string();
  if (!is_known_filter(filter)) return Evaluator::error("no filter named '" + filter + "'");
  CallArgs rest;
  rest.positional.assign(args.positional.begin() + 1, args.positional.end());
  rest.keyword = args.keyword;
  for (auto& item : items) {
    CallArgs copy = rest;
    PW_CHAT_ASSIGN(item, apply_filter(ev, filter, item, copy));
  }
  return make_generator(ev, std::move(items));
}

pw::Result<Value> min_max(Evaluator& ev, const Value& v, CallArgs& args, bool want_max) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"case_sensitive", "attribute"}, want_max ? "max" : "min"));
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  std::optional<std::string> path;
  if (a[1] && !a[1]->is_none()) {
    PW_CHAT_ASSIGN(path, ev.str(*a[1]));
  }
  if (items.empty())
    return Value::undefined(want_max ? "No largest item, sequence was empty."
                                     : "No smallest item, sequence was empty.");
  size_t best = 0;
  Value best_key;
  for (size_t i = 0; i < items.size(); ++i) {
    Value key = items[i];
    if (path) {
      PW_CHAT_ASSIGN(key, get_attribute_path(ev, key, *path));
    }
    key = sort_key(key, is_true(a[0]));
    if (i == 0) {
      best_key = key;
      continue;
    }
    PW_CHAT_ASSIGN(bool better,
                   want_max ? values_less(best_key, key, ev.meter()) : values_less(key, best_key, ev.meter()));
    if (better) {
      best = i;
      best_key = key;
    }
  }
  return items[best];
}
pw::Result<Value> f_max(Evaluator& ev, const Value& v, CallArgs& args) { return min_max(ev, v, args, true); }
pw::Result<Value> f_min(Evaluator& ev, const Value& v, CallArgs& args) { return min_max(ev, v, args, false); }

// select/reject(test, args...) and selectattr/rejectattr(attr, test, args...).
pw::Result<Value> select_impl(Evaluator& ev, const Value& v, CallArgs& args, bool keep, bool by_attribute) {
  if (!v.truthy()) return make_generator(ev, {});  // the reference selects nothing from a falsy value, even none
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  size_t next = 0;
  std::optional<std::string> path;
  if (by_attribute) {
    if (args.positional.empty()) return Evaluator::error("Missing parameter for attribute name");
    PW_CHAT_ASSIGN(path, ev.str(args.positional[0]));
    next = 1;
  }
  std::optional<std::string> test;
  if (args.positional.size() > next) {
    if (!args.positional[next].is_string()) return Evaluator::error("test name must be a string");
    test = args.positional[next].as_string();
    if (!is_known_test(*test)) return Evaluator::error("no test named '" + *test + "'");
    ++next;
  }
  CallArgs test_args;
  test_args.positional.assign(args.positional.begin() + static_cast<std::ptrdiff_t>(next), args.positional.end());
  test_args.keyword = args.keyword;
  std::vector<Value> out;
  for (const auto& item : items) {
    Value subject = item;
    if (path) {
      PW_CHAT_ASSIGN(subject, get_attribute_path(ev, item, *path));
    }
    bool passes = subject.truthy();
    if (test) {
      CallArgs copy = test_args;
      PW_CHAT_ASSIGN(passes, apply_test(ev, *test, subject, copy));
    }
    if (passes == keep) out.push_back(item);
  }
  return make_generator(ev, std::move(out));
}
pw::Result<Value> f_select(Evaluator& ev, const Value& v, CallArgs& a) { return select_impl(ev, v, a, true, false); }
pw::Result<Value> f_reject(Evaluator& ev, const Value& v, CallArgs& a) { return select_impl(ev, v, a, false, false); }
pw::Result<Value> f_selectattr(Evaluator& ev, const Value& v, CallArgs& a) { return select_impl(ev, v, a, true, true); }
pw::Result<Value> f_rejectattr(Evaluator& ev, const Value& v, CallArgs& a) {
  return select_impl(ev, v, a, false, true);
}

pw::Result<Value> f_replace(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"old", "new", "count"}, "replace"));
  if (!a[0] || !a[1]) return Evaluator::error("replace() needs 'old' and 'new'");
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  PW_CHAT_ASSIGN(std::string from, ev.str(*a[0]));
  PW_CHAT_ASSIGN(std::string to, ev.str(*a[1]));
  const int64_t count = a[2] && (a[2]->is_int() || a[2]->is_bool()) ? a[2]->as_int() : -1;
  const uint64_t hits = static_cast<uint64_t>(utf8::count(s, from));
  if (s.size() + hits * to.size() > ev.limits().max_output_bytes) {
    return pw::Error(pw::ErrorCode::ResourceLimit, "chat template", "replace result grows past the size limit");
  }
  return ev.make_string(utf8::replace(s, from, to, count));
}

pw::Result<Value> f_reverse(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "reverse"));
  if (v.is_string()) return Value(utf8::reverse(v.as_string()));
  const bool reversible = (v.is_list() && !v.is_generator()) || (v.is_dict() && !v.is_namespace());
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  std::reverse(items.begin(), items.end());
  if (!reversible) return ev.make_list(std::move(items));  // the reference falls back to a reversed list
  return make_generator(ev, std::move(items));             // reversed(seq) is an iterator
}

pw::Result<Value> f_round(Evaluator&, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"precision", "method"}, "round"));
  const int64_t precision = a[0] && (a[0]->is_int() || a[0]->is_bool()) ? a[0]->as_int() : 0;
  const std::string method = a[1] && a[1]->is_string() ? a[1]->as_string() : "common";
  if (v.is_undefined()) return Evaluator::undefined_error(v);
  if (!v.is_number()) return Evaluator::error("round() needs a number, not " + v.type_name());
  if (method != "common" && method != "ceil" && method != "floor") {
    return Evaluator::error("method must be 'common', 'ceil' or 'floor'");
  }
  if (precision < -300 || precision > 300) return Evaluator::error("round precision out of range");
  if (method == "common" && !v.is_float() && precision >= 0)
    return Value(v.as_int());  // Python round(int, n) is the int
  const double x = v.as_float();
  if (method == "common") {
    if (precision >= 0) {  // correctly rounded, ties to even, like Python's round()
      char buf[512];
      std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(precision), x);
      return Value(std::strtod(buf, nullptr));
    }
    const double scale = std::pow(10.0, static_cast<double>(-precision));
    return Value(std::nearbyint(x / scale) * scale);
  }
  const double scale = std::pow(10.0, static_cast<double>(precision));
  return Value((method == "ceil" ? std::ceil(x * scale) : std::floor(x * scale)) / scale);
}

pw::Result<Value> f_safe(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "safe"));
  if (v.is_safe_string()) return v;
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  return Value::safe_string(std::move(s));
}

pw::Result<Value> f_sort(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"reverse", "case_sensitive", "attribute"}, "sort"));
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  std::vector<std::pair<Value, Value>> keyed;  // (key, item)
  std::optional<std::string> path;
  if (a[2] && !a[2]->is_none()) {
    PW_CHAT_ASSIGN(path, ev.str(*a[2]));
  }
  for (auto& item : items) {
    Value key = item;
    if (path) {
      PW_CHAT_ASSIGN(key, get_attribute_path(ev, item, *path));
    }
    keyed.emplace_back(sort_key(key, is_true(a[1])), std::move(item));
  }
  const bool reverse = is_true(a[0]);
  std::optional<pw::Error> failure;
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    if (failure) return false;
    auto less = reverse ? values_less(y.first, x.first, ev.meter()) : values_less(x.first, y.first, ev.meter());
    if (!less) {
      failure = less.error();
      return false;
    }
    return *less;
  });
  if (failure) return *failure;
  std::vector<Value> out;
  for (auto& [k, item] : keyed) out.push_back(std::move(item));
  return ev.make_list(std::move(out));
}

pw::Result<Value> f_string(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "string"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  return like(v, std::move(s));
}

pw::Result<Value> f_sum(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"attribute", "start"}, "sum"));
  PW_CHAT_ASSIGN(std::vector<Value> items, items_of(ev, v, a[0]));
  Value total = a[1] ? *a[1] : Value(int64_t{0});
  for (const auto& item : items) {
    PW_CHAT_ASSIGN(total, ev.arithmetic("+", total, item));
  }
  return total;
}

pw::Result<Value> f_title(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "title"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  // Jinja's title: words start after whitespace, '-', '(', '{', '[' or '<'; each word is
  // its first character upper-cased and the rest lower-cased.
  std::string out;
  bool word_start = true;
  size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = utf8::next(s, pos);
    const bool separator = utf8::is_space(cp) || cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<';
    if (separator) {
      utf8::append(out, cp);
      word_start = true;
      continue;
    }
    utf8::append(out, word_start ? utf8::to_upper(cp) : utf8::to_lower(cp));
    word_start = false;
  }
  return Value(std::move(out));
}

// Hugging Face's tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).
pw::Result<Value> f_tojson(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"ensure_ascii", "indent", "separators", "sort_keys"}, "tojson"));
  JsonDumpOptions o;
  o.ensure_ascii = is_true(a[0]);
  if (a[1] && !a[1]->is_none()) {
    if (a[1]->is_string()) {
      o.indent = a[1]->as_string();
    } else if (a[1]->is_int() || a[1]->is_bool()) {
      const int64_t w = a[1]->as_int();
      if (w > 4096) return Evaluator::error("tojson indent too large");
      o.indent = std::string(static_cast<size_t>(std::max<int64_t>(0, w)), ' ');
    } else {
      return Evaluator::error("tojson indent must be an integer or a string");
    }
  }
  if (a[2] && !a[2]->is_none()) {
    if (!a[2]->is_list() || a[2]->list().items.size() != 2 || !a[2]->list().items[0].is_string() ||
        !a[2]->list().items[1].is_string()) {
      return Evaluator::error("tojson separators must be a pair of strings");
    }
    o.item_separator = a[2]->list().items[0].as_string();
    o.key_separator = a[2]->list().items[1].as_string();
  }
  o.sort_keys = is_true(a[3]);
  PW_CHAT_ASSIGN(std::string json, to_json(v, o, ev.meter(), ev.limits().max_output_bytes));
  return Value(std::move(json));
}

pw::Result<Value> f_trim(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"chars"}, "trim"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  std::optional<std::string> chars;
  if (a[0] && !a[0]->is_none()) {
    PW_CHAT_ASSIGN(chars, ev.str(*a[0]));
  }
  return like(v, utf8::strip(s, chars ? &*chars : nullptr));
}

pw::Result<Value> f_unique(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {"case_sensitive", "attribute"}, "unique"));
  PW_CHAT_ASSIGN(std::vector<Value> items, ev.iterate(v));
  std::optional<std::string> path;
  if (a[1] && !a[1]->is_none()) {
    PW_CHAT_ASSIGN(path, ev.str(*a[1]));
  }
  std::vector<Value> out, seen;
  for (const auto& item : items) {
    Value key = item;
    if (path) {
      PW_CHAT_ASSIGN(key, get_attribute_path(ev, item, *path));
    }
    key = sort_key(key, is_true(a[0]));
    bool dup = false;
    for (const auto& s : seen) {
      PW_CHAT_ASSIGN(dup, values_equal(s, key, ev.meter()));
      if (dup) break;
    }
    if (dup) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return make_generator(ev, std::move(out));
}

pw::Result<Value> f_wordcount(Evaluator& ev, const Value& v, CallArgs& args) {
  PW_CHAT_ASSIGN(auto a, bind_args(args, {}, "wordcount"));
  PW_CHAT_ASSIGN(std::string s, ev.str(v));
  int64_t words = 0;
  bool in_word = false;
  size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = utf8::next(s, pos);
    const bool word_char = utf8::is_alpha(cp) || utf8::is_digit(cp) || cp == '_';
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return Value(words);
}

const std::unordered_map<std::string, Filter>& filters() {
  static const std::unordered_map<std::string, Filter> table = {
      {"abs", f_abs},
      {"attr", f_attr},
      {"capitalize", f_capitalize},
      {"center", f_center},
      {"count", f_length},
      {"d", f_default},
      {"default", f_default},
      {"dictsort", f_dictsort},
      {"e", f_escape},
      {"escape", f_escape},
      {"forceescape", f_forceescape},
      {"format", f_format},
      {"first", f_first},
      {"float", f_float},
      {"indent", f_indent},
      {"int", f_int},
      {"items", f_items},
      {"join", f_join},
      {"last", f_last},
      {"length", f_length},
      {"list", f_list},
      {"lower", f_lower},
      {"map", f_map},
      {"max", f_max},
      {"min", f_min},
      {"reject", f_reject},
      {"rejectattr", f_rejectattr},
      {"replace", f_replace},
      {"reverse", f_reverse},
      {"round", f_round},
      {"safe", f_safe},
      {"select", f_select},
      {"selectattr", f_selectattr},
      {"sort", f_sort},
      {"string", f_string},
      {"sum", f_sum},
      {"title", f_title},
      {"tojson", f_tojson},
      {"trim", f_trim},
      {"unique", f_unique},
      {"upper", f_upper},
      {"wordcount", f_wordcount},
  };
  return table;
}

}  // namespace

bool is_known_filter(const std::string& name) { return filters().count(name) != 0; }

pw::Result<Value> apply_filter(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args) {
  auto it = filters().find(name);
  if (it == filters().end()) return Evaluator::error("no filter named '" + name + "'");
  PW_TRY(ev.charge(1));
  return it->second(ev, subject, args);
}

}  // namespace pw::chat
