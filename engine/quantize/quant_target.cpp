#include "engine/quantize/quant_target.h"

#include <array>
#include <cctype>

namespace pw::quantize {

namespace {

struct TargetInfo {
  QuantTarget target;
  std::string_view name;
  GgmlType base;
  uint32_t file_type;  // llama_ftype
  bool mix;
};

constexpr std::array<TargetInfo, 13> kTargets = {{
    {QuantTarget::Q4_0, "Q4_0", GgmlType::Q4_0, 2, false},
    {QuantTarget::Q4_1, "Q4_1", GgmlType::Q4_1, 3, false},
    {QuantTarget::Q5_0, "Q5_0", GgmlType::Q5_0, 8, false},
    {QuantTarget::Q5_1, "Q5_1", GgmlType::Q5_1, 9, false},
    {QuantTarget::Q8_0, "Q8_0", GgmlType::Q8_0, 7, false},
    {QuantTarget::Q2_K, "Q2_K", GgmlType::Q2_K, 10, false},
    {QuantTarget::Q3_K, "Q3_K", GgmlType::Q3_K, 12, false},
    {QuantTarget::Q4_K, "Q4_K", GgmlType::Q4_K, 15, false},
    {QuantTarget::Q5_K, "Q5_K", GgmlType::Q5_K, 17, false},
    {QuantTarget::Q6_K, "Q6_K", GgmlType::Q6_K, 18, false},
    {QuantTarget::Q3_K_M, "Q3_K_M", GgmlType::Q3_K, 12, true},
    {QuantTarget::Q4_K_M, "Q4_K_M", GgmlType::Q4_K, 15, true},
    {QuantTarget::Q5_K_M, "Q5_K_M", GgmlType::Q5_K, 17, true},
}};

const TargetInfo& info(QuantTarget t) { return kTargets[static_cast<size_t>(t)]; }

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::optional<QuantTarget> parse_quant_target(std::string_view name) {
  for (const TargetInfo& t : kTargets)
    if (same_ignoring_case(t.name, name)) return t.target;
  return std::nullopt;
}

std::string_view target_name(QuantTarget t) { return info(t).name; }
GgmlType target_base_type(QuantTarget t) { return info(t).base; }
uint32_t target_file_type(QuantTarget t) { return info(t).file_type; }
bool target_is_mix(QuantTarget t) { return info(t).mix; }

const std::vector<QuantTarget>& all_quant_targets() {
  static const std::vector<QuantTarget> all = [] {
    std::vector<QuantTarget> v;
    for (const TargetInfo& t : kTargets) v.push_back(t.target);
    return v;
  }();
  return all;
}

}  // namespace pw::quantize
