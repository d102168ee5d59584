// Python's printf-style string formatting: "%s and %5.2f" % (a, b) and the |format filter.
#include <cmath>
#include <cstdio>

#include "engine/chat/result_macros.h"
#include "engine/chat/template_builtins.h"
#include "engine/chat/utf8_text.h"

namespace pw::chat {

namespace {

struct Spec {
  bool left = false, plus = false, space = false, zero = false, alt = false;
  int width = -1;
  int precision = -1;
  char conversion = 's';
};

std::string pad(std::string body, const Spec& spec, bool numeric) {
  const auto len = static_cast<int>(utf8::length(body));
  if (spec.width <= len) return body;
  const auto fill = static_cast<size_t>(spec.width - len);
  if (spec.left) return body + std::string(fill, ' ');
  if (numeric && spec.zero) {
    size_t sign = (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
    if (body.size() > sign + 1 && body[sign] == '0' && std::string("xXo").find(body[sign + 1]) != std::string::npos)
      sign += 2;
    return body.substr(0, sign) + std::string(fill, '0') + body.substr(sign);
  }
  return std::string(fill, ' ') + body;
}

std::string sign_prefix(bool negative, const Spec& spec) {
  if (negative) return "-";
  if (spec.plus) return "+";
  if (spec.space) return " ";
  return "";
}

pw::Result<std::string> format_one(Evaluator& ev, const Spec& spec, const Value& v) {
  const char c = spec.conversion;
  if (c == 's' || c == 'r' || c == 'a') {
    PW_CHAT_ASSIGN(std::string s, c == 's' ? ev.str(v) : to_repr(v, ev.meter(), ev.limits().max_output_bytes));
    if (spec.precision >= 0) {
      const auto cuts = utf8::boundaries(s);
      if (static_cast<size_t>(spec.precision) + 1 < cuts.size()) s.resize(cuts[static_cast<size_t>(spec.precision)]);
    }
    return pad(std::move(s), spec, false);
  }
  if (c == 'c') {
    if (v.is_string() && utf8::length(v.as_string()) == 1) return pad(v.as_string(), spec, false);
    if (v.is_int() && v.as_int() >= 0 && v.as_int() <= 0x10FFFF) {
      std::string s;
      utf8::append(s, static_cast<char32_t>(v.as_int()));
      return pad(std::move(s), spec, false);
    }
    return Evaluator::error("%c requires an int or a unicode character");
  }
  if (v.is_undefined()) return Evaluator::undefined_error(v);
  if (!v.is_number()) {
    return Evaluator::error(std::string("%") + c + " format: a real number is required, not " + v.type_name());
  }
  if (c == 'd' || c == 'i' || c == 'u' || c == 'o' || c == 'x' || c == 'X') {
    if (v.is_float() && (c == 'o' || c == 'x' || c == 'X')) {
      return Evaluator::error(std::string("%") + c + " format: an integer is required, not float");
    }
    int64_t n = 0;
    if (v.is_float()) {
      const double d = v.as_float();
      if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return Evaluator::error("cannot convert float to integer");
      n = static_cast<int64_t>(d);
    } else {
      n = v.as_int();
    }
    const bool negative = n < 0;
    const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
    char buf[64];
    const char* fmt = (c == 'o') ? "%llo" : (c == 'x') ? "%llx" : (c == 'X') ? "%llX" : "%llu";
    std::snprintf(buf, sizeof buf, fmt, static_cast<unsigned long long>(magnitude));
    std::string digits = buf;
    if (spec.precision > static_cast<int>(digits.size()))
      digits.insert(0, static_cast<size_t>(spec.precision) - digits.size(), '0');
    std::string prefix = spec.alt ? (c == 'o' ? "0o" : c == 'x' ? "0x" : c == 'X' ? "0X" : "") : "";
    return pad(sign_prefix(negative, spec) + prefix + digits, spec, true);
  }
  if (std::string("eEfFgG").find(c) != std::string::npos) {
    const double d = v.as_float();
    std::string fmt = "%";
    if (spec.alt) fmt += '#';
    fmt += '.';
    fmt += std::to_string(spec.precision < 0 ? 6 : std::min(spec.precision, 300));
    fmt += c;
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt.c_str(), std::fabs(d));
    return pad(sign_prefix(std::signbit(d) && !std::isnan(d), spec) + buf, spec, true);
  }
  return Evaluator::error(std::string("unsupported format character '") + c + "'");
}

}  // namespace

pw::Result<std::string> percent_format(Evaluator& ev, const std::string& format, const Value& args) {
  std::vector<Value> positional;
  const Value* mapping = nullptr;
  if (args.is_list() && args.list().is_tuple) {
    positional = args.list().items;
  } else if (args.is_dict() && !args.is_namespace()) {
    mapping = &args;
  } else {
    positional.push_back(args);
  }
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i >= format.size()) return Evaluator::error("incomplete format");
    if (format[i] == '%') {
      out += '%';
      continue;
    }
    Spec spec;
    const Value* value = nullptr;
    if (format[i] == '(') {
      const size_t close = format.find(')', i);
      if (close == std::string::npos) return Evaluator::error("incomplete format key");
      if (mapping == nullptr) return Evaluator::error("format requires a mapping");
      const std::string key = format.substr(i + 1, close - i - 1);
      value = mapping->dict().find(std::string_view(key));
      if (value == nullptr) return Evaluator::error("KeyError: '" + key + "'");
      i = close + 1;
    }
    for (; i < format.size() && std::string("-+ 0#").find(format[i]) != std::string::npos; ++i) {
      spec.left |= format[i] == '-';
      spec.plus |= format[i] == '+';
      spec.space |= format[i] == ' ';
      spec.zero |= format[i] == '0';
      spec.alt |= format[i] == '#';
    }
    if (i < format.size() && format[i] == '*') return Evaluator::error("'*' widths are not supported");
    for (; i < format.size() && format[i] >= '0' && format[i] <= '9'; ++i) {
      spec.width = std::max(spec.width, 0) * 10 + (format[i] - '0');
      if (spec.width > 4096) return Evaluator::error("format width too large");
    }
    if (i < format.size() && format[i] == '.') {
      spec.precision = 0;
      for (++i; i < format.size() && format[i] >= '0' && format[i] <= '9'; ++i) {
        spec.precision = spec.precision * 10 + (format[i] - '0');
        if (spec.precision > 4096) return Evaluator::error("format precision too large");
      }
    }
    if (i >= format.size()) return Evaluator::error("incomplete format");
    spec.conversion = format[i];
    if (value == nullptr) {
      if (mapping != nullptr && positional.empty()) return Evaluator::error("format requires a mapping");
      if (next >= positional.size()) return Evaluator::error("not enough arguments for format string");
      value = &positional[next++];
    }
    PW_CHAT_ASSIGN(std::string piece, format_one(ev, spec, *value));
    out += piece;
    if (out.size() > ev.limits().max_output_bytes) return out;  // the caller's make_string reports it
  }
  if (mapping == nullptr && next < positional.size()) {
    return Evaluator::error("not all arguments converted during string formatting");
  }
  return out;
}

}  // namespace pw::chat
