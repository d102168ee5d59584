// Built-ins a chat template can call: Jinja filters and tests, global functions
// (range, namespace, dict, raise_exception) and methods of str, dict and list.
//
//   pw::Result<Value> v = apply_filter(ev, "trim", Value("  hi "), args);      // "hi"
//   pw::Result<bool> b = apply_test(ev, "defined", Value::undefined(), args);  // false
//   std::optional<Value> m = builtin_method(Value("a,b"), "split");           // bound method
//
// Behaviour mirrors Jinja2 3.1 and Python 3 (see the golden tests); `tojson` is Hugging Face's
// json.dumps(ensure_ascii=False) version. Files: template_filters.cpp, template_tests.cpp,
// template_methods.cpp (methods and globals), template_format.cpp (printf-style %).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/chat/template_evaluator.h"
#include "engine/chat/template_value.h"

namespace pw::chat {

bool is_known_filter(const std::string& name);
pw::Result<Value> apply_filter(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args);

bool is_known_test(const std::string& name);
pw::Result<bool> apply_test(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args);

// The bound method `name` of a str, dict or list; nullopt when that type has none by that name.
std::optional<Value> builtin_method(const Value& object, const std::string& name);
// Methods that would change a list or dict: the sandbox refuses them, as Hugging Face's does.
bool is_unsafe_method(const Value& object, const std::string& name);

// range, dict, namespace, raise_exception.
std::vector<std::pair<std::string, Value>> builtin_globals();

// Binds positional and keyword arguments to parameter names (Python call rules); absent ones
// are nullopt. Errors on unknown keywords or too many positional arguments.
pw::Result<std::vector<std::optional<Value>>> bind_args(const CallArgs& args, std::initializer_list<const char*> params,
                                                        const std::string& function);

// Python's "format % args" (args: a tuple, a mapping for %(key)s, or one value).
pw::Result<std::string> percent_format(Evaluator& ev, const std::string& format, const Value& args);

// Jinja's attribute getter for filters like map/selectattr/sort: "a.b.0" walks a, b, then index 0.
pw::Result<Value> get_attribute_path(Evaluator& ev, const Value& object, const std::string& path);

}  // namespace pw::chat
