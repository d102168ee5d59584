// GgufWriter -> GgufFile round trips: every value type (nested arrays too), every tensor type,
// alignments, streamed tensors, typed getters, and writes that fail without leaving files.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::GgmlType;
using pw::gguf::GgufArrayBuilder;
using pw::gguf::GgufFile;
using pw::gguf::GgufType;
using pw::gguf::GgufValue;
using pw::gguf::GgufWriter;

GgufFile write_and_open(const GgufWriter& w, const std::filesystem::path& path) {
  pw::Status s = w.write(path);
  if (!s.ok()) {
    ADD_FAILURE() << s.error().describe();
    std::abort();
  }
  auto r = GgufFile::open(path);
  if (!r) {
    ADD_FAILURE() << r.error().describe();
    std::abort();
  }
  return std::move(r).value();
}

std::vector<std::string> folder_entries(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

TEST(GgufRoundTrip, EveryScalarTypeKeepsItsTypeAndExactValue) {
  pw::test::TempDir dir;
  GgufWriter w;
  w.set_u8("t.u8", 255);
  w.set_i8("t.i8", -128);
  w.set_u16("t.u16", 65535);
  w.set_i16("t.i16", -32768);
  w.set_u32("t.u32", 4294967295u);
  w.set_i32("t.i32", std::numeric_limits<int32_t>::min());
  w.set_f32("t.f32", -0.0f);
  w.set_bool("t.bool_true", true);
  w.set_bool("t.bool_false", false);
  w.set_string("t.string", std::string_view("caf\xc3\xa9 \0 end", 11));
  w.set_string("t.empty_string", "");
  w.set_u64("t.u64", std::numeric_limits<uint64_t>::max());
  w.set_i64("t.i64", std::numeric_limits<int64_t>::min());
  w.set_f64("t.f64", 1e-300);
  w.set_f32("t.nan", std::numeric_limits<float>::quiet_NaN());
  GgufFile f = write_and_open(w, dir / "scalars.gguf");

  ASSERT_EQ(f.metadata().size(), 15u);
  EXPECT_EQ(f.metadata()[0].key, "t.u8");  // insertion order is file order
  const std::vector<std::pair<std::string, GgufType>> types = {
      {"t.u8", GgufType::U8},   {"t.i8", GgufType::I8},     {"t.u16", GgufType::U16}, {"t.i16", GgufType::I16},
      {"t.u32", GgufType::U32}, {"t.i32", GgufType::I32},   {"t.f32", GgufType::F32}, {"t.bool_true", GgufType::Bool},
      {"t.string", GgufType::String}, {"t.u64", GgufType::U64}, {"t.i64", GgufType::I64}, {"t.f64", GgufType::F64}};
  for (const auto& [key, type] : types) {
    ASSERT_NE(f.find(key), nullptr) << key;
    EXPECT_EQ(f.find(key)->type(), type) << key;
  }
  EXPECT_EQ(*f.find("t.u8")->to_u64(), 255u);
  EXPECT_EQ(*f.find("t.i8")->to_i64(), -128);
  EXPECT_EQ(*f.find("t.u16")->to_u64(), 65535u);
  EXPECT_EQ(*f.find("t.i16")->to_i64(), -32768);
  EXPECT_EQ(*f.get_u32("t.u32"), 4294967295u);
  EXPECT_EQ(*f.get_i32("t.i32"), std::numeric_limits<int32_t>::min());
  EXPECT_TRUE(std::signbit(*f.get_f32("t.f32")));
  EXPECT_TRUE(*f.get_bool("t.bool_true"));
  EXPECT_FALSE(*f.get_bool("t.bool_false"));
  EXPECT_EQ(*f.get_string("t.string"), std::string_view("caf\xc3\xa9 \0 end", 11));
  EXPECT_EQ(*f.get_string("t.empty_string"), "");
  EXPECT_EQ(*f.get_u64("t.u64"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(*f.get_i64("t.i64"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*f.find("t.f64")->to_f64(), 1e-300);
  EXPECT_TRUE(std::isnan(*f.get_f32("t.nan")));
  EXPECT_TRUE(f.tensors().empty());
}

TEST(GgufRoundTrip, ArraysOfEveryElementTypeIncludingNested) {
  pw::test::TempDir dir;
  GgufWriter w;
  const std::vector<uint8_t> u8s = {0, 1, 255};
  const std::vector<int8_t> i8s = {-128, 0, 127};
  const std::vector<uint16_t> u16s = {1, 65535};
  const std::vector<int16_t> i16s = {-32768, 7};
  const std::vector<uint32_t> u32s = {1, 2, 4294967295u};
  const std::vector<int32_t> i32s = {-5, 0, 2147483647};
  const std::vector<float> f32s = {0.5f, -1.25f, 3e38f};
  const bool bools[] = {true, false, true, true};
  const std::vector<uint64_t> u64s = {std::numeric_limits<uint64_t>::max(), 0};
  const std::vector<int64_t> i64s = {std::numeric_limits<int64_t>::min(), 42};
  const std::vector<double> f64s = {1.0 / 3.0, -2.5};
  const std::vector<std::string> strings = {"<unk>", "", "\xe2\x96\x81hello", std::string(300, 'x')};
  w.set_array("a.u8", std::span<const uint8_t>(u8s));
  w.set_array("a.i8", std::span<const int8_t>(i8s));
  w.set_array("a.u16", std::span<const uint16_t>(u16s));
  w.set_array("a.i16", std::span<const int16_t>(i16s));
  w.set_array("a.u32", std::span<const uint32_t>(u32s));
  w.set_array("a.i32", std::span<const int32_t>(i32s));
  w.set_array("a.f32", std::span<const float>(f32s));
  w.set_array("a.bool", std::span<const bool>(bools));
  w.set_array("a.u64", std::span<const uint64_t>(u64s));
  w.set_array("a.i64", std::span<const int64_t>(i64s));
  w.set_array("a.f64", std::span<const double>(f64s));
  w.set_string_array("a.string", strings);
  w.set_array("a.empty", GgufArrayBuilder::empty(GgufType::F32));
  // [[1, 2], ["x", "yz"], [[true], []]]: nested arrays, each with its own element type.
  const std::vector<int32_t> inner_ints = {1, 2};
  const std::vector<std::string> inner_strings = {"x", "yz"};
  const bool inner_bool[] = {true};
  const std::vector<GgufArrayBuilder> deepest = {GgufArrayBuilder::of(std::span<const bool>(inner_bool)),
                                                 GgufArrayBuilder::empty(GgufType::U8)};
  const std::vector<GgufArrayBuilder> outer = {GgufArrayBuilder::of(inner_ints), GgufArrayBuilder::of_strings(inner_strings),
                                               GgufArrayBuilder::of_arrays(deepest)};
  w.set_array("a.nested", GgufArrayBuilder::of_arrays(outer));
  GgufFile f = write_and_open(w, dir / "arrays.gguf");

  EXPECT_EQ(f.find("a.u8")->scalars<uint8_t>().to_vector(), u8s);
  EXPECT_EQ(f.find("a.i8")->scalars<int8_t>().to_vector(), i8s);
  EXPECT_EQ(f.find("a.u16")->scalars<uint16_t>().to_vector(), u16s);
  EXPECT_EQ(f.find("a.i16")->scalars<int16_t>().to_vector(), i16s);
  EXPECT_EQ(f.find("a.u32")->scalars<uint32_t>().to_vector(), u32s);
  EXPECT_EQ(*f.get_i32_array("a.i32"), i32s);
  EXPECT_EQ(*f.get_f32_array("a.f32"), f32s);
  EXPECT_EQ(f.find("a.bool")->scalars<bool>().to_vector(), std::vector<bool>(std::begin(bools), std::end(bools)));
  EXPECT_EQ(f.find("a.u64")->scalars<uint64_t>().to_vector(), u64s);
  EXPECT_EQ(f.find("a.i64")->scalars<int64_t>().to_vector(), i64s);
  EXPECT_EQ(f.find("a.f64")->scalars<double>().to_vector(), f64s);
  auto got_strings = f.get_string_array("a.string");
  ASSERT_TRUE(got_strings.ok());
  ASSERT_EQ(got_strings->size(), strings.size());
  for (size_t i = 0; i < strings.size(); ++i) EXPECT_EQ((*got_strings)[i], strings[i]);
  EXPECT_EQ(f.find("a.empty")->element_type(), GgufType::F32);
  EXPECT_EQ(f.find("a.empty")->size(), 0u);
  EXPECT_TRUE(f.get_f32_array("a.empty")->empty());
  // Element types are checked, not reinterpreted: a wrong guess gives an empty view.
  EXPECT_TRUE(f.find("a.u8")->scalars<float>().empty());
  EXPECT_TRUE(f.find("a.u8")->strings().empty());
  EXPECT_TRUE(f.find("a.string")->scalars<uint64_t>().empty());
  EXPECT_EQ(f.find("a.string")->scalars<uint64_t>().bytes().size(), 0u);
  EXPECT_EQ(f.find("a.u32")->element_type(), GgufType::U32);
  EXPECT_EQ(f.find("a.bool")->element_type(), GgufType::Bool);

  const GgufValue* nested = f.find("a.nested");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->element_type(), GgufType::Array);
  ASSERT_EQ(nested->size(), 3u);
  std::vector<GgufValue> items(nested->elements().begin(), nested->elements().end());
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].element_type(), GgufType::I32);
  EXPECT_EQ(items[0].scalars<int32_t>().to_vector(), inner_ints);
  EXPECT_EQ(items[1].strings().to_vector(), (std::vector<std::string_view>{"x", "yz"}));
  ASSERT_EQ(items[2].size(), 2u);
  std::vector<GgufValue> deep(items[2].elements().begin(), items[2].elements().end());
  EXPECT_EQ(deep[0].element_type(), GgufType::Bool);
  EXPECT_TRUE(deep[0].scalars<bool>()[0]);
  EXPECT_EQ(deep[1].element_type(), GgufType::U8);
  EXPECT_EQ(deep[1].size(), 0u);
  EXPECT_EQ(nested->summary(), "[array x 3: [i32 x 2: 1, 2], [string x 2: \"x\", \"yz\"], [array x 2: [bool x 1: true], [u8 x 0]]]");

  // Copying values verbatim into another file keeps every byte of their encoding.
  GgufWriter copy;
  for (const auto& kv : f.metadata()) copy.set_value(kv.key, kv.value);
  GgufFile g = write_and_open(copy, dir / "copy.gguf");
  ASSERT_EQ(g.metadata().size(), f.metadata().size());
  for (size_t i = 0; i < f.metadata().size(); ++i) {
    EXPECT_EQ(g.metadata()[i].key, f.metadata()[i].key);
    const auto a = f.metadata()[i].value.encoded();
    const auto b = g.metadata()[i].value.encoded();
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << f.metadata()[i].key;
  }
}

TEST(GgufRoundTrip, TypedGettersAcceptFittingIntegersAndNameMismatches) {
  pw::test::TempDir dir;
  GgufWriter w;
  w.set_u8("small", 7);
  w.set_i32("negative", -1);
  w.set_u64("big", uint64_t{1} << 40);
  w.set_string("text", "hello");
  w.set_f64("double", 0.25);
  w.set_i16("short", 12);
  const std::vector<uint16_t> ids = {1, 65535};
  w.set_array("ids16", std::span<const uint16_t>(ids));
  const std::vector<int64_t> wide = {1, int64_t{1} << 40};
  w.set_array("ids64", std::span<const int64_t>(wide));
  GgufFile f = write_and_open(w, dir / "getters.gguf");

  EXPECT_EQ(*f.get_u32("small"), 7u);
  EXPECT_EQ(*f.get_i32("small"), 7);
  EXPECT_EQ(*f.get_u64("short"), 12u);
  EXPECT_EQ(*f.get_i32("negative"), -1);
  EXPECT_EQ(*f.get_i64("big"), int64_t{1} << 40);
  EXPECT_EQ(*f.get_f32("double"), 0.25f);
  EXPECT_EQ(*f.get_f32("small"), 7.0f);  // integers are numbers too

  auto neg = f.get_u32("negative");
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.error().code(), ErrorCode::Corrupt);
  EXPECT_EQ(neg.error().subject(), (dir / "getters.gguf").string());
  EXPECT_EQ(neg.error().message(), "metadata key 'negative' value -1 does not fit in u32");
  auto big = f.get_u32("big");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message().find("does not fit in u32"), std::string::npos);
  auto text = f.get_u32("text");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "metadata key 'text' is a string, expected an integer");
  auto missing = f.get_u32("llama.block_count");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
  EXPECT_EQ(missing.error().message(), "metadata key 'llama.block_count' is missing");
  EXPECT_EQ(*f.get_u32_or("llama.block_count", 9), 9u);
  EXPECT_FALSE(f.get_u32_or("text", 9).ok());  // present but wrong type stays an error
  EXPECT_FALSE(f.get_string("small").ok());
  EXPECT_FALSE(f.get_bool("small").ok());
  EXPECT_FALSE(f.get_f32("text").ok());
  EXPECT_EQ(f.get_string_array("ids16").error().message(), "metadata key 'ids16' is an array of u16, expected an array of string");
  EXPECT_EQ(*f.get_i32_array("ids16"), (std::vector<int32_t>{1, 65535}));  // widened
  auto wide_ids = f.get_i32_array("ids64");
  ASSERT_FALSE(wide_ids.ok());
  EXPECT_NE(wide_ids.error().message().find("element 1"), std::string::npos) << wide_ids.error().message();
  EXPECT_FALSE(f.get_f32_array("text").ok());
}

