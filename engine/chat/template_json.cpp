#include "engine/chat/template_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/chat/result_macros.h"
#include "engine/chat/utf8_text.h"

namespace pw::chat {

namespace {

void write_json_string(std::string_view s, bool ensure_ascii, std::string& out) {
  out += '"';
  size_t pos = 0;
  char buf[16];
  while (pos < s.size()) {
    const size_t start = pos;
    const char32_t cp = utf8::next(s, pos);
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (cp < 0x20) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else if (ensure_ascii && cp >= 0x80) {
      if (cp >= 0x10000) {
        const char32_t v = cp - 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 + (v >> 10)),
                      static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      }
      out += buf;
    } else {
      out.append(s.substr(start, pos - start));
    }
  }
  out += '"';
}

class JsonWriter {
 public:
  JsonWriter(const JsonDumpOptions& o, Meter& meter, size_t max_bytes)
      : o_(o),
        meter_(meter),
        max_bytes_(max_bytes),
        item_sep_(o.item_separator ? *o.item_separator : (o.indent ? "," : ", ")) {}

  pw::Status write(const Value& v, int level) {
    if (!meter_.charge(1)) return meter_.error();
    switch (v.kind()) {
      case Value::Kind::None: out += "null"; break;
      case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
      case Value::Kind::Int: out += std::to_string(v.as_int()); break;
      case Value::Kind::Float: {
        const double d = v.as_float();
        if (std::isnan(d))
          out += "NaN";
        else if (std::isinf(d))
          out += d < 0 ? "-Infinity" : "Infinity";
        else
          out += python_float_repr(d);
        break;
      }
      case Value::Kind::String: write_json_string(v.as_string(), o_.ensure_ascii, out); break;
      case Value::Kind::List:
        if (v.is_generator()) return not_serializable(v);
        PW_TRY(write_list(v.list(), level));
        break;
      case Value::Kind::Dict:
        if (v.is_namespace()) return not_serializable(v);
        PW_TRY(write_dict(v.dict(), level));
        break;
      default: return not_serializable(v);
    }
    if (out.size() > max_bytes_) {
      return pw::Error(pw::ErrorCode::ResourceLimit, "chat template",
                       "tojson output grows past the size limit (" + std::to_string(max_bytes_) + " bytes)");
    }
    return {};
  }

  std::string out;

 private:
  // Python's json turns int, float, bool and None keys into strings.
  static pw::Result<std::string> key_text(const Value& k) {
    switch (k.kind()) {
      case Value::Kind::String: return k.as_string();
      case Value::Kind::Bool: return std::string(k.as_bool() ? "true" : "false");
      case Value::Kind::Int: return std::to_string(k.as_int());
      case Value::Kind::None: return std::string("null");
      case Value::Kind::Float: {
        const double d = k.as_float();
        if (std::isnan(d)) return std::string("NaN");
        if (std::isinf(d)) return std::string(d < 0 ? "-Infinity" : "Infinity");
        return python_float_repr(d);
      }
      default:
        return pw::Error(pw::ErrorCode::Corrupt, "chat template",
                         "keys must be str, int, float, bool or None, not " + k.type_name());
    }
  }

  static pw::Error not_serializable(const Value& v) {
    return pw::Error(pw::ErrorCode::Corrupt, "chat template",
                     "Object of type " + v.type_name() + " is not JSON serializable");
  }

  void newline(int level) {
    if (!o_.indent) return;
    out += '\n';
    for (int i = 0; i < level; ++i) out += *o_.indent;
  }

  pw::Status write_list(const ListData& l, int level) {
    if (l.items.empty()) {
      out += "[]";
      return {};
    }
    out += '[';
    for (size_t i = 0; i < l.items.size(); ++i) {
      if (i) out += item_sep_;
      newline(level + 1);
      PW_TRY(write(l.items[i], level + 1));
    }
    newline(level);
    out += ']';
    return {};
  }

  pw::Status write_dict(const DictData& d, int level) {
    if (d.size() == 0) {
      out += "{}";
      return {};
    }
    std::vector<const std::pair<Value, Value>*> order;
    for (const auto& e : d.entries()) order.push_back(&e);
    if (o_.sort_keys) {
      std::optional<pw::Error> failure;
      std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) {
        if (failure) return false;
        auto less = values_less(a->first, b->first, meter_);
        if (!less) failure = less.error();
        return less.ok() && *less;
      });
      if (failure) return *failure;
    }
    out += '{';
    bool first = true;
    for (const auto* e : order) {
      if (!first) out += item_sep_;
      first = false;
      newline(level + 1);
      PW_CHAT_ASSIGN(std::string key, key_text(e->first));
      write_json_string(key, o_.ensure_ascii, out);
      out += o_.key_separator;
      PW_TRY(write(e->second, level + 1));
    }
    newline(level);
    out += '}';
    return {};
  }

  const JsonDumpOptions& o_;
  Meter& meter_;
  size_t max_bytes_;
  std::string item_sep_;
};

using Json = nlohmann::ordered_json;

pw::Result<Value> convert(const Json& j, int depth, const std::string& what) {
  if (depth > kMaxValueDepth) {
    return pw::Error(pw::ErrorCode::ResourceLimit, what,
                     "JSON nests deeper than " + std::to_string(kMaxValueDepth) + " levels");
  }
  switch (j.type()) {
    case Json::value_t::null: return Value::none();
    case Json::value_t::boolean: return Value(j.get<bool>());
    case Json::value_t::number_integer: return Value(j.get<int64_t>());
    case Json::value_t::number_unsigned: {
      const auto u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Value(static_cast<int64_t>(u));
      return Value(static_cast<double>(u));
    }
    case Json::value_t::number_float: return Value(j.get<double>());
    case Json::value_t::string: return Value(j.get<std::string>());
    case Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& e : j) {
        auto v = convert(e, depth + 1, what);
        if (!v) return v.error();
        items.push_back(std::move(*v));
      }
      return Value::list(std::move(items));
    }
    case Json::value_t::object: {
      auto data = std::make_shared<DictData>();
      for (const auto& [k, e] : j.items()) {
        auto v = convert(e, depth + 1, what);
        if (!v) return v.error();
        data->set(k, std::move(*v));
      }
      return Value::dict(std::move(data));
    }
    default: return pw::Error(pw::ErrorCode::Unsupported, what, "unsupported JSON value");
  }
}

}  // namespace

pw::Result<std::string> to_json(const Value& v, const JsonDumpOptions& options, Meter& meter, size_t max_bytes) {
  JsonWriter w(options, meter, max_bytes);
  PW_TRY(w.write(v, 0));
  return std::move(w.out);
}

pw::Result<Value> value_from_json(std::string_view json_text, const std::string& what) {
  Json j = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return pw::Error(pw::ErrorCode::Corrupt, what, "not valid JSON");
  return convert(j, 0, what);
}

}  // namespace pw::chat
