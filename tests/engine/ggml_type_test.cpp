#include "engine/tensor/ggml_type.h"

#include <gtest/gtest.h>

namespace {

TEST(GgmlType, BlockLayoutsMatchGgml) {
  EXPECT_EQ(pw::type_info(pw::GgmlType::Q4_0).type_size, 18u);
  EXPECT_EQ(pw::type_info(pw::GgmlType::Q8_0).type_size, 34u);
  EXPECT_EQ(pw::type_info(pw::GgmlType::Q4_K).type_size, 144u);
  EXPECT_EQ(pw::type_info(pw::GgmlType::Q6_K).type_size, 210u);
  EXPECT_EQ(pw::type_info(pw::GgmlType::Q8_K).type_size, 292u);
  EXPECT_EQ(pw::type_info(pw::GgmlType::Q2_K).block_size, 256u);
}

TEST(GgmlType, UnknownIdsAreRejected) {
  EXPECT_TRUE(pw::is_known_type(0));
  EXPECT_FALSE(pw::is_known_type(4));
  EXPECT_FALSE(pw::is_known_type(5));
  EXPECT_TRUE(pw::is_known_type(30));
  EXPECT_FALSE(pw::is_known_type(31));
  EXPECT_FALSE(pw::is_known_type(0xFFFFFFFFu));
}

TEST(GgmlType, RowSizes) {
  EXPECT_EQ(pw::row_size_bytes(pw::GgmlType::Q4_K, 4096), 16u * 144u);
  EXPECT_FALSE(pw::row_size_bytes(pw::GgmlType::Q4_K, 100).has_value());
  EXPECT_EQ(pw::row_size_bytes(pw::GgmlType::F16, 3), 6u);
  EXPECT_FALSE(pw::row_size_bytes(pw::GgmlType::F32, UINT64_MAX / 2).has_value());
}

TEST(GgmlType, NamesRoundTrip) {
  EXPECT_EQ(pw::type_from_name("Q4_K"), pw::GgmlType::Q4_K);
  EXPECT_EQ(pw::type_from_name("bf16"), pw::GgmlType::BF16);
  EXPECT_FALSE(pw::type_from_name("q4_2").has_value());
  EXPECT_EQ(pw::type_name(pw::GgmlType::Q5_1), "q5_1");
}

}  // namespace
