#include "engine/gguf/gguf_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

namespace pw::gguf {

namespace {

Error open_error(const std::string& path, int err) {
  ErrorCode code = ErrorCode::Io;
  if (err == ENOENT || err == ENOTDIR) code = ErrorCode::NotFound;
  if (err == EACCES || err == EPERM) code = ErrorCode::PermissionDenied;
  return Error(code, path, std::string("cannot open: ") + std::strerror(err));
}

}  // namespace

std::string GgufTensor::shape_string() const {
  std::string s = "[";
  for (uint32_t d = 0; d < n_dims; ++d) {
    if (d) s += ", ";
    s += std::to_string(ne[d]);
  }
  return s + "]";
}

Result<GgufFile> GgufFile::open(const std::filesystem::path& path) {
  const std::string name = path.string();
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then rejected as not regular).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return open_error(name, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Error(ErrorCode::Io, name, std::string("cannot read file size: ") + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Error(ErrorCode::InvalidArgument, name, "is a folder, not a GGUF file");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error(ErrorCode::Unsupported, name, "is not a regular file");
  }
  if (st.st_size == 0) {
    ::close(fd);
    return Error(ErrorCode::Truncated, name, "file is empty");
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);  // the mapping keeps the file open
  if (addr == MAP_FAILED)
    return Error(map_errno == ENOMEM ? ErrorCode::ResourceLimit : ErrorCode::Io, name,
                 std::string("cannot map the file into memory: ") + std::strerror(map_errno));

  auto parsed = parse(std::span<const uint8_t>(static_cast<const uint8_t*>(addr), size), name);
  if (!parsed) {
    ::munmap(addr, size);
    return parsed.error();
  }
  parsed->mapping_ = addr;
  parsed->mapping_size_ = size;
  return parsed;
}

GgufFile::GgufFile(GgufFile&& other) noexcept { *this = std::move(other); }

GgufFile& GgufFile::operator=(GgufFile&& other) noexcept {
  if (this == &other) return *this;
  release();
  name_ = std::move(other.name_);
  bytes_ = other.bytes_;
  mapping_ = other.mapping_;
  mapping_size_ = other.mapping_size_;
  version_ = other.version_;
  alignment_ = other.alignment_;
  data_offset_ = other.data_offset_;
  metadata_ = std::move(other.metadata_);
  key_index_ = std::move(other.key_index_);
  tensors_ = std::move(other.tensors_);
  tensor_index_ = std::move(other.tensor_index_);
  other.mapping_ = nullptr;
  other.mapping_size_ = 0;
  other.bytes_ = {};
  return *this;
}

GgufFile::~GgufFile() { release(); }

void GgufFile::release() {
  if (mapping_) ::munmap(mapping_, mapping_size_);
  mapping_ = nullptr;
  mapping_size_ = 0;
}

std::optional<std::string_view> GgufNameIndex::build(const std::vector<std::string_view>& names) {
  sorted_.clear();
  sorted_.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) sorted_.emplace_back(names[i], i);
  std::sort(sorted_.begin(), sorted_.end());
  for (size_t i = 1; i < sorted_.size(); ++i)
    if (sorted_[i].first == sorted_[i - 1].first) return sorted_[i].first;
  return std::nullopt;
}

std::optional<size_t> GgufNameIndex::find(std::string_view name) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name, [](const auto& e, std::string_view n) { return e.first < n; });
  if (it == sorted_.end() || it->first != name) return std::nullopt;
  return it->second;
}

const GgufValue* GgufFile::find(std::string_view key) const {
  auto i = key_index_.find(key);
  return i ? &metadata_[*i].value : nullptr;
}

const GgufTensor* GgufFile::find_tensor(std::string_view name) const {
  auto i = tensor_index_.find(name);
  return i ? &tensors_[*i] : nullptr;
}

Error GgufFile::key_error(ErrorCode code, std::string_view key, const std::string& problem) const {
  return Error(code, name_, "metadata key '" + std::string(key) + "' " + problem);
}

Result<GgufValue> GgufFile::require(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) return key_error(ErrorCode::NotFound, key, "is missing");
  return *v;
}

