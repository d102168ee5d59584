#include "engine/gguf/gguf_value.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace pw::gguf {

const char* gguf_type_name(GgufType t) {
  switch (t) {
    case GgufType::U8: return "u8";
    case GgufType::I8: return "i8";
    case GgufType::U16: return "u16";
    case GgufType::I16: return "i16";
    case GgufType::U32: return "u32";
    case GgufType::I32: return "i32";
    case GgufType::F32: return "f32";
    case GgufType::Bool: return "bool";
    case GgufType::String: return "string";
    case GgufType::Array: return "array";
    case GgufType::U64: return "u64";
    case GgufType::I64: return "i64";
    case GgufType::F64: return "f64";
  }
  return "invalid";
}

size_t gguf_scalar_size(GgufType t) {
  switch (t) {
    case GgufType::U8:
    case GgufType::I8:
    case GgufType::Bool: return 1;
    case GgufType::U16:
    case GgufType::I16: return 2;
    case GgufType::U32:
    case GgufType::I32:
    case GgufType::F32: return 4;
    case GgufType::U64:
    case GgufType::I64:
    case GgufType::F64: return 8;
    case GgufType::String:
    case GgufType::Array: return 0;
  }
  return 0;
}

size_t gguf_min_encoded_size(GgufType t) {
  if (t == GgufType::String) return 8;       // u64 length
  if (t == GgufType::Array) return 4 + 8;    // u32 element type + u64 count
  return gguf_scalar_size(t);
}

size_t validated_encoded_size(GgufType type, const uint8_t* p) {
  if (type == GgufType::String) return 8 + static_cast<size_t>(load_unaligned<uint64_t>(p));
  if (type != GgufType::Array) return gguf_scalar_size(type);
  const auto element = static_cast<GgufType>(load_unaligned<uint32_t>(p));
  const uint64_t count = load_unaligned<uint64_t>(p + 4);
  size_t size = 12;
  if (element != GgufType::String && element != GgufType::Array) return size + static_cast<size_t>(count) * gguf_scalar_size(element);
  for (uint64_t i = 0; i < count; ++i) size += validated_encoded_size(element, p + size);
  return size;
}

GgufValue GgufValue::from_validated(GgufType type, const uint8_t* encoded, size_t encoded_size) {
  GgufValue v;
  v.type_ = type;
  v.encoded_ = encoded;
  v.encoded_size_ = encoded_size;
  if (type == GgufType::String) {
    v.payload_ = encoded + 8;
    v.payload_size_ = encoded_size - 8;
  } else if (type == GgufType::Array) {
    v.element_type_ = static_cast<GgufType>(load_unaligned<uint32_t>(encoded));
    v.count_ = load_unaligned<uint64_t>(encoded + 4);
    v.payload_ = encoded + 12;
    v.payload_size_ = encoded_size - 12;
  } else {
    v.payload_ = encoded;
    v.payload_size_ = encoded_size;
  }
  return v;
}

std::optional<uint64_t> GgufValue::to_u64() const {
  switch (type_) {
    case GgufType::U8: return load_unaligned<uint8_t>(payload_);
    case GgufType::U16: return load_unaligned<uint16_t>(payload_);
    case GgufType::U32: return load_unaligned<uint32_t>(payload_);
    case GgufType::U64: return load_unaligned<uint64_t>(payload_);
    case GgufType::I8:
    case GgufType::I16:
    case GgufType::I32:
    case GgufType::I64: {
      const int64_t s = *to_i64();
      if (s < 0) return std::nullopt;
      return static_cast<uint64_t>(s);
    }
    default: return std::nullopt;
  }
}

std::optional<int64_t> GgufValue::to_i64() const {
  switch (type_) {
    case GgufType::I8: return load_unaligned<int8_t>(payload_);
    case GgufType::I16: return load_unaligned<int16_t>(payload_);
    case GgufType::I32: return load_unaligned<int32_t>(payload_);
    case GgufType::I64: return load_unaligned<int64_t>(payload_);
    case GgufType::U8:
    case GgufType::U16:
    case GgufType::U32:
    case GgufType::U64: {
      const uint64_t u = *to_u64();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
      return static_cast<int64_t>(u);
    }
    default: return std::nullopt;
  }
}

std::optional<double> GgufValue::to_f64() const {
  if (type_ == GgufType::F32) return load_unaligned<float>(payload_);
  if (type_ == GgufType::F64) return load_unaligned<double>(payload_);
  if (type_ == GgufType::U64) return static_cast<double>(load_unaligned<uint64_t>(payload_));
  if (is_integer()) return static_cast<double>(*to_i64());
  return std::nullopt;
}

std::optional<bool> GgufValue::to_bool() const {
  if (type_ != GgufType::Bool) return std::nullopt;
  return payload_[0] != 0;
}

std::optional<std::string_view> GgufValue::to_string() const {
  if (type_ != GgufType::String) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(payload_), payload_size_);
}

std::string_view GgufStringArray::iterator::operator*() const {
  const uint64_t n = load_unaligned<uint64_t>(p_);
  return std::string_view(reinterpret_cast<const char*>(p_ + 8), static_cast<size_t>(n));
}

GgufStringArray::iterator& GgufStringArray::iterator::operator++() {
  p_ += 8 + static_cast<size_t>(load_unaligned<uint64_t>(p_));
  return *this;
}

std::vector<std::string_view> GgufStringArray::to_vector() const {
  std::vector<std::string_view> out;
  // count_ was checked against the bytes the array occupies (>= 8 bytes per string).
  out.reserve(static_cast<size_t>(count_));
  for (std::string_view s : *this) out.push_back(s);
  return out;
}

GgufValue GgufArrayElements::iterator::operator*() const {
  return GgufValue::from_validated(type_, p_, validated_encoded_size(type_, p_));
}

GgufArrayElements::iterator& GgufArrayElements::iterator::operator++() {
  p_ += validated_encoded_size(type_, p_);
  return *this;
}

namespace {

std::string quote(std::string_view s, size_t max_chars) {
  std::string out = "\"";
  const size_t n = std::min(s.size(), max_chars);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);  // UTF-8 bytes pass through
    }
  }
  out += '"';
  if (s.size() > max_chars) out += "...";
  return out;
}

std::string format_float(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string GgufValue::summary(size_t max_elements, size_t max_string) const {
  switch (type_) {
    case GgufType::Bool: return *to_bool() ? "true" : "false";
    case GgufType::String: return quote(*to_string(), max_string);
    case GgufType::F32: return format_float(load_unaligned<float>(payload_));
    case GgufType::F64: return format_float(load_unaligned<double>(payload_));
    case GgufType::U64: return std::to_string(load_unaligned<uint64_t>(payload_));
    case GgufType::Array: {
      std::string out = "[" + std::string(gguf_type_name(element_type_)) + " x " + std::to_string(count_);
      size_t shown = 0;
      for (const GgufValue& e : elements()) {
        if (shown == max_elements) {
          out += ", ...";
          break;
        }
        out += shown == 0 ? ": " : ", ";
        out += e.summary(max_elements, max_string);
        ++shown;
      }
      return out + "]";
    }
    default: return std::to_string(*to_i64());
  }
}

}  // namespace pw::gguf
