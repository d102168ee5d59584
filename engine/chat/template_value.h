// The values a chat template computes with: Jinja/Python semantics in C++.
//
//   Value v = Value::dict_of({{"role", Value("user")}, {"content", Value("Hi")}});
//   v.dict().find("role")->as_string();          // "user"
//   Value n = Value::undefined("'x' is undefined");
//   n.truthy();                                   // false, prints as ""
//   pw::Result<std::string> s = to_str(Value::list({Value(int64_t{1}), Value("a")}), meter);  // "[1, 'a']"
//
// Kinds mirror what Jinja templates see: Undefined (carries the message an error would show),
// None, bool, int (64-bit; overflow is an error, not a bigint), float, str (UTF-8 bytes), list
// (or tuple), dict (insertion-ordered, string keys; also Jinja's namespace()), and callables
// (built-in functions, bound methods, macros). Lists and dicts are shared by reference, as in
// Python; only namespace objects (and a generator's read position) ever change.
// Dict keys may be any hashable value (str, int, float, bool, None, tuples of those), with
// Python's equalities: 1, 1.0 and True are the same key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "engine/chat/template_limits.h"
#include "engine/util/status.h"

namespace pw::chat {

class Value;
class Evaluator;

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;
};

// A callable: built-in function, bound method or macro. The evaluator is passed in so that
// macros can render and built-ins can charge work and read limits.
struct Function {
  std::string name;
  std::function<pw::Result<Value>(Evaluator&, CallArgs&)> call;
};

struct ListData;
class DictData;

class Value {
 public:
  enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Function };

  Value() : v_(UndefinedTag{}) {}
  explicit Value(bool b) : v_(b) {}
  explicit Value(int64_t i) : v_(i) {}
  explicit Value(double d) : v_(d) {}
  // Strings are shared, not copied, when values are copied: templates read the same message
  // text many times.
  explicit Value(std::string s) : v_(SharedString{std::make_shared<const std::string>(std::move(s))}) {}
  explicit Value(const char* s) : Value(std::string(s)) {}

  static Value undefined(std::string hint = {});
  // Jinja's Markup (from |safe or |escape): `markup + str` HTML-escapes the str operand.
  static Value safe_string(std::string s);
  static Value none();
  static Value list(std::vector<Value> items, bool tuple = false);
  static Value generator(std::vector<Value> items);
  static Value dict(std::shared_ptr<DictData> data);
  static Value dict_of(std::vector<std::pair<std::string, Value>> entries);
  static Value namespace_of(std::vector<std::pair<std::string, Value>> entries);
  static Value function(std::string name, std::function<pw::Result<Value>(Evaluator&, CallArgs&)> fn);

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_undefined() const { return kind() == Kind::Undefined; }
  bool is_none() const { return kind() == Kind::None; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_float() const { return kind() == Kind::Float; }
  bool is_number() const { return is_int() || is_float() || is_bool(); }  // Python: bool is an int
  bool is_string() const { return kind() == Kind::String; }
  bool is_safe_string() const { return is_string() && safe_; }
  bool is_list() const { return kind() == Kind::List; }
  bool is_generator() const;
  bool is_dict() const { return kind() == Kind::Dict; }
  bool is_namespace() const;
  bool is_function() const { return kind() == Kind::Function; }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const;   // int or bool
  double as_float() const;  // any number
  const std::string& as_string() const { return *std::get<SharedString>(v_).text; }
  ListData& list() const { return *std::get<std::shared_ptr<ListData>>(v_); }
  DictData& dict() const { return *std::get<std::shared_ptr<DictData>>(v_); }
  const Function& function() const { return *std::get<std::shared_ptr<const Function>>(v_); }
  // The message an error about this undefined value shows ("'x' is undefined").
  std::string undefined_message() const;
  // Identity of a list/dict/function (for `is sameas` and cycle checks); nullptr for others.
  const void* identity() const;

  bool truthy() const;
  // Python's type name for messages: "str", "int", "list", "dict", "NoneType", ...
  std::string type_name() const;
  // Jinja's object_type_repr: "'dict object'", "None", ...
  std::string object_description() const;

 private:
  struct UndefinedTag {
    std::shared_ptr<const std::string> hint;
  };
  struct NoneTag {};
  struct SharedString {
    std::shared_ptr<const std::string> text;
  };
  std::variant<UndefinedTag, NoneTag, bool, int64_t, double, SharedString, std::shared_ptr<ListData>,
               std::shared_ptr<DictData>, std::shared_ptr<const Function>>
      v_;
  bool safe_ = false;  // strings only: Markup
};

// Nesting depth and "holds a namespace" are fixed when a list is made (lists never change), so
// deep or self-referencing structures can be refused in O(1): see kMaxValueDepth.
// A generator (what Jinja's map/select/selectattr/unique/reverse return) is a list marked
// is_generator: always truthy, no len(), not JSON serializable, and consumed by iteration
// (items before `consumed` are gone), as in Python.
struct ListData {
  std::vector<Value> items;
  bool is_tuple = false;
  bool is_generator = false;
  size_t consumed = 0;  // generators only
  int depth = 1;
  bool contains_namespace = false;
};

// The identity of a dict key ("s:abc", "n:1" for 1, 1.0 and True, ...); nullopt when the value
// cannot be a key (lists, dicts), as Python raises "unhashable type".
std::optional<std::string> dict_key_id(const Value& key);

// Insertion-ordered map (Python dicts keep insertion order; tojson relies on it).
class DictData {
 public:
  const Value* find(const Value& key) const;  // nullptr when absent or unhashable
  const Value* find(std::string_view key) const;
  // False (and nothing stored) when the key is unhashable.
  bool set_key(const Value& key, Value value);
  void set(const std::string& key, Value value) { set_key(Value(key), std::move(value)); }
  const std::vector<std::pair<Value, Value>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool is_namespace = false;
  int depth = 1;                    // 1 + deepest value
  bool contains_namespace = false;  // a value is or holds a namespace

 private:
  std::vector<std::pair<Value, Value>> entries_;
  std::unordered_map<std::string, size_t> index_;
};

// Deepest nesting of lists/dicts a template may build or receive. Namespaces may not hold
// namespaces (checked on attribute assignment), so values can neither form cycles nor grow
// deeper than about twice this, and recursive walks over them stay shallow.
inline constexpr int kMaxValueDepth = 100;
int value_depth(const Value& v);       // 0 for scalars
bool holds_namespace(const Value& v);  // is or contains a namespace

// Python str(): what {{ v }}, ~ and |string produce. Undefined prints as "".
pw::Result<std::string> to_str(const Value& v, Meter& meter, size_t max_bytes = SIZE_MAX);
// Python repr(), used inside str() of lists and dicts.
pw::Result<std::string> to_repr(const Value& v, Meter& meter, size_t max_bytes = SIZE_MAX);
std::string python_float_repr(double d);
std::string html_escape(std::string_view s);  // Markup escaping: & < > " '
std::string python_string_repr(std::string_view s);

// Python ==. Deep, charged to the meter (nested values can be large).
pw::Result<bool> values_equal(const Value& a, const Value& b, Meter& meter);
// Python <, for sorting and comparisons: numbers, strings, and lists/tuples of those.
// Errors for other combinations, as Python raises TypeError.
pw::Result<bool> values_less(const Value& a, const Value& b, Meter& meter);

}  // namespace pw::chat
