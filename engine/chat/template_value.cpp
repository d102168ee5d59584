#include "engine/chat/template_value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/chat/utf8_text.h"

namespace pw::chat {

namespace {

pw::Error too_large(size_t max_bytes) {
  return pw::Error(pw::ErrorCode::ResourceLimit, "chat template",
                   "a value grows past the size limit (" + std::to_string(max_bytes) + " bytes)");
}

void update_container_facts(int& depth, bool& holds_ns, const Value& item) {
  depth = std::max(depth, 1 + value_depth(item));
  holds_ns = holds_ns || holds_namespace(item);
}

}  // namespace

Value Value::undefined(std::string hint) {
  Value v;
  if (!hint.empty()) v.v_ = UndefinedTag{std::make_shared<const std::string>(std::move(hint))};
  return v;
}

Value Value::safe_string(std::string s) {
  Value v(std::move(s));
  v.safe_ = true;
  return v;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Value Value::none() {
  Value v;
  v.v_ = NoneTag{};
  return v;
}

Value Value::list(std::vector<Value> items, bool tuple) {
  auto data = std::make_shared<ListData>();
  for (const auto& item : items) update_container_facts(data->depth, data->contains_namespace, item);
  data->items = std::move(items);
  data->is_tuple = tuple;
  Value v;
  v.v_ = std::move(data);
  return v;
}

Value Value::generator(std::vector<Value> items) {
  Value v = list(std::move(items));
  v.list().is_generator = true;
  return v;
}

Value Value::dict(std::shared_ptr<DictData> data) {
  Value v;
  v.v_ = std::move(data);
  return v;
}

Value Value::dict_of(std::vector<std::pair<std::string, Value>> entries) {
  auto data = std::make_shared<DictData>();
  for (auto& [k, val] : entries) data->set(k, std::move(val));
  return dict(std::move(data));
}

Value Value::namespace_of(std::vector<std::pair<std::string, Value>> entries) {
  Value v = dict_of(std::move(entries));
  v.dict().is_namespace = true;
  return v;
}

Value Value::function(std::string name, std::function<pw::Result<Value>(Evaluator&, CallArgs&)> fn) {
  Value v;
  v.v_ = std::make_shared<const Function>(Function{std::move(name), std::move(fn)});
  return v;
}

bool Value::is_generator() const { return is_list() && list().is_generator; }

bool Value::is_namespace() const { return is_dict() && dict().is_namespace; }

int64_t Value::as_int() const { return is_bool() ? (as_bool() ? 1 : 0) : std::get<int64_t>(v_); }

double Value::as_float() const {
  if (is_float()) return std::get<double>(v_);
  return static_cast<double>(as_int());
}

std::string Value::undefined_message() const {
  const auto& tag = std::get<UndefinedTag>(v_);
  return tag.hint ? *tag.hint : std::string("value is undefined");
}

const void* Value::identity() const {
  switch (kind()) {
    case Kind::List: return std::get<std::shared_ptr<ListData>>(v_).get();
    case Kind::Dict: return std::get<std::shared_ptr<DictData>>(v_).get();
    case Kind::Function: return std::get<std::shared_ptr<const Function>>(v_).get();
    default: return nullptr;
  }
}

bool Value::truthy() const {
  switch (kind()) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Bool: return as_bool();
    case Kind::Int: return as_int() != 0;
    case Kind::Float: return as_float() != 0.0;
    case Kind::String: return !as_string().empty();
    case Kind::List: return list().is_generator || !list().items.empty();
    case Kind::Dict: return is_namespace() || dict().size() != 0;
    case Kind::Function: return true;
  }
  return false;
}

std::string Value::type_name() const {
  switch (kind()) {
    case Kind::Undefined: return "Undefined";
    case Kind::None: return "NoneType";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::List: return list().is_generator ? "generator" : list().is_tuple ? "tuple" : "list";
    case Kind::Dict: return is_namespace() ? "Namespace" : "dict";
    case Kind::Function: return "function";
  }
  return "object";
}

std::string Value::object_description() const {
  if (is_none()) return "None";
  return type_name() + " object";
}

std::optional<std::string> dict_key_id(const Value& key) {
  switch (key.kind()) {
    case Value::Kind::String: return "s:" + key.as_string();
    case Value::Kind::Bool:
    case Value::Kind::Int: return "n:" + std::to_string(key.as_int());
    case Value::Kind::Float: {
      const double d = key.as_float();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
        return "n:" + std::to_string(static_cast<int64_t>(d));  // 1.0 and 1 are one key
      }
      return "f:" + python_float_repr(d);
    }
    case Value::Kind::None: return std::string("N");
    case Value::Kind::Undefined: return std::string("U");
    case Value::Kind::Function: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "F:%p", key.identity());
      return std::string(buf);
    }
    case Value::Kind::List: {
      if (!key.list().is_tuple) return std::nullopt;
      std::string id = "t(";
      for (const auto& item : key.list().items) {
        auto part = dict_key_id(item);
        if (!part) return std::nullopt;
        id += std::to_string(part->size()) + ":" + *part;
      }
      return id + ")";
    }
    case Value::Kind::Dict: return std::nullopt;
  }
  return std::nullopt;
}

