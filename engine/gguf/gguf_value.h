// GGUF metadata values as read-only views into a GGUF file's bytes (no copies).
//
//   const pw::gguf::GgufValue* v = file.find("tokenizer.ggml.tokens");
//   if (v && v->is_array() && v->element_type() == pw::gguf::GgufType::String)
//     for (std::string_view token : v->strings()) ...          // walks lazily, no allocation
//   if (auto n = v->to_u64()) ...                               // any integer type, if it fits
//   for (float s : v->scalars<float>()) ...                     // arrays of scalars, read unaligned
//   for (const GgufValue& inner : v->elements()) ...            // any array, also nested ones
//
// A GgufValue only exists for bytes the parser has already checked (engine/gguf/gguf_parse.cpp),
// so reading through it never goes out of bounds. It points into the file mapping (or the
// caller's buffer for GgufFile::parse): it must not outlive the GgufFile it came from.
//
// What must not change: the GgufType numbers are the on-disk type tags of the GGUF format, and
// values are little-endian (big-endian files are rejected by the parser).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pw::gguf {

enum class GgufType : uint32_t {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
};

inline constexpr uint32_t kGgufTypeCount = 13;

// True when `raw` is one of the 13 GGUF value type tags.
inline bool is_valid_gguf_type(uint32_t raw) { return raw < kGgufTypeCount; }
// "u8", "i32", "f32", "bool", "string", "array", ... (for messages and gguf-dump).
const char* gguf_type_name(GgufType t);
// Bytes of one value of a fixed-size type; 0 for String and Array.
size_t gguf_scalar_size(GgufType t);
// The fewest bytes one encoded value of this type can take (string: its 8-byte length,
// array: element type + count). Used to reject counts that cannot fit in the bytes left.
size_t gguf_min_encoded_size(GgufType t);
inline bool gguf_is_integer(GgufType t) {
  return t == GgufType::U8 || t == GgufType::I8 || t == GgufType::U16 || t == GgufType::I16 ||
         t == GgufType::U32 || t == GgufType::I32 || t == GgufType::U64 || t == GgufType::I64;
}

// The GgufType of a C++ scalar (uint8_t -> U8, float -> F32, bool -> Bool, ...).
template <typename T> struct GgufTypeOf;
template <> struct GgufTypeOf<uint8_t> { static constexpr GgufType value = GgufType::U8; };
template <> struct GgufTypeOf<int8_t> { static constexpr GgufType value = GgufType::I8; };
template <> struct GgufTypeOf<uint16_t> { static constexpr GgufType value = GgufType::U16; };
template <> struct GgufTypeOf<int16_t> { static constexpr GgufType value = GgufType::I16; };
template <> struct GgufTypeOf<uint32_t> { static constexpr GgufType value = GgufType::U32; };
template <> struct GgufTypeOf<int32_t> { static constexpr GgufType value = GgufType::I32; };
template <> struct GgufTypeOf<float> { static constexpr GgufType value = GgufType::F32; };
template <> struct GgufTypeOf<bool> { static constexpr GgufType value = GgufType::Bool; };
template <> struct GgufTypeOf<uint64_t> { static constexpr GgufType value = GgufType::U64; };
template <> struct GgufTypeOf<int64_t> { static constexpr GgufType value = GgufType::I64; };
template <> struct GgufTypeOf<double> { static constexpr GgufType value = GgufType::F64; };

// Reads a little-endian scalar from possibly unaligned bytes (memcpy: no alignment UB).
template <typename T>
inline T load_unaligned(const uint8_t* p) {
  if constexpr (std::is_same_v<T, bool>) {
    return *p != 0;
  } else {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
  }
}

class GgufValue;

// Lazy view of an array of fixed-size scalars; elements are read with memcpy because GGUF
// does not align metadata (a std::span<const float> over it would be misaligned).
template <typename T>
class GgufScalarArray {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = T;
    iterator() = default;
    explicit iterator(const uint8_t* p) : p_(p) {}
    T operator*() const { return load_unaligned<T>(p_); }
    iterator& operator++() { p_ += sizeof(T); return *this; }
    iterator operator++(int) { iterator old = *this; ++*this; return old; }
    bool operator==(const iterator& o) const { return p_ == o.p_; }
   private:
    const uint8_t* p_ = nullptr;
  };

  GgufScalarArray() = default;
  GgufScalarArray(const uint8_t* data, uint64_t count) : data_(data), count_(count) {}
  uint64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Precondition: i < size().
  T operator[](uint64_t i) const { return load_unaligned<T>(data_ + i * sizeof(T)); }
  iterator begin() const { return iterator(data_); }
  iterator end() const { return iterator(data_ + count_ * sizeof(T)); }
  std::vector<T> to_vector() const { return std::vector<T>(begin(), end()); }
  // The raw little-endian bytes (size() * sizeof(T)).
  std::span<const uint8_t> bytes() const { return {data_, static_cast<size_t>(count_ * sizeof(T))}; }

 private:
  const uint8_t* data_ = nullptr;
  uint64_t count_ = 0;
};

