// Tensor element types with ggml's numbering and block layouts, as stored in GGUF files.
//
//   const pw::TypeInfo& info = pw::type_info(pw::GgmlType::Q4_K);   // block 256 values, 144 bytes
//   std::optional<uint64_t> bytes = pw::row_size_bytes(GgmlType::Q4_K, 4096);  // nullopt if 4096 % 256
//   if (!pw::is_known_type(raw_u32_from_file)) ...                    // validate file input first
//
// What must not change: the numeric values (they are the on-disk GGUF type ids) and the block
// sizes/byte sizes (they are ggml's exact layouts, so any GGUF from the hubs loads as it is).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pw {

enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  // 4 and 5 (Q4_2, Q4_3) were removed from ggml and never appear in GGUF files.
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
};

inline constexpr uint32_t kGgmlTypeCount = 31;

struct TypeInfo {
  std::string_view name;   // ggml's name: "f32", "q4_K", ...
  uint32_t block_size;     // values per block (1 for plain types)
  uint32_t type_size;      // bytes per block
  bool quantized;
};

// True when `raw` is a type id this build knows the layout of (not necessarily computes with).
bool is_known_type(uint32_t raw);

// Layout of a known type. Precondition: is_known_type(static_cast<uint32_t>(t)).
const TypeInfo& type_info(GgmlType t);

inline std::string_view type_name(GgmlType t) { return type_info(t).name; }

// Parses ggml names case-insensitively ("q4_k", "Q4_K", "f16"). nullopt when unknown.
std::optional<GgmlType> type_from_name(std::string_view name);

// Bytes of a row of `n` values; nullopt when n is not a whole number of blocks or overflows.
std::optional<uint64_t> row_size_bytes(GgmlType t, uint64_t n);

}  // namespace pw
