// Writes GGUF v3 files (metadata + aligned tensors) that ggml/llama.cpp and other readers load.
//
//   pw::gguf::GgufWriter w;
//   w.set_string("general.architecture", "llama");
//   w.set_u32("llama.block_count", 2);
//   w.set_string_array("tokenizer.ggml.tokens", tokens);            // std::span<const std::string>
//   w.set_array("tokenizer.ggml.scores", std::span<const float>(scores));
//   w.set_value("general.name", *source.find("general.name"));      // copy from a read file
//   PW_TRY(w.add_tensor("output_norm.weight", pw::GgmlType::F32, {256}, bytes));   // span, not copied
//   PW_TRY(w.add_tensor("output.weight", pw::GgmlType::Q4_0, {256, 512},
//       [&](pw::gguf::GgufDataSink& sink) { return quantize_rows_into(sink); }));   // streamed
//   PW_TRY(w.write("/models/out.gguf"));   // temp file + fsync + rename; never a half file
//
// Layout (must not change, other readers depend on it): header, metadata in insertion order,
// tensor infos in insertion order, zero padding to the alignment, then each tensor's bytes
// followed by zero padding to the alignment (also after the last one, as ggml writes it).
// Tensor offsets are consecutive, which ggml requires. The alignment is general.alignment
// (a u32 power of two; 32 when absent). Tensor names are limited to 63 bytes (ggml's limit).
// Span data must stay alive until write() returns. Nested arrays are valid GGUF and our reader
// takes them, but ggml's reader rejects any array of arrays: model files meant for other
// readers must not contain them (GGUF files from the hubs never do).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/gguf/atomic_file_writer.h"
#include "engine/gguf/gguf_value.h"
#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::gguf {

// An array value under construction: element type, count and the encoded elements.
class GgufArrayBuilder {
 public:
  // Scalars (uint8_t .. double, bool).
  template <typename T>
  static GgufArrayBuilder of(std::span<const T> values) {
    GgufArrayBuilder b(GgufTypeOf<T>::value, values.size());
    for (const T& v : values) b.append_scalar(&v, sizeof(T), std::is_same_v<T, bool>);
    return b;
  }
  template <typename T>
  static GgufArrayBuilder of(const std::vector<T>& values) { return of(std::span<const T>(values)); }
  static GgufArrayBuilder of_strings(std::span<const std::string> values);
  static GgufArrayBuilder of_strings(std::span<const std::string_view> values);
  // Nested: each inner array keeps its own element type.
  static GgufArrayBuilder of_arrays(std::span<const GgufArrayBuilder> values);
  static GgufArrayBuilder empty(GgufType element_type) { return GgufArrayBuilder(element_type, 0); }

  GgufType element_type() const { return element_type_; }
  uint64_t size() const { return count_; }
  // Element type, count and elements, exactly as stored after the Array type tag.
  std::vector<uint8_t> encoded() const;

 private:
  GgufArrayBuilder(GgufType element_type, uint64_t count) : element_type_(element_type), count_(count) {}
  void append_scalar(const void* value, size_t size, bool is_bool);
  void append_string(std::string_view s);

  GgufType element_type_;
  uint64_t count_;
  std::vector<uint8_t> elements_;
};

// Where a streamed tensor's bytes go. write() fails once more than the tensor's size is given.
class GgufDataSink {
 public:
  GgufDataSink(AtomicFileWriter& out, std::string_view tensor, uint64_t expected)
      : out_(out), tensor_(tensor), expected_(expected) {}
  Status write(std::span<const uint8_t> bytes);
  Status write(const void* data, size_t size) { return write(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size)); }
  uint64_t written() const { return written_; }
  uint64_t expected() const { return expected_; }

 private:
  AtomicFileWriter& out_;
  std::string_view tensor_;
  uint64_t expected_;
  uint64_t written_ = 0;
};

