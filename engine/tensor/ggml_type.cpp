#include "engine/tensor/ggml_type.h"

#include <array>
#include <cctype>
#include <limits>

namespace pw {
namespace {

// Indexed by the type id. Sizes follow ggml's block structs (QK_K = 256).
constexpr std::array<TypeInfo, kGgmlTypeCount> kTypes = {{
    {"f32", 1, 4, false},       // 0
    {"f16", 1, 2, false},       // 1
    {"q4_0", 32, 18, true},     // 2: f16 d, 16 bytes of nibbles
    {"q4_1", 32, 20, true},     // 3: f16 d, f16 m, 16 bytes
    {"", 0, 0, false},          // 4: removed
    {"", 0, 0, false},          // 5: removed
    {"q5_0", 32, 22, true},     // 6: f16 d, 4 bytes high bits, 16 bytes
    {"q5_1", 32, 24, true},     // 7: f16 d, f16 m, 4 bytes, 16 bytes
    {"q8_0", 32, 34, true},     // 8: f16 d, 32 int8
    {"q8_1", 32, 36, true},     // 9: f16 d, f16 s, 32 int8
    {"q2_K", 256, 84, true},    // 10
    {"q3_K", 256, 110, true},   // 11
    {"q4_K", 256, 144, true},   // 12
    {"q5_K", 256, 176, true},   // 13
    {"q6_K", 256, 210, true},   // 14
    {"q8_K", 256, 292, true},   // 15: f32 d, 256 int8, 16 int16 block sums
    {"iq2_xxs", 256, 66, true}, // 16
    {"iq2_xs", 256, 74, true},  // 17
    {"iq3_xxs", 256, 98, true}, // 18
    {"iq1_s", 256, 50, true},   // 19
    {"iq4_nl", 32, 18, true},   // 20
    {"iq3_s", 256, 110, true},  // 21
    {"iq2_s", 256, 82, true},   // 22
    {"iq4_xs", 256, 136, true}, // 23
    {"i8", 1, 1, false},        // 24
    {"i16", 1, 2, false},       // 25
    {"i32", 1, 4, false},       // 26
    {"i64", 1, 8, false},       // 27
    {"f64", 1, 8, false},       // 28
    {"iq1_m", 256, 56, true},   // 29
    {"bf16", 1, 2, false},      // 30
}};

}  // namespace

bool is_known_type(uint32_t raw) { return raw < kGgmlTypeCount && kTypes[raw].block_size != 0; }

const TypeInfo& type_info(GgmlType t) { return kTypes[static_cast<uint32_t>(t)]; }

std::optional<GgmlType> type_from_name(std::string_view name) {
  for (uint32_t i = 0; i < kGgmlTypeCount; ++i) {
    const auto& n = kTypes[i].name;
    if (n.empty() || n.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < n.size() && same; ++k)
      same = std::tolower(static_cast<unsigned char>(n[k])) == std::tolower(static_cast<unsigned char>(name[k]));
    if (same) return static_cast<GgmlType>(i);
  }
  return std::nullopt;
}

std::optional<uint64_t> row_size_bytes(GgmlType t, uint64_t n) {
  const TypeInfo& info = type_info(t);
  if (info.block_size == 0 || n % info.block_size != 0) return std::nullopt;
  const uint64_t blocks = n / info.block_size;
  if (blocks > std::numeric_limits<uint64_t>::max() / info.type_size) return std::nullopt;
  return blocks * info.type_size;
}

}  // namespace pw