TEST(GgufRoundTrip, EveryTensorTypeWithDefaultAlignment) {
  pw::test::TempDir dir;
  GgufWriter w;
  std::vector<std::vector<uint8_t>> data;
  std::vector<GgmlType> types;
  for (uint32_t id = 0; id < pw::kGgmlTypeCount; ++id)
    if (pw::is_known_type(id)) types.push_back(static_cast<GgmlType>(id));
  data.reserve(types.size());
  for (GgmlType t : types) {
    const uint64_t ne0 = pw::type_info(t).block_size * 2;
    data.push_back(random_bytes(*pw::row_size_bytes(t, ne0) * 3, static_cast<uint32_t>(t)));
    pw::Status s = w.add_tensor("t." + std::string(pw::type_name(t)), t, {ne0, 3}, data.back());
    ASSERT_TRUE(s.ok()) << s.error().describe();
  }
  GgufFile f = write_and_open(w, dir / "types.gguf");
  ASSERT_EQ(f.tensors().size(), types.size());
  EXPECT_FALSE(f.contains("general.alignment"));
  EXPECT_EQ(f.alignment(), 32u);
  EXPECT_EQ(f.data_offset() % 32, 0u);
  EXPECT_EQ(f.file_size() % 32, 0u);  // padded after the last tensor too, as ggml writes
  for (size_t i = 0; i < types.size(); ++i) {
    const auto& t = f.tensors()[i];
    EXPECT_EQ(t.name, "t." + std::string(pw::type_name(types[i])));
    EXPECT_EQ(t.type, types[i]);
    EXPECT_EQ(t.n_dims, 2u);
    EXPECT_EQ(t.ne[0], pw::type_info(types[i]).block_size * 2);
    EXPECT_EQ(t.ne[1], 3u);
    EXPECT_EQ(t.n_bytes, data[i].size());
    EXPECT_EQ(t.offset % 32, 0u);
    EXPECT_TRUE(std::equal(data[i].begin(), data[i].end(), t.data)) << t.name;
    if (i > 0) {  // consecutive, as ggml requires
      const auto& prev = f.tensors()[i - 1];
      EXPECT_EQ(t.offset, (prev.offset + prev.n_bytes + 31) / 32 * 32);
    }
  }
}

