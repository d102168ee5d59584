// The GGUF validator: walks the header, metadata and tensor infos of a byte buffer with a
// bounds-checked cursor and fills a GgufFile. Every read is checked before it happens; every
// count is checked against the bytes left before it drives a loop or a reservation.
//
// Layout (v2 and v3 are identical on disk; v3 only added the big-endian variant):
//   "GGUF" u32 version, u64 tensor_count, u64 kv_count,
//   kv_count x { string key, u32 type, value },
//   tensor_count x { string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type, u64 offset },
//   zero padding to general.alignment, tensor data (offsets relative to this point).
// string = u64 length + bytes; array value = u32 element type + u64 count + elements.
#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>

#include "engine/gguf/gguf_file.h"

namespace pw::gguf {

static_assert(std::endian::native == std::endian::little, "GGUF is read little-endian with plain memcpy");

namespace {

constexpr uint64_t kMinKeyValueBytes = 8 + 1 + 4 + 1;      // key length, 1-char key, type, 1-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 4 + 8;  // name length, 1-char name, n_dims, type, offset
// Truncated vs Corrupt is a guess for the message's sake: a metadata length or count larger
// than the whole file is called corrupt; tensor data that runs past the end is called
// truncated (an incomplete download) unless it would end beyond any real file size.
constexpr uint64_t kAbsurdFileSize = uint64_t{1} << 62;

std::string hex32(uint32_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xf];
  return s;
}

std::string printable(std::string_view s, size_t max_chars = 80) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (s.size() > max_chars) out += "...";
  return out;
}

}  // namespace

class GgufParser {
 public:
  explicit GgufParser(GgufFile& file) : f_(file), data_(file.bytes_.data()), size_(file.bytes_.size()) {}

  Status run() {
    PW_TRY(read_header());
    PW_TRY(read_metadata());
    PW_TRY(read_alignment());
    PW_TRY(read_tensor_infos());
    return place_tensors();
  }

 private:
  Error fail(ErrorCode code, std::string message) const { return Error(code, f_.name_, std::move(message)); }

  // `what` needs `n` bytes at the cursor. A need larger than the whole file cannot be mere
  // truncation: it is reported as corruption.
  Status need(uint64_t n, const std::string& what) const {
    if (n <= size_ - pos_) return ok_status();
    return fail(n > size_ ? ErrorCode::Corrupt : ErrorCode::Truncated,
                what + " at offset " + std::to_string(pos_) + " needs " + std::to_string(n) +
                    " bytes but only " + std::to_string(size_ - pos_) + " are left in the file");
  }

  // `count` items of at least `min_bytes` each must fit in what is left.
  Status need_count(uint64_t count, uint64_t min_bytes, const std::string& what) const {
    const uint64_t left = size_ - pos_;
    if (count <= left / min_bytes) return ok_status();
    return fail(count > size_ / min_bytes ? ErrorCode::Corrupt : ErrorCode::Truncated,
                what + " " + std::to_string(count) + " at offset " + std::to_string(pos_) +
                    " cannot fit in the " + std::to_string(left) + " bytes left in the file");
  }

  template <typename T>
  Result<T> read(const std::string& what) {
    Status s = need(sizeof(T), what);
    if (!s.ok()) return s.error();
    T v = load_unaligned<T>(data_ + pos_);
    pos_ += sizeof(T);
    return v;
  }

