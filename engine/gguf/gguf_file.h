// A GGUF file (v2 or v3), memory-mapped and fully validated before anything is handed out.
//
//   pw::Result<pw::gguf::GgufFile> r = pw::gguf::GgufFile::open(path);
//   if (!r) return r.error();                       // "model.gguf: tensor 'x' ends past the end of the file"
//   const pw::gguf::GgufFile& f = *r;
//   PW_TRY(f.get_u32("llama.block_count"));         // Result<uint32_t>, any integer type that fits
//   auto arch = f.get_string("general.architecture");               // Result<std::string_view>
//   auto tokens = f.get_string_array("tokenizer.ggml.tokens");      // views into the mapping
//   const pw::gguf::GgufTensor* t = f.find_tensor("blk.0.attn_q.weight");
//   // t->type, t->ne[0..3], t->n_bytes, t->data (pointer into the mapping, used in place)
//
// Guarantees (must not change): every count, length, offset, dimension and type read from the
// file is checked against the file size before use, so a truncated, corrupted or hostile file
// gives an Error naming the file and the problem, never a crash, a hang or a huge allocation
// (every table the reader builds has at most one entry per ~13 bytes of file, and a count is
// checked against the bytes left before anything is reserved). Weights are never copied: GgufTensor::data points into the mapping.
// Strings, keys and tensor names are string_views into the mapping too: they live as long as
// the GgufFile (moving a GgufFile keeps them valid; destroying it unmaps the file).
//
// Limits: little-endian files only (a big-endian file gets ErrorCode::Unsupported); GGUF v1 is
// unsupported; arrays may nest up to kMaxArrayDepth levels. If another process truncates the
// file while it is mapped, reading a tensor can still raise SIGBUS: model files are treated as
// immutable once installed.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_value.h"
#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::gguf {

inline constexpr uint32_t kGgufDefaultAlignment = 32;
inline constexpr uint32_t kGgufMaxDims = 4;
// Deepest array nesting accepted (array of array of ...). Real files use at most 1.
inline constexpr uint32_t kMaxArrayDepth = 8;
// Longest key accepted (the spec's limit) and longest tensor name (ggml itself allows 63).
inline constexpr uint64_t kMaxKeyLength = 65535;
inline constexpr uint64_t kMaxTensorNameLength = 1024;

struct GgufKeyValue {
  std::string_view key;
  GgufValue value;
};

struct GgufTensor {
  std::string_view name;
  GgmlType type = GgmlType::F32;
  uint32_t n_dims = 0;                       // as stored (0..4)
  std::array<uint64_t, kGgufMaxDims> ne{1, 1, 1, 1};  // ggml order: ne[0] is contiguous; unused dims are 1
  uint64_t n_elements = 0;
  uint64_t row_bytes = 0;                    // bytes of one ne[0] row (whole blocks)
  uint64_t n_bytes = 0;                      // row_bytes * ne[1] * ne[2] * ne[3]
  uint64_t offset = 0;                       // relative to the data section, as stored
  uint64_t file_offset = 0;                  // data_offset() + offset
  const uint8_t* data = nullptr;             // into the mapping; n_bytes readable

  uint64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
  std::span<const uint8_t> bytes() const { return {data, static_cast<size_t>(n_bytes)}; }
  // "[256, 512]" in ggml ne order, n_dims entries.
  std::string shape_string() const;
};

// Name -> position, sorted by name. Lookups are O(log n), and building it (with the duplicate
// check) is O(n log n) whatever the names are: a hash map could be flooded by a hostile file
// with crafted colliding keys.
class GgufNameIndex {
 public:
  // `names[i]` is the name at position i. Returns a duplicated name, if there is one.
  std::optional<std::string_view> build(const std::vector<std::string_view>& names);
  std::optional<size_t> find(std::string_view name) const;

 private:
  std::vector<std::pair<std::string_view, size_t>> sorted_;
};

class GgufFile {
 public:
  // Maps `path` read-only (MAP_PRIVATE) and validates it. Errors name the path.
  static Result<GgufFile> open(const std::filesystem::path& path);
  // Validates a caller-owned buffer that must outlive the result (tests, fuzzer, embedded
  // data). `name` is used as the subject of errors.
  static Result<GgufFile> parse(std::span<const uint8_t> bytes, std::string name);

  GgufFile(GgufFile&& other) noexcept;
  GgufFile& operator=(GgufFile&& other) noexcept;
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;
  ~GgufFile();

  const std::string& name() const { return name_; }
  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  // Start of the tensor data section (aligned end of the tensor infos).
  uint64_t data_offset() const { return data_offset_; }
  uint64_t file_size() const { return bytes_.size(); }
  std::span<const uint8_t> bytes() const { return bytes_; }

  // Metadata, in file order.
  const std::vector<GgufKeyValue>& metadata() const { return metadata_; }
  const GgufValue* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  // Typed getters. Missing key: ErrorCode::NotFound. Wrong type or a value that does not fit:
  // ErrorCode::Corrupt ("metadata key 'llama.block_count' is a string, expected an integer").
  Result<uint32_t> get_u32(std::string_view key) const;
  Result<int32_t> get_i32(std::string_view key) const;
  Result<uint64_t> get_u64(std::string_view key) const;
  Result<int64_t> get_i64(std::string_view key) const;
  Result<float> get_f32(std::string_view key) const;   // f32, f64 or an integer
  Result<bool> get_bool(std::string_view key) const;
  Result<std::string_view> get_string(std::string_view key) const;
  // Same, but a missing key gives `fallback` (a present key of the wrong type is still an error).
  Result<uint32_t> get_u32_or(std::string_view key, uint32_t fallback) const;
  Result<float> get_f32_or(std::string_view key, float fallback) const;
  Result<bool> get_bool_or(std::string_view key, bool fallback) const;

  // Arrays. The string array holds views into the mapping (one 16-byte view per element).
  Result<std::vector<std::string_view>> get_string_array(std::string_view key) const;
  Result<std::vector<float>> get_f32_array(std::string_view key) const;    // f32 elements
  Result<std::vector<int32_t>> get_i32_array(std::string_view key) const;  // any integer elements that fit
  // The array value itself, checked to be an array (of `element` when given).
  Result<GgufValue> get_array(std::string_view key, std::optional<GgufType> element = std::nullopt) const;

  // Tensors, in file order.
  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* find_tensor(std::string_view name) const;

 private:
  GgufFile() = default;
  friend class GgufParser;
  Error key_error(ErrorCode code, std::string_view key, const std::string& problem) const;
  Result<GgufValue> require(std::string_view key) const;
  void release();

  std::string name_;
  std::span<const uint8_t> bytes_;
  void* mapping_ = nullptr;  // non-null when this object owns an mmap of bytes_
  size_t mapping_size_ = 0;
  uint32_t version_ = 0;
  uint32_t alignment_ = kGgufDefaultAlignment;
  uint64_t data_offset_ = 0;
  std::vector<GgufKeyValue> metadata_;
  GgufNameIndex key_index_;
  std::vector<GgufTensor> tensors_;
  GgufNameIndex tensor_index_;
};

}  // namespace pw::gguf
