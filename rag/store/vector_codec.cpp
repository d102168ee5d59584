#include "rag/store/vector_codec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace pw::rag {
namespace {

static_assert(sizeof(float) == 4);

void store_f32_le(float v, uint8_t* out) {
  uint32_t bits = std::bit_cast<uint32_t>(v);
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(bits >> (8 * i));
}

float load_f32_le(const uint8_t* in) {
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits |= uint32_t(in[i]) << (8 * i);
  return std::bit_cast<float>(bits);
}

}  // namespace

const char* to_string(VectorEncoding encoding) {
  return encoding == VectorEncoding::Int8 ? "i8" : "f32";
}

std::optional<VectorEncoding> vector_encoding_from_string(std::string_view text) {
  if (text == "f32") return VectorEncoding::Float32;
  if (text == "i8") return VectorEncoding::Int8;
  return std::nullopt;
}

size_t bytes_per_value(VectorEncoding encoding) { return encoding == VectorEncoding::Int8 ? 1 : 4; }

Result<EncodedVector> encode_vector(std::span<const float> values, VectorEncoding encoding) {
  for (float v : values) {
    if (!std::isfinite(v)) return Error(ErrorCode::InvalidArgument, "an embedding holds a NaN or infinite value");
  }
  EncodedVector out;
  out.bytes.resize(values.size() * bytes_per_value(encoding));
  if (encoding == VectorEncoding::Float32) {
    if constexpr (std::endian::native == std::endian::little) {
      if (!values.empty()) std::memcpy(out.bytes.data(), values.data(), out.bytes.size());
    } else {
      for (size_t i = 0; i < values.size(); ++i) store_f32_le(values[i], &out.bytes[4 * i]);
    }
    out.scale = 1.0f;
    return out;
  }
  float max_abs = 0.0f;
  for (float v : values) max_abs = std::max(max_abs, std::fabs(v));
  out.scale = max_abs / 127.0f;
  const float inverse = out.scale > 0.0f ? 1.0f / out.scale : 0.0f;
  for (size_t i = 0; i < values.size(); ++i) {
    long q = std::lround(values[i] * inverse);
    q = std::clamp(q, -127L, 127L);
    out.bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(q));
  }
  return out;
}

Status decode_vector(std::span<const uint8_t> bytes, float scale, int dim, VectorEncoding encoding, float* out) {
  if (dim < 0 || bytes.size() != static_cast<size_t>(dim) * bytes_per_value(encoding)) {
    return Error(ErrorCode::Corrupt, "a stored embedding has " + std::to_string(bytes.size()) +
                                         " bytes where " + std::to_string(dim) + " values were expected");
  }
  if (encoding == VectorEncoding::Float32) {
    if constexpr (std::endian::native == std::endian::little) {
      if (dim > 0) std::memcpy(out, bytes.data(), bytes.size());
    } else {
      for (int i = 0; i < dim; ++i) out[i] = load_f32_le(&bytes[4 * static_cast<size_t>(i)]);
    }
    return ok_status();
  }
  for (int i = 0; i < dim; ++i) out[i] = static_cast<float>(static_cast<int8_t>(bytes[static_cast<size_t>(i)])) * scale;
  return ok_status();
}

void EmbeddingMatrix::row(size_t i, float* out) const {
  const size_t d = static_cast<size_t>(dim);
  if (encoding == VectorEncoding::Float32) {
    std::memcpy(out, f32.data() + i * d, d * sizeof(float));
    return;
  }
  const float s = scales[i];
  for (size_t k = 0; k < d; ++k) out[k] = static_cast<float>(i8[i * d + k]) * s;
}

}  // namespace pw::rag