TEST(GgufRoundTrip, CustomAlignmentsAndVersion2) {
  pw::test::TempDir dir;
  const auto small = random_bytes(4 * 5, 1);
  const auto big = random_bytes(34 * 8 * 2, 2);
  for (uint32_t alignment : {1u, 8u, 64u, 4096u}) {
    GgufWriter w;
    w.set_string("general.architecture", "test");
    w.set_alignment(alignment);
    ASSERT_TRUE(w.add_tensor("a", GgmlType::F32, {5}, small).ok());
    ASSERT_TRUE(w.add_tensor("b", GgmlType::Q8_0, {256, 2}, big).ok());
    GgufFile f = write_and_open(w, dir / ("align" + std::to_string(alignment) + ".gguf"));
    EXPECT_EQ(f.alignment(), alignment);
    EXPECT_EQ(*f.get_u32("general.alignment"), alignment);
    EXPECT_EQ(f.data_offset() % alignment, 0u);
    EXPECT_EQ(f.file_size() % alignment, 0u);
    EXPECT_EQ(f.find_tensor("b")->offset, (20 + alignment - 1) / alignment * alignment);
    EXPECT_TRUE(std::equal(big.begin(), big.end(), f.find_tensor("b")->data));
  }
  GgufWriter w2;
  ASSERT_TRUE(w2.set_version(2).ok());
  EXPECT_FALSE(w2.set_version(1).ok());
  w2.set_u32("x", 5);
  ASSERT_TRUE(w2.add_tensor("a", GgmlType::F32, {5}, small).ok());
  GgufFile f2 = write_and_open(w2, dir / "v2.gguf");
  EXPECT_EQ(f2.version(), 2u);
  EXPECT_EQ(*f2.get_u32("x"), 5u);
  EXPECT_TRUE(std::equal(small.begin(), small.end(), f2.find_tensor("a")->data));
}

