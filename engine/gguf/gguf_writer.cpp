#include "engine/gguf/gguf_writer.h"

#include <bit>
#include <cstring>
#include <limits>

#include "engine/gguf/gguf_file.h"

namespace pw::gguf {

static_assert(std::endian::native == std::endian::little, "GGUF is written little-endian with plain memcpy");

namespace {

// ggml stores names in char[64] with a terminating NUL.
constexpr size_t kMaxWrittenTensorName = 63;

void put_bytes(std::vector<uint8_t>& out, const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  out.insert(out.end(), b, b + n);
}

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  put_bytes(out, &v, sizeof v);  // little-endian host (x86-64); the format is little-endian
}

void put_string(std::vector<uint8_t>& out, std::string_view s) {
  put<uint64_t>(out, s.size());
  put_bytes(out, s.data(), s.size());
}

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace

// ---- GgufArrayBuilder --------------------------------------------------------------------

void GgufArrayBuilder::append_scalar(const void* value, size_t size, bool is_bool) {
  if (is_bool) {
    elements_.push_back(*static_cast<const bool*>(value) ? 1 : 0);
    return;
  }
  put_bytes(elements_, value, size);
}

void GgufArrayBuilder::append_string(std::string_view s) { put_string(elements_, s); }

GgufArrayBuilder GgufArrayBuilder::of_strings(std::span<const std::string> values) {
  GgufArrayBuilder b(GgufType::String, values.size());
  for (const auto& s : values) b.append_string(s);
  return b;
}

GgufArrayBuilder GgufArrayBuilder::of_strings(std::span<const std::string_view> values) {
  GgufArrayBuilder b(GgufType::String, values.size());
  for (const auto& s : values) b.append_string(s);
  return b;
}

GgufArrayBuilder GgufArrayBuilder::of_arrays(std::span<const GgufArrayBuilder> values) {
  GgufArrayBuilder b(GgufType::Array, values.size());
  for (const auto& inner : values) {
    const std::vector<uint8_t> e = inner.encoded();
    b.elements_.insert(b.elements_.end(), e.begin(), e.end());
  }
  return b;
}

std::vector<uint8_t> GgufArrayBuilder::encoded() const {
  std::vector<uint8_t> out;
  out.reserve(12 + elements_.size());
  put<uint32_t>(out, static_cast<uint32_t>(element_type_));
  put<uint64_t>(out, count_);
  out.insert(out.end(), elements_.begin(), elements_.end());
  return out;
}

// ---- GgufDataSink ------------------------------------------------------------------------

Status GgufDataSink::write(std::span<const uint8_t> bytes) {
  if (bytes.size() > expected_ - written_)
    return Error(ErrorCode::InvalidArgument, out_.target().string(),
                 "tensor '" + std::string(tensor_) + "': the data source gave more than its " + std::to_string(expected_) + " bytes");
  written_ += bytes.size();
  return out_.write(bytes.data(), bytes.size());
}

// ---- GgufWriter: metadata ----------------------------------------------------------------

Status GgufWriter::set_version(uint32_t version) {
  if (version != 2 && version != 3)
    return Error(ErrorCode::InvalidArgument, "GGUF version " + std::to_string(version) + " cannot be written (2 or 3)");
  version_ = version;
  return ok_status();
}

void GgufWriter::set_encoded(std::string_view key, GgufType type, std::vector<uint8_t> encoded) {
  auto it = key_index_.find(std::string(key));
  if (it != key_index_.end()) {
    entries_[it->second].type = type;
    entries_[it->second].encoded = std::move(encoded);
    return;
  }
  key_index_.emplace(std::string(key), entries_.size());
  entries_.push_back(Entry{std::string(key), type, std::move(encoded)});
}

void GgufWriter::set_scalar(std::string_view key, GgufType type, const void* value, size_t size) {
  std::vector<uint8_t> e;
  put_bytes(e, value, size);
  set_encoded(key, type, std::move(e));
}

void GgufWriter::set_bool(std::string_view key, bool v) { set_encoded(key, GgufType::Bool, {static_cast<uint8_t>(v ? 1 : 0)}); }

void GgufWriter::set_string(std::string_view key, std::string_view v) {
  std::vector<uint8_t> e;
  put_string(e, v);
  set_encoded(key, GgufType::String, std::move(e));
}

void GgufWriter::set_array(std::string_view key, const GgufArrayBuilder& array) { set_encoded(key, GgufType::Array, array.encoded()); }

void GgufWriter::set_value(std::string_view key, const GgufValue& value) {
  const auto e = value.encoded();
  set_encoded(key, value.type(), std::vector<uint8_t>(e.begin(), e.end()));
}

bool GgufWriter::remove(std::string_view key) {
  auto it = key_index_.find(std::string(key));
  if (it == key_index_.end()) return false;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(it->second));
  key_index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) key_index_.emplace(entries_[i].key, i);
  return true;
}

// ---- GgufWriter: tensors -----------------------------------------------------------------