const Value* DictData::find(const Value& key) const {
  auto id = dict_key_id(key);
  if (!id) return nullptr;
  auto it = index_.find(*id);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

const Value* DictData::find(std::string_view key) const {
  auto it = index_.find("s:" + std::string(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

bool DictData::set_key(const Value& key, Value value) {
  auto id = dict_key_id(key);
  if (!id) return false;
  update_container_facts(depth, contains_namespace, key);
  update_container_facts(depth, contains_namespace, value);
  auto it = index_.find(*id);
  if (it != index_.end()) {
    entries_[it->second].second = std::move(value);  // Python keeps the first key object
    return true;
  }
  index_.emplace(std::move(*id), entries_.size());
  entries_.emplace_back(key, std::move(value));
  return true;
}

int value_depth(const Value& v) {
  if (v.is_list()) return v.list().depth;
  if (v.is_dict()) return v.dict().depth;
  return 0;
}

bool holds_namespace(const Value& v) {
  if (v.is_list()) return v.list().contains_namespace;
  if (v.is_dict()) return v.dict().is_namespace || v.dict().contains_namespace;
  return false;
}

std::string python_float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // shortest round-trip digits, e.g. "-1.5e+00"
  bool negative = false;
  if (!sci.empty() && sci[0] == '-') {
    negative = true;
    sci.erase(0, 1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits = sci.substr(0, e_pos);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  const int exponent = std::stoi(sci.substr(e_pos + 1));
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {  // Python's repr switches to exponent outside [1e-4, 1e16)
    if (exponent >= 0) {
      std::string int_part = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
      while (static_cast<int>(int_part.size()) < exponent + 1) int_part.push_back('0');
      std::string frac = digits.size() > static_cast<size_t>(exponent + 1) ? digits.substr(exponent + 1) : "0";
      out += int_part + "." + frac;
    } else {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp_buf[16];
  std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp_buf;
}

std::string python_string_repr(std::string_view s) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const bool has_double = s.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t start = pos;
    const char32_t cp = utf8::next(s, pos);
    char buf[16];
    if (cp == '\\') {
      out += "\\\\";
    } else if (cp == static_cast<char32_t>(quote)) {
      out += '\\';
      out += quote;
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
               (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(start, pos - start));
    }
  }
  out += quote;
  return out;
}

namespace {

pw::Status write_value(const Value& v, bool repr, Meter& meter, size_t max_bytes, std::string& out);

pw::Status write_items(const Value& v, Meter& meter, size_t max_bytes, std::string& out) {
  if (v.is_generator()) {
    out += "<generator object>";
    return {};
  }
  if (v.is_list()) {
    const auto& l = v.list();
    out += l.is_tuple ? '(' : '[';
    for (size_t i = 0; i < l.items.size(); ++i) {
      if (i) out += ", ";
      PW_TRY(write_value(l.items[i], true, meter, max_bytes, out));
    }
    if (l.is_tuple && l.items.size() == 1) out += ',';
    out += l.is_tuple ? ')' : ']';
    return {};
  }
  const auto& d = v.dict();
  if (d.is_namespace) out += "<Namespace ";
  out += '{';
  bool first = true;
  for (const auto& [k, val] : d.entries()) {
    if (!first) out += ", ";
    first = false;
    PW_TRY(write_value(k, true, meter, max_bytes, out));
    out += ": ";
    PW_TRY(write_value(val, true, meter, max_bytes, out));
  }
  out += '}';
  if (d.is_namespace) out += '>';
  return {};
}

pw::Status write_value(const Value& v, bool repr, Meter& meter, size_t max_bytes, std::string& out) {
  if (!meter.charge(1)) return meter.error();
  switch (v.kind()) {
    case Value::Kind::Undefined: out += repr ? "Undefined" : ""; break;
    case Value::Kind::None: out += "None"; break;
    case Value::Kind::Bool: out += v.as_bool() ? "True" : "False"; break;
    case Value::Kind::Int: out += std::to_string(v.as_int()); break;
    case Value::Kind::Float: out += python_float_repr(v.as_float()); break;
    case Value::Kind::String: out += repr ? python_string_repr(v.as_string()) : v.as_string(); break;
    case Value::Kind::List:
    case Value::Kind::Dict: PW_TRY(write_items(v, meter, max_bytes, out)); break;
    case Value::Kind::Function: out += "<function " + v.function().name + ">"; break;
  }
  if (out.size() > max_bytes) return too_large(max_bytes);
  return {};
}

}  // namespace

pw::Result<std::string> to_str(const Value& v, Meter& meter, size_t max_bytes) {
  if (v.is_string()) return v.as_string();
  std::string out;
  PW_TRY(write_value(v, false, meter, max_bytes, out));
  return out;
}

pw::Result<std::string> to_repr(const Value& v, Meter& meter, size_t max_bytes) {
  std::string out;
  PW_TRY(write_value(v, true, meter, max_bytes, out));
  return out;
}

pw::Result<bool> values_equal(const Value& a, const Value& b, Meter& meter) {
  if (!meter.charge(1)) return meter.error();
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_float() == b.as_float();
    return a.as_int() == b.as_int();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None: return true;
    case Value::Kind::String: return a.as_string() == b.as_string();
    case Value::Kind::List: {
      const auto& x = a.list();
      const auto& y = b.list();
      if (&x == &y) return true;
      if (x.is_generator || y.is_generator) return false;  // generators compare by identity
      if (x.is_tuple != y.is_tuple || x.items.size() != y.items.size()) return false;
      for (size_t i = 0; i < x.items.size(); ++i) {
        auto eq = values_equal(x.items[i], y.items[i], meter);
        if (!eq) return eq.error();
        if (!*eq) return false;
      }
      return true;
    }
    case Value::Kind::Dict: {
      const auto& x = a.dict();
      const auto& y = b.dict();
      if (&x == &y) return true;
      if (x.is_namespace || y.is_namespace) return false;  // namespaces compare by identity
      if (x.size() != y.size()) return false;
      for (const auto& [k, val] : x.entries()) {
        const Value* other = y.find(k);
        if (other == nullptr) return false;
        auto eq = values_equal(val, *other, meter);
        if (!eq) return eq.error();
        if (!*eq) return false;
      }
      return true;
    }
    case Value::Kind::Function: return a.identity() == b.identity();
    default: return false;
  }
}

pw::Result<bool> values_less(const Value& a, const Value& b, Meter& meter) {
  if (!meter.charge(1)) return meter.error();
  if (a.is_undefined() || b.is_undefined()) {
    return pw::Error(pw::ErrorCode::Corrupt, "chat template", (a.is_undefined() ? a : b).undefined_message());
  }
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_float() < b.as_float();
    return a.as_int() < b.as_int();
  }
  if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
  if (a.is_list() && b.is_list() && a.list().is_tuple == b.list().is_tuple && !a.is_generator() && !b.is_generator()) {
    const auto& x = a.list().items;
    const auto& y = b.list().items;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      auto eq = values_equal(x[i], y[i], meter);
      if (!eq) return eq.error();
      if (!*eq) return values_less(x[i], y[i], meter);
    }
    return x.size() < y.size();
  }
  return pw::Error(pw::ErrorCode::Corrupt, "chat template",
                   "'<' not supported between instances of '" + a.type_name() + "' and '" + b.type_name() + "'");
}

}  // namespace pw::chat