TEST(GgufRoundTrip, StreamedTensorEqualsSpanTensor) {
  pw::test::TempDir dir;
  const auto bytes = random_bytes(18 * 8 * 100, 3);  // q4_0 [256, 100]
  GgufWriter a;
  ASSERT_TRUE(a.add_tensor("w", GgmlType::Q4_0, {256, 100}, bytes).ok());
  GgufWriter b;
  int calls = 0;
  ASSERT_TRUE(b.add_tensor("w", GgmlType::Q4_0, {256, 100},
                           [&](pw::gguf::GgufDataSink& sink) -> pw::Status {
                             ++calls;
                             EXPECT_EQ(sink.expected(), bytes.size());
                             for (size_t row = 0; row < 100; ++row) PW_TRY(sink.write(bytes.data() + row * 144, 144));
                             return pw::ok_status();
                           })
                  .ok());
  ASSERT_TRUE(a.write(dir / "a.gguf").ok());
  ASSERT_TRUE(b.write(dir / "b.gguf").ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(pw::test::read_file(dir / "a.gguf"), pw::test::read_file(dir / "b.gguf"));
}

TEST(GgufRoundTrip, ReplacingAndRemovingKeysKeepsOrder) {
  pw::test::TempDir dir;
  GgufWriter w;
  w.set_u32("a", 1);
  w.set_u32("b", 2);
  w.set_u32("c", 3);
  w.set_string("a", "now a string");
  EXPECT_TRUE(w.remove("b"));
  EXPECT_FALSE(w.remove("b"));
  EXPECT_TRUE(w.contains("c"));
  EXPECT_EQ(w.metadata_count(), 2u);
  GgufFile f = write_and_open(w, dir / "keys.gguf");
  ASSERT_EQ(f.metadata().size(), 2u);
  EXPECT_EQ(f.metadata()[0].key, "a");
  EXPECT_EQ(*f.get_string("a"), "now a string");
  EXPECT_EQ(f.metadata()[1].key, "c");
}

TEST(GgufRoundTrip, WriterRejectsBadTensorsAndMetadata) {
  const auto bytes = random_bytes(1024, 4);
  GgufWriter w;
  EXPECT_TRUE(w.add_tensor("ok", GgmlType::F32, {4}, std::span<const uint8_t>(bytes).first(16)).ok());
  auto check = [](pw::Status s, const std::string& needle) {
    ASSERT_FALSE(s.ok()) << needle;
    EXPECT_EQ(s.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(s.error().message().find(needle), std::string::npos) << s.error().message();
  };
  check(w.add_tensor("ok", GgmlType::F32, {4}, std::span<const uint8_t>(bytes).first(16)), "already added");
  check(w.add_tensor("", GgmlType::F32, {4}, std::span<const uint8_t>(bytes).first(16)), "needs a name");
  check(w.add_tensor(std::string(64, 'n'), GgmlType::F32, {4}, std::span<const uint8_t>(bytes).first(16)), "at most 63");
  check(w.add_tensor("q", GgmlType::Q4_0, {48}, std::span<const uint8_t>(bytes).first(18)), "not whole q4_0 blocks");
  check(w.add_tensor("f", GgmlType::F32, {4}, std::span<const uint8_t>(bytes).first(15)), "15 bytes given");
  check(w.add_tensor("d", GgmlType::F32, {1, 1, 1, 1, 1}, std::span<const uint8_t>(bytes).first(4)), "dimensions");
  check(w.add_tensor("d", GgmlType::F32, {}, std::span<const uint8_t>(bytes).first(4)), "dimensions");
  check(w.add_tensor("o", GgmlType::F32, {uint64_t{1} << 40, uint64_t{1} << 40}, std::span<const uint8_t>(bytes).first(4)), "overflow");
  check(w.add_tensor("u", static_cast<GgmlType>(4), {32}, std::span<const uint8_t>(bytes).first(4)), "unknown type");
  EXPECT_EQ(w.tensor_count(), 1u);

  pw::test::TempDir dir;
  GgufWriter bad_alignment;
  bad_alignment.set_alignment(48);
  check(bad_alignment.write(dir / "x.gguf"), "not a power of two");
  GgufWriter typed_alignment;
  typed_alignment.set_u64("general.alignment", 32);
  check(typed_alignment.write(dir / "x.gguf"), "must be a u32");
  GgufWriter empty_key;
  empty_key.set_u32("", 1);
  check(empty_key.write(dir / "x.gguf"), "empty");
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

TEST(GgufRoundTrip, FailingSourceLeavesNoFileAndKeepsTheOldOne) {
  pw::test::TempDir dir;
  const auto target = dir / "model.gguf";
  pw::test::write_file(target, "old", 3);
  const auto bytes = random_bytes(64, 5);

  GgufWriter erroring;
  ASSERT_TRUE(erroring.add_tensor("w", GgmlType::F32, {16},
                                  [](pw::gguf::GgufDataSink& sink) -> pw::Status {
                                    PW_TRY(sink.write(std::vector<uint8_t>(8)));
                                    return pw::Error(ErrorCode::Cancelled, "quantizer stopped");
                                  })
                  .ok());
  pw::Status s = erroring.write(target);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::Cancelled);
  EXPECT_NE(s.error().message().find("writing tensor 'w'"), std::string::npos) << s.error().message();

  GgufWriter short_source;
  ASSERT_TRUE(short_source.add_tensor("w", GgmlType::F32, {16}, [&](pw::gguf::GgufDataSink& sink) {
                            return sink.write(std::span<const uint8_t>(bytes).first(60));
                          }).ok());
  s = short_source.write(target);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("gave 60 of its 64 bytes"), std::string::npos) << s.error().message();

  GgufWriter long_source;
  ASSERT_TRUE(long_source.add_tensor("w", GgmlType::F32, {16}, [&](pw::gguf::GgufDataSink& sink) -> pw::Status {
                           PW_TRY(sink.write(bytes));
                           return sink.write(bytes);
                         }).ok());
  s = long_source.write(target);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("more than its 64 bytes"), std::string::npos) << s.error().message();

  EXPECT_EQ(pw::test::read_text(target), "old");
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"model.gguf"});  // no temp files
}

TEST(GgufRoundTrip, MissingFolderIsNotFound) {
  pw::test::TempDir dir;
  GgufWriter w;
  w.set_u32("x", 1);
  pw::Status s = w.write(dir / "no" / "such" / "model.gguf");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::NotFound);
  EXPECT_EQ(s.error().subject(), (dir / "no" / "such" / "model.gguf").string());
}

// A full disk, simulated with a file size limit: write() fails with EFBIG (SIGXFSZ ignored).
TEST(GgufRoundTrip, DiskFullFailsCleanly) {
  pw::test::TempDir dir;
  const auto big = random_bytes(3 << 20, 6);
  GgufWriter w;
  ASSERT_TRUE(w.add_tensor("w", GgmlType::F32, {big.size() / 4}, big).ok());

  struct rlimit old_limit {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limit = old_limit;
  limit.rlim_cur = 1 << 20;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  pw::Status s = w.write(dir / "model.gguf");
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::Io);
  EXPECT_NE(s.error().message().find("write failed"), std::string::npos) << s.error().describe();
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

}  // namespace