// Produces a tensor's bytes into the sink, exactly GgufTensor::n_bytes of them, in order.
using GgufTensorSource = std::function<Status(GgufDataSink&)>;

class GgufWriter {
 public:
  GgufWriter() = default;

  // 3 by default; 2 is accepted (same layout) for compatibility tests.
  Status set_version(uint32_t version);
  // Stores general.alignment as a u32. Must be a power of two (checked by write()).
  void set_alignment(uint32_t alignment) { set_u32("general.alignment", alignment); }

  // Metadata. Setting an existing key replaces its value in place (the order stays).
  void set_u8(std::string_view key, uint8_t v) { set_scalar(key, GgufType::U8, &v, 1); }
  void set_i8(std::string_view key, int8_t v) { set_scalar(key, GgufType::I8, &v, 1); }
  void set_u16(std::string_view key, uint16_t v) { set_scalar(key, GgufType::U16, &v, 2); }
  void set_i16(std::string_view key, int16_t v) { set_scalar(key, GgufType::I16, &v, 2); }
  void set_u32(std::string_view key, uint32_t v) { set_scalar(key, GgufType::U32, &v, 4); }
  void set_i32(std::string_view key, int32_t v) { set_scalar(key, GgufType::I32, &v, 4); }
  void set_f32(std::string_view key, float v) { set_scalar(key, GgufType::F32, &v, 4); }
  void set_u64(std::string_view key, uint64_t v) { set_scalar(key, GgufType::U64, &v, 8); }
  void set_i64(std::string_view key, int64_t v) { set_scalar(key, GgufType::I64, &v, 8); }
  void set_f64(std::string_view key, double v) { set_scalar(key, GgufType::F64, &v, 8); }
  void set_bool(std::string_view key, bool v);
  void set_string(std::string_view key, std::string_view v);
  void set_array(std::string_view key, const GgufArrayBuilder& array);
  template <typename T>
  void set_array(std::string_view key, std::span<const T> values) { set_array(key, GgufArrayBuilder::of(values)); }
  void set_string_array(std::string_view key, std::span<const std::string> values) { set_array(key, GgufArrayBuilder::of_strings(values)); }
  void set_string_array(std::string_view key, std::span<const std::string_view> values) { set_array(key, GgufArrayBuilder::of_strings(values)); }
  // Copies a value read from another GGUF file verbatim (any type, nested arrays included).
  void set_value(std::string_view key, const GgufValue& value);
  bool remove(std::string_view key);
  bool contains(std::string_view key) const { return key_index_.count(std::string(key)) != 0; }
  size_t metadata_count() const { return entries_.size(); }

  // Tensors, written in the order added. `ne` is in ggml order (ne[0] contiguous), 1..4 dims,
  // written exactly as given. Errors: bad name (empty, > 63 bytes, duplicate), bad shape, data
  // size not equal to the type's byte size for that shape.
  Status add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& ne, std::span<const uint8_t> data);
  Status add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& ne, GgufTensorSource source);
  size_t tensor_count() const { return tensors_.size(); }

  // Writes the file atomically (AtomicFileWriter). On any error nothing is left at `path`
  // (an existing file there is untouched) and no temp file remains.
  Status write(const std::filesystem::path& path) const;

 private:
  struct Entry {
    std::string key;
    GgufType type;
    std::vector<uint8_t> encoded;
  };
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<uint64_t> ne;
    uint64_t n_bytes;
    std::span<const uint8_t> data;
    GgufTensorSource source;  // used when set, else `data`
  };

  void set_scalar(std::string_view key, GgufType type, const void* value, size_t size);
  void set_encoded(std::string_view key, GgufType type, std::vector<uint8_t> encoded);
  Result<uint64_t> check_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& ne) const;
  Result<uint32_t> alignment_for_write() const;

  uint32_t version_ = 3;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> key_index_;
  std::vector<Tensor> tensors_;
  std::unordered_map<std::string, size_t> tensor_index_;
};

}  // namespace pw::gguf