  Result<std::string_view> read_string(const std::string& what, uint64_t max_length) {
    auto len = read<uint64_t>(what + " length");
    if (!len) return len.error();
    if (*len > max_length)
      return fail(ErrorCode::Corrupt, what + " at offset " + std::to_string(pos_ - 8) + " is " + std::to_string(*len) +
                                          " bytes long (at most " + std::to_string(max_length) + " allowed)");
    PW_TRY(need(*len, what));
    std::string_view s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(*len));
    pos_ += *len;
    return s;
  }

  Status read_header() {
    if (size_ < 4) return fail(ErrorCode::Truncated, "file is " + std::to_string(size_) + " bytes, too short to be a GGUF file");
    if (std::string_view(reinterpret_cast<const char*>(data_), 4) != "GGUF")
      return fail(ErrorCode::Corrupt, "not a GGUF file (it starts with '" +
                                          printable(std::string_view(reinterpret_cast<const char*>(data_), 4)) +
                                          "', expected 'GGUF')");
    pos_ = 4;
    auto version = read<uint32_t>("version");
    if (!version) return version.error();
    const uint32_t v = *version;
    if (v != 0 && (v & 0xffffu) == 0)
      return fail(ErrorCode::Unsupported, "the file is big-endian (version field reads " + hex32(v) +
                                              "); only little-endian GGUF files are supported");
    if (v == 1)
      return fail(ErrorCode::Unsupported, "GGUF version 1 is not supported (versions 2 and 3 are); "
                                          "convert the model again with a current converter");
    if (v == 0) return fail(ErrorCode::Corrupt, "GGUF version 0 is invalid");
    if (v > 3) return fail(ErrorCode::Unsupported, "GGUF version " + std::to_string(v) + " is newer than this reader (2 and 3)");
    f_.version_ = v;

    auto tensors = read<uint64_t>("tensor count");
    if (!tensors) return tensors.error();
    auto kvs = read<uint64_t>("metadata count");
    if (!kvs) return kvs.error();
    tensor_count_ = *tensors;
    kv_count_ = *kvs;
    PW_TRY(need_count(kv_count_, kMinKeyValueBytes, "metadata count"));
    // Metadata comes first, so this only rejects counts that could not fit even with no metadata.
    return need_count(tensor_count_, kMinTensorInfoBytes, "tensor count");
  }

  // Validates one value of `type` at the cursor and returns its view. Errors say what is wrong;
  // the caller adds which key it belongs to.
  Result<GgufValue> read_value(GgufType type, uint32_t depth) {
    const uint64_t start = pos_;
    switch (type) {
      case GgufType::String: {
        auto s = read_string("string", std::numeric_limits<uint64_t>::max());
        if (!s) return s.error();
        break;
      }
      case GgufType::Bool: {
        auto b = read<uint8_t>("bool value");
        if (!b) return b.error();
        if (*b > 1) return fail(ErrorCode::Corrupt, "bool value at offset " + std::to_string(pos_ - 1) + " is " + std::to_string(*b) + " (must be 0 or 1)");
        break;
      }
      case GgufType::Array: {
        if (depth >= kMaxArrayDepth)
          return fail(ErrorCode::Corrupt, "arrays nested deeper than " + std::to_string(kMaxArrayDepth) + " levels at offset " + std::to_string(pos_));
        auto raw_element = read<uint32_t>("array element type");
        if (!raw_element) return raw_element.error();
        if (!is_valid_gguf_type(*raw_element))
          return fail(ErrorCode::Corrupt, "array at offset " + std::to_string(start) + " has invalid element type " + std::to_string(*raw_element));
        const auto element = static_cast<GgufType>(*raw_element);
        auto count = read<uint64_t>("array length");
        if (!count) return count.error();
        PW_TRY(need_count(*count, gguf_min_encoded_size(element), std::string("array of ") + gguf_type_name(element) + " with length"));
        if (element == GgufType::String || element == GgufType::Array || element == GgufType::Bool) {
          for (uint64_t i = 0; i < *count; ++i) {
            auto e = read_value(element, depth + 1);
            if (!e) return e.error().with_context("element " + std::to_string(i) + " of " + std::to_string(*count));
          }
        } else {
          pos_ += *count * gguf_scalar_size(element);  // need_count checked it fits
        }
        break;
      }
      default: {
        PW_TRY(need(gguf_scalar_size(type), std::string(gguf_type_name(type)) + " value"));
        pos_ += gguf_scalar_size(type);
        break;
      }
    }
    return GgufValue::from_validated(type, data_ + start, static_cast<size_t>(pos_ - start));
  }

  Status read_metadata() {
    for (uint64_t i = 0; i < kv_count_; ++i) {
      const std::string which = "metadata entry " + std::to_string(i) + " of " + std::to_string(kv_count_);
      auto key = read_string(which + ": key", kMaxKeyLength);
      if (!key) return key.error();
      if (key->empty()) return fail(ErrorCode::Corrupt, which + " has an empty key");
      const std::string what = "metadata key '" + printable(*key) + "'";
      auto raw_type = read<uint32_t>(what + ": value type");
      if (!raw_type) return raw_type.error();
      if (!is_valid_gguf_type(*raw_type))
        return fail(ErrorCode::Corrupt, what + " has invalid value type " + std::to_string(*raw_type));
      auto value = read_value(static_cast<GgufType>(*raw_type), 0);
      if (!value) return value.error().with_context(what);
      f_.metadata_.push_back(GgufKeyValue{*key, *value});
    }
    std::vector<std::string_view> keys;
    keys.reserve(f_.metadata_.size());
    for (const auto& kv : f_.metadata_) keys.push_back(kv.key);
    if (auto dup = f_.key_index_.build(keys)) return fail(ErrorCode::Corrupt, "metadata key '" + printable(*dup) + "' appears twice");
    return ok_status();
  }

  Status read_alignment() {
    const GgufValue* a = f_.find("general.alignment");
    if (!a) return ok_status();
    auto v = a->to_u64();
    if (!v || *v > std::numeric_limits<uint32_t>::max())
      return fail(ErrorCode::Corrupt, std::string("general.alignment must be a u32, found ") + gguf_type_name(a->type()) + " " + a->summary());
    if (*v == 0 || (*v & (*v - 1)) != 0)
      return fail(ErrorCode::Corrupt, "general.alignment is " + std::to_string(*v) + "; it must be a power of two");
    f_.alignment_ = static_cast<uint32_t>(*v);
    return ok_status();
  }

  Status read_tensor_infos() {
    PW_TRY(need_count(tensor_count_, kMinTensorInfoBytes, "tensor count"));
    for (uint64_t i = 0; i < tensor_count_; ++i) {
      GgufTensor t;
      auto name = read_string("tensor " + std::to_string(i) + " of " + std::to_string(tensor_count_) + ": name", kMaxTensorNameLength);
      if (!name) return name.error();
      if (name->empty()) return fail(ErrorCode::Corrupt, "tensor " + std::to_string(i) + " has an empty name");
      t.name = *name;
      const std::string what = "tensor '" + printable(t.name) + "'";

      auto n_dims = read<uint32_t>(what + ": dimension count");
      if (!n_dims) return n_dims.error();
      if (*n_dims > kGgufMaxDims)
        return fail(ErrorCode::Corrupt, what + " has " + std::to_string(*n_dims) + " dimensions (at most " + std::to_string(kGgufMaxDims) + ")");
      t.n_dims = *n_dims;
      // The product of the non-zero dimensions must fit in int64 (ggml's element count type),
      // so n_rows() and n_elements can never overflow, even for a shape with a zero in it.
      uint64_t product = 1;
      bool overflow = false, has_zero = false;
      for (uint32_t d = 0; d < t.n_dims; ++d) {
        auto ne = read<uint64_t>(what + ": dimension " + std::to_string(d));
        if (!ne) return ne.error();
        if (*ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          return fail(ErrorCode::Corrupt, what + " dimension " + std::to_string(d) + " is " + std::to_string(*ne) + " (negative as int64)");
        t.ne[d] = *ne;
        if (*ne == 0) has_zero = true;
        else overflow = overflow || __builtin_mul_overflow(product, *ne, &product);
      }
      if (overflow || product > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return fail(ErrorCode::Corrupt, what + " has shape " + t.shape_string() + " whose element count overflows 64 bits");
      t.n_elements = has_zero ? 0 : product;

      auto raw_type = read<uint32_t>(what + ": type");
      if (!raw_type) return raw_type.error();
      if (!is_known_type(*raw_type))
        return fail(ErrorCode::Unsupported, what + " has unknown tensor type id " + std::to_string(*raw_type));
      t.type = static_cast<GgmlType>(*raw_type);
      const TypeInfo& info = type_info(t.type);
      auto row = row_size_bytes(t.type, t.ne[0]);
      if (!row && t.ne[0] % info.block_size == 0)
        return fail(ErrorCode::Corrupt, what + " with shape " + t.shape_string() + " has a row size that overflows 64 bits");
      if (!row)
        return fail(ErrorCode::Corrupt, what + " of type " + std::string(info.name) + " has rows of " + std::to_string(t.ne[0]) +
                                            " values, not a whole number of " + std::to_string(info.block_size) + "-value blocks");
      t.row_bytes = *row;
      if (__builtin_mul_overflow(t.row_bytes, t.n_rows(), &t.n_bytes))  // n_rows() cannot overflow (checked above)
        return fail(ErrorCode::Corrupt, what + " with shape " + t.shape_string() + " has a byte size that overflows 64 bits");

      auto offset = read<uint64_t>(what + ": data offset");
      if (!offset) return offset.error();
      t.offset = *offset;
      f_.tensors_.push_back(t);
    }
    std::vector<std::string_view> names;
    names.reserve(f_.tensors_.size());
    for (const auto& t : f_.tensors_) names.push_back(t.name);
    if (auto dup = f_.tensor_index_.build(names)) return fail(ErrorCode::Corrupt, "tensor '" + printable(*dup) + "' appears twice");
    return ok_status();
  }

  Status place_tensors() {
    const uint64_t a = f_.alignment_;
    const uint64_t end_of_infos = pos_;
    f_.data_offset_ = (end_of_infos + a - 1) / a * a;  // pos_ <= size_ < 2^63: no overflow
    if (f_.tensors_.empty()) return ok_status();
    if (f_.data_offset_ > size_)
      return fail(ErrorCode::Truncated, "the tensor data section would start at offset " + std::to_string(f_.data_offset_) +
                                            ", past the end of the file (" + std::to_string(size_) + " bytes)");
    const uint64_t data_bytes = size_ - f_.data_offset_;
    for (GgufTensor& t : f_.tensors_) {
      const std::string what = "tensor '" + printable(t.name) + "'";
      if (t.offset % a != 0)
        return fail(ErrorCode::Corrupt, what + " data offset " + std::to_string(t.offset) + " is not a multiple of the alignment " + std::to_string(a));
      if (t.offset > data_bytes || t.n_bytes > data_bytes - t.offset)
        return fail(t.offset > kAbsurdFileSize || t.n_bytes > kAbsurdFileSize - t.offset ? ErrorCode::Corrupt : ErrorCode::Truncated,
                    what + " (" + std::to_string(t.n_bytes) + " bytes at data offset " + std::to_string(t.offset) +
                        ") ends past the end of the file (" + std::to_string(data_bytes) + " bytes of tensor data)");
      t.file_offset = f_.data_offset_ + t.offset;
      t.data = data_ + t.file_offset;
    }
    // Tensors may be stored in any order but must not share bytes.
    std::vector<size_t> order(f_.tensors_.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return f_.tensors_[x].offset < f_.tensors_[y].offset; });
    const GgufTensor* previous = nullptr;
    for (size_t idx : order) {
      const GgufTensor& t = f_.tensors_[idx];
      if (t.n_bytes == 0) continue;
      if (previous && previous->offset + previous->n_bytes > t.offset)
        return fail(ErrorCode::Corrupt, "tensors '" + printable(previous->name) + "' and '" + printable(t.name) + "' overlap");
      previous = &t;
    }
    return ok_status();
  }

  GgufFile& f_;
  const uint8_t* data_;
  uint64_t size_;
  uint64_t pos_ = 0;
  uint64_t tensor_count_ = 0;
  uint64_t kv_count_ = 0;
};

Result<GgufFile> GgufFile::parse(std::span<const uint8_t> bytes, std::string name) {
  GgufFile f;
  f.name_ = std::move(name);
  f.bytes_ = bytes;
  GgufParser parser(f);
  Status s = parser.run();
  if (!s.ok()) return s.error();
  return f;
}

}  // namespace pw::gguf