Result<uint64_t> GgufWriter::check_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& ne) const {
  const std::string what = "tensor '" + std::string(name) + "'";
  if (name.empty()) return Error(ErrorCode::InvalidArgument, "a tensor needs a name");
  if (name.size() > kMaxWrittenTensorName)
    return Error(ErrorCode::InvalidArgument, what + ": name is " + std::to_string(name.size()) + " bytes (ggml allows at most 63)");
  if (tensor_index_.count(std::string(name))) return Error(ErrorCode::InvalidArgument, what + " was already added");
  if (!is_known_type(static_cast<uint32_t>(type)))
    return Error(ErrorCode::InvalidArgument, what + ": unknown type id " + std::to_string(static_cast<uint32_t>(type)));
  if (ne.empty() || ne.size() > kGgufMaxDims)
    return Error(ErrorCode::InvalidArgument, what + ": has " + std::to_string(ne.size()) + " dimensions (1 to 4 allowed)");
  uint64_t rows = 1;
  for (size_t d = 0; d < ne.size(); ++d) {
    if (ne[d] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) || (d > 0 && __builtin_mul_overflow(rows, ne[d], &rows)))
      return Error(ErrorCode::InvalidArgument, what + ": shape overflows 64 bits");
  }
  auto row = row_size_bytes(type, ne[0]);
  if (!row)
    return Error(ErrorCode::InvalidArgument, what + ": rows of " + std::to_string(ne[0]) + " values are not whole " +
                                                 std::string(type_name(type)) + " blocks of " + std::to_string(type_info(type).block_size));
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(*row, rows, &bytes) || bytes > (uint64_t{1} << 62))
    return Error(ErrorCode::InvalidArgument, what + ": byte size overflows");
  return bytes;
}

Status GgufWriter::add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& ne, std::span<const uint8_t> data) {
  auto bytes = check_tensor(name, type, ne);
  if (!bytes) return bytes.error();
  if (data.size() != *bytes)
    return Error(ErrorCode::InvalidArgument, "tensor '" + std::string(name) + "': " + std::to_string(data.size()) +
                                                 " bytes given, its shape and type need " + std::to_string(*bytes));
  tensor_index_.emplace(std::string(name), tensors_.size());
  tensors_.push_back(Tensor{std::string(name), type, ne, *bytes, data, nullptr});
  return ok_status();
}

Status GgufWriter::add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& ne, GgufTensorSource source) {
  auto bytes = check_tensor(name, type, ne);
  if (!bytes) return bytes.error();
  if (!source) return Error(ErrorCode::InvalidArgument, "tensor '" + std::string(name) + "': no data source");
  tensor_index_.emplace(std::string(name), tensors_.size());
  tensors_.push_back(Tensor{std::string(name), type, ne, *bytes, {}, std::move(source)});
  return ok_status();
}

// ---- GgufWriter: output ------------------------------------------------------------------

Result<uint32_t> GgufWriter::alignment_for_write() const {
  auto it = key_index_.find("general.alignment");
  if (it == key_index_.end()) return kGgufDefaultAlignment;
  const Entry& e = entries_[it->second];
  if (e.type != GgufType::U32) return Error(ErrorCode::InvalidArgument, "general.alignment must be a u32 (ggml requires it)");
  uint32_t a = 0;
  std::memcpy(&a, e.encoded.data(), 4);
  if (a == 0 || (a & (a - 1)) != 0) return Error(ErrorCode::InvalidArgument, "general.alignment " + std::to_string(a) + " is not a power of two");
  return a;
}

Status GgufWriter::write(const std::filesystem::path& path) const {
  const std::string where = path.string();
  auto alignment = alignment_for_write();
  if (!alignment) return alignment.error().with_subject(where);
  for (const Entry& e : entries_) {
    if (e.key.empty()) return Error(ErrorCode::InvalidArgument, where, "a metadata key is empty");
    if (e.key.size() > kMaxKeyLength) return Error(ErrorCode::InvalidArgument, where, "metadata key longer than 65535 bytes");
  }
  const uint64_t a = *alignment;

  // Everything before the tensor data is built in memory (it is small: metadata + infos).
  std::vector<uint8_t> head;
  put_bytes(head, "GGUF", 4);
  put<uint32_t>(head, version_);
  put<uint64_t>(head, tensors_.size());
  put<uint64_t>(head, entries_.size());
  for (const Entry& e : entries_) {
    put_string(head, e.key);
    put<uint32_t>(head, static_cast<uint32_t>(e.type));
    head.insert(head.end(), e.encoded.begin(), e.encoded.end());
  }
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    put_string(head, t.name);
    put<uint32_t>(head, static_cast<uint32_t>(t.ne.size()));
    for (uint64_t d : t.ne) put<uint64_t>(head, d);
    put<uint32_t>(head, static_cast<uint32_t>(t.type));
    put<uint64_t>(head, offset);
    offset += align_up(t.n_bytes, a);  // each n_bytes <= 2^62; file systems fail long before a sum overflows
  }
  head.resize(align_up(head.size(), a), 0);

  auto out = AtomicFileWriter::create(path);
  if (!out) return out.error();
  PW_TRY(out->write(head.data(), head.size()));
  for (const Tensor& t : tensors_) {
    if (t.source) {
      GgufDataSink sink(*out, t.name, t.n_bytes);
      Status s = t.source(sink);
      if (!s.ok()) return s.error().with_context("writing tensor '" + t.name + "'");
      if (sink.written() != t.n_bytes)
        return Error(ErrorCode::InvalidArgument, where,
                     "tensor '" + t.name + "': the data source gave " + std::to_string(sink.written()) + " of its " + std::to_string(t.n_bytes) + " bytes");
    } else {
      PW_TRY(out->write(t.data.data(), t.data.size()));
    }
    PW_TRY(out->write_zeros(static_cast<size_t>(align_up(t.n_bytes, a) - t.n_bytes)));
  }
  return out->commit();
}

}  // namespace pw::gguf
