#include "engine/model_info/file_type.h"

#include <array>
#include <utility>

namespace pw::model_info {

std::string_view file_type_name(uint32_t file_type) {
  // llama_ftype as published in llama.h; 5 and 6 (Q4_2, Q4_3) were removed long ago.
  static constexpr std::array<std::pair<uint32_t, std::string_view>, 33> kNames = {{
      {0, "F32"},      {1, "F16"},       {2, "Q4_0"},     {3, "Q4_1"},     {4, "Q4_1_SOME_F16"},
      {7, "Q8_0"},     {8, "Q5_0"},      {9, "Q5_1"},     {10, "Q2_K"},    {11, "Q3_K_S"},
      {12, "Q3_K_M"},  {13, "Q3_K_L"},   {14, "Q4_K_S"},  {15, "Q4_K_M"},  {16, "Q5_K_S"},
      {17, "Q5_K_M"},  {18, "Q6_K"},     {19, "IQ2_XXS"}, {20, "IQ2_XS"},  {21, "Q2_K_S"},
      {22, "IQ3_XS"},  {23, "IQ3_XXS"},  {24, "IQ1_S"},   {25, "IQ4_NL"},  {26, "IQ3_S"},
      {27, "IQ3_M"},   {28, "IQ2_S"},    {29, "IQ2_M"},   {30, "IQ4_XS"},  {31, "IQ1_M"},
      {32, "BF16"},    {36, "TQ1_0"},    {37, "TQ2_0"},
  }};
  for (const auto& [number, name] : kNames)
    if (number == file_type) return name;
  return "";
}

}  // namespace pw::model_info
