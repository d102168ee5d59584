// Embedding vectors <-> the bytes kept in embeddings.vector.
//
//   auto enc = pw::rag::encode_vector(values, pw::rag::VectorEncoding::Int8);   // Result
//   std::vector<float> back(dim);
//   PW_TRY(pw::rag::decode_vector(enc->bytes, enc->scale, dim, VectorEncoding::Int8, back.data()));
//
// Must not change (files in the field hold these bytes): Float32 is dim little-endian IEEE
// floats, scale 1. Int8 is dim signed bytes q with value = q * scale, scale = max|x| / 127
// (0 for the zero vector), q = round(x / scale) clamped to [-127, 127].
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "rag/store/library_types.h"

namespace pw::rag {

struct EncodedVector {
  float scale = 1.0f;
  std::vector<uint8_t> bytes;
};

const char* to_string(VectorEncoding encoding);  // "f32", "i8"
std::optional<VectorEncoding> vector_encoding_from_string(std::string_view text);
size_t bytes_per_value(VectorEncoding encoding);

// InvalidArgument for NaN or infinite values.
Result<EncodedVector> encode_vector(std::span<const float> values, VectorEncoding encoding);

// Corrupt when the byte count does not match dim (a damaged or foreign row).
Status decode_vector(std::span<const uint8_t> bytes, float scale, int dim, VectorEncoding encoding, float* out);

}  // namespace pw::rag