// Lazy forward view of an array of strings (each is a u64 length + bytes, so element i can
// only be found by walking; use to_vector() once when random access is needed).
class GgufStringArray {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    iterator() = default;
    explicit iterator(const uint8_t* p) : p_(p) {}
    std::string_view operator*() const;
    iterator& operator++();
    iterator operator++(int) { iterator old = *this; ++*this; return old; }
    bool operator==(const iterator& o) const { return p_ == o.p_; }
   private:
    const uint8_t* p_ = nullptr;
  };

  GgufStringArray() = default;
  GgufStringArray(const uint8_t* data, size_t bytes, uint64_t count) : data_(data), bytes_(bytes), count_(count) {}
  uint64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  iterator begin() const { return iterator(data_); }
  iterator end() const { return iterator(data_ + bytes_); }
  std::vector<std::string_view> to_vector() const;

 private:
  const uint8_t* data_ = nullptr;
  size_t bytes_ = 0;
  uint64_t count_ = 0;
};

// Lazy forward view of the elements of any array as GgufValues (needed for nested arrays).
class GgufArrayElements {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = GgufValue;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = GgufValue;
    iterator() = default;
    iterator(GgufType type, const uint8_t* p) : type_(type), p_(p) {}
    GgufValue operator*() const;
    iterator& operator++();
    iterator operator++(int) { iterator old = *this; ++*this; return old; }
    bool operator==(const iterator& o) const { return p_ == o.p_; }
   private:
    GgufType type_ = GgufType::U8;
    const uint8_t* p_ = nullptr;
  };

  GgufArrayElements() = default;
  GgufArrayElements(GgufType type, const uint8_t* data, size_t bytes, uint64_t count)
      : type_(type), data_(data), bytes_(bytes), count_(count) {}
  uint64_t size() const { return count_; }
  iterator begin() const { return iterator(type_, data_); }
  iterator end() const { return iterator(type_, data_ + bytes_); }

 private:
  GgufType type_ = GgufType::U8;
  const uint8_t* data_ = nullptr;
  size_t bytes_ = 0;
  uint64_t count_ = 0;
};

// One metadata value: a scalar, a string or an array (of any type, arrays included).
class GgufValue {
 public:
  GgufValue() = default;

  // Builds the view of the already-validated encoding at `encoded` (the bytes after the
  // value's type tag; `encoded_size` of them). Only the parser and the views call this.
  static GgufValue from_validated(GgufType type, const uint8_t* encoded, size_t encoded_size);

  GgufType type() const { return type_; }
  bool is_array() const { return type_ == GgufType::Array; }
  bool is_string() const { return type_ == GgufType::String; }
  bool is_integer() const { return gguf_is_integer(type_); }

  // Scalars. to_u64/to_i64 accept any integer type whose value fits; to_f64 accepts floats
  // and integers; nullopt otherwise (wrong type or out of range).
  std::optional<uint64_t> to_u64() const;
  std::optional<int64_t> to_i64() const;
  std::optional<double> to_f64() const;
  std::optional<bool> to_bool() const;
  // The string's bytes (not NUL-terminated, not validated as UTF-8); nullopt unless String.
  std::optional<std::string_view> to_string() const;

  // Arrays (element_type() and size() are U8 and 0 for non-arrays). Each view is empty when
  // the value is not an array of that element type, so a wrong guess never misreads bytes.
  GgufType element_type() const { return element_type_; }
  uint64_t size() const { return count_; }
  template <typename T>
  GgufScalarArray<T> scalars() const {
    if (!is_array() || element_type_ != GgufTypeOf<T>::value) return {};
    return GgufScalarArray<T>(payload_, count_);
  }
  GgufStringArray strings() const {
    if (!is_array() || element_type_ != GgufType::String) return {};
    return GgufStringArray(payload_, payload_size_, count_);
  }
  // Any array (also nested): its elements as values.
  GgufArrayElements elements() const {
    if (!is_array()) return {};
    return GgufArrayElements(element_type_, payload_, payload_size_, count_);
  }

  // The value's exact encoding after its type tag (for an array: element type, count and
  // elements). The writer copies it verbatim to carry metadata over from another file.
  std::span<const uint8_t> encoded() const { return {encoded_, encoded_size_}; }

  // One line for people: 42, 1e-05, true, "llama", [string x 512: "<unk>", "<s>", ...].
  std::string summary(size_t max_elements = 4, size_t max_string = 60) const;

 private:
  GgufType type_ = GgufType::U8;
  GgufType element_type_ = GgufType::U8;
  uint64_t count_ = 0;
  const uint8_t* encoded_ = nullptr;
  size_t encoded_size_ = 0;
  const uint8_t* payload_ = nullptr;  // scalar bytes, string bytes, or the first array element
  size_t payload_size_ = 0;
};

// Bytes taken by one already-validated encoded value of `type` starting at `p` (no bounds
// checks: only for bytes the parser has walked).
size_t validated_encoded_size(GgufType type, const uint8_t* p);

}  // namespace pw::gguf