namespace {

std::string describe_type(const GgufValue& v) {
  if (v.is_array()) return std::string("an array of ") + gguf_type_name(v.element_type());
  return std::string("a ") + gguf_type_name(v.type());
}

Error corrupt_key(const std::string& file, std::string_view key, const std::string& problem) {
  return Error(ErrorCode::Corrupt, file, "metadata key '" + std::string(key) + "' " + problem);
}

// Any integer type is accepted when the value fits: writers differ (u32 vs u64 vs i32).
template <typename Int>
Result<Int> integer_as(const std::string& file, std::string_view key, const GgufValue& v) {
  constexpr const char* kName = std::is_signed_v<Int> ? (sizeof(Int) == 4 ? "i32" : "i64") : (sizeof(Int) == 4 ? "u32" : "u64");
  if (!v.is_integer()) return corrupt_key(file, key, "is " + describe_type(v) + ", expected an integer");
  if constexpr (std::is_signed_v<Int>) {
    auto s = v.to_i64();
    if (!s || *s < std::numeric_limits<Int>::min() || *s > std::numeric_limits<Int>::max())
      return corrupt_key(file, key, "value " + v.summary() + " does not fit in " + kName);
    return static_cast<Int>(*s);
  } else {
    auto u = v.to_u64();
    if (!u || *u > std::numeric_limits<Int>::max())
      return corrupt_key(file, key, "value " + v.summary() + " does not fit in " + kName);
    return static_cast<Int>(*u);
  }
}

}  // namespace

Result<uint32_t> GgufFile::get_u32(std::string_view key) const {
  auto v = require(key);
  if (!v) return v.error();
  return integer_as<uint32_t>(name_, key, *v);
}

Result<int32_t> GgufFile::get_i32(std::string_view key) const {
  auto v = require(key);
  if (!v) return v.error();
  return integer_as<int32_t>(name_, key, *v);
}

Result<uint64_t> GgufFile::get_u64(std::string_view key) const {
  auto v = require(key);
  if (!v) return v.error();
  return integer_as<uint64_t>(name_, key, *v);
}

Result<int64_t> GgufFile::get_i64(std::string_view key) const {
  auto v = require(key);
  if (!v) return v.error();
  return integer_as<int64_t>(name_, key, *v);
}

Result<float> GgufFile::get_f32(std::string_view key) const {
  auto v = require(key);
  if (!v) return v.error();
  auto d = v->to_f64();
  if (!d) return key_error(ErrorCode::Corrupt, key, "is " + describe_type(*v) + ", expected a number");
  return static_cast<float>(*d);
}

Result<bool> GgufFile::get_bool(std::string_view key) const {
  auto v = require(key);
  if (!v) return v.error();
  auto b = v->to_bool();
  if (!b) return key_error(ErrorCode::Corrupt, key, "is " + describe_type(*v) + ", expected a bool");
  return *b;
}

Result<std::string_view> GgufFile::get_string(std::string_view key) const {
  auto v = require(key);
  if (!v) return v.error();
  auto s = v->to_string();
  if (!s) return key_error(ErrorCode::Corrupt, key, "is " + describe_type(*v) + ", expected a string");
  return *s;
}

Result<uint32_t> GgufFile::get_u32_or(std::string_view key, uint32_t fallback) const {
  return contains(key) ? get_u32(key) : Result<uint32_t>(fallback);
}

Result<float> GgufFile::get_f32_or(std::string_view key, float fallback) const {
  return contains(key) ? get_f32(key) : Result<float>(fallback);
}

Result<bool> GgufFile::get_bool_or(std::string_view key, bool fallback) const {
  return contains(key) ? get_bool(key) : Result<bool>(fallback);
}

Result<GgufValue> GgufFile::get_array(std::string_view key, std::optional<GgufType> element) const {
  auto v = require(key);
  if (!v) return v.error();
  if (!v->is_array() || (element && v->element_type() != *element))
    return key_error(ErrorCode::Corrupt, key,
                     "is " + describe_type(*v) + ", expected an array" +
                         (element ? std::string(" of ") + gguf_type_name(*element) : std::string()));
  return *v;
}

Result<std::vector<std::string_view>> GgufFile::get_string_array(std::string_view key) const {
  auto v = get_array(key, GgufType::String);
  if (!v) return v.error();
  return v->strings().to_vector();
}

Result<std::vector<float>> GgufFile::get_f32_array(std::string_view key) const {
  auto v = get_array(key, GgufType::F32);
  if (!v) return v.error();
  return v->scalars<float>().to_vector();
}

Result<std::vector<int32_t>> GgufFile::get_i32_array(std::string_view key) const {
  auto v = get_array(key);
  if (!v) return v.error();
  if (v->element_type() == GgufType::I32) return v->scalars<int32_t>().to_vector();
  if (!gguf_is_integer(v->element_type()))
    return key_error(ErrorCode::Corrupt, key, "is " + describe_type(*v) + ", expected an array of integers");
  std::vector<int32_t> out;
  out.reserve(static_cast<size_t>(v->size()));  // the elements are in the file: bounded by its size
  uint64_t i = 0;
  for (const GgufValue& e : v->elements()) {
    auto s = e.to_i64();
    if (!s || *s < std::numeric_limits<int32_t>::min() || *s > std::numeric_limits<int32_t>::max())
      return key_error(ErrorCode::Corrupt, key, "element " + std::to_string(i) + " (" + e.summary() + ") does not fit in i32");
    out.push_back(static_cast<int32_t>(*s));
    ++i;
  }
  return out;
}

}  // namespace pw::gguf
