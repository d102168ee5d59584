// Truncated, corrupted and hostile GGUF input: every case must give a specific error naming
// the file, and never crash, hang or allocate hugely. Also replays the fuzzer's seed corpus
// and every regression input the fuzzer found (tests/fuzz/regressions/gguf).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/gguf_test_bytes.h"
#include "fuzz/gguf_seed_files.h"
#include "fuzz/gguf_use_everything.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::gguf::GgufFile;
using pw::test::GgufBytes;

constexpr const char* kName = "hostile.gguf";
constexpr uint32_t kU32 = 4, kBool = 7, kString = 8, kArray = 9, kU64 = 10;  // GGUF value type tags

void expect_error(std::span<const uint8_t> bytes, ErrorCode code, const std::string& needle) {
  auto r = GgufFile::parse(bytes, kName);
  ASSERT_FALSE(r.ok()) << "accepted; expected an error containing: " << needle;
  EXPECT_EQ(r.error().code(), code) << r.error().describe();
  EXPECT_EQ(r.error().subject(), kName);
  EXPECT_NE(r.error().message().find(needle), std::string::npos) << "message: " << r.error().message() << "\nexpected: " << needle;
}

void expect_error(const GgufBytes& b, ErrorCode code, const std::string& needle) { expect_error(b.span(), code, needle); }

// A file with one metadata entry whose key is "k"; the caller appends type tag and value.
GgufBytes one_kv() {
  GgufBytes b;
  b.header(3, 0, 1).str("k");
  return b;
}

// A file with `n` tensor infos and no metadata; the caller appends the infos.
GgufBytes tensors_header(uint64_t n) {
  GgufBytes b;
  b.header(3, n, 0);
  return b;
}

std::vector<uint8_t> seed_file(const std::string& name) {
  pw::test::TempDir dir;
  for (const auto& seed : pw::test::gguf_seeds()) {
    if (seed.name != name) continue;
    pw::Status s = seed.writer->write(dir / name);
    if (!s.ok()) ADD_FAILURE() << s.error().describe();
    return pw::test::read_file(dir / name);
  }
  ADD_FAILURE() << "no seed named " << name;
  return {};
}

// ---- header ------------------------------------------------------------------------------

TEST(GgufHostile, HeaderProblemsAreNamed) {
  expect_error(GgufBytes().raw("GG", 2), ErrorCode::Truncated, "too short to be a GGUF file");
  expect_error(GgufBytes().raw("GGML", 4).u32(3).u64(0).u64(0), ErrorCode::Corrupt, "not a GGUF file (it starts with 'GGML'");
  expect_error(GgufBytes().raw("GGUF", 4).u32(1).u64(0).u64(0), ErrorCode::Unsupported, "GGUF version 1 is not supported");
  expect_error(GgufBytes().raw("GGUF", 4).u32(0).u64(0).u64(0), ErrorCode::Corrupt, "version 0");
  expect_error(GgufBytes().raw("GGUF", 4).u32(4).u64(0).u64(0), ErrorCode::Unsupported, "GGUF version 4 is newer");
  // A big-endian v3 file: the version reads as 0x03000000 on a little-endian host.
  expect_error(GgufBytes().raw("GGUF", 4).u32(0x03000000).u64(0).u64(0), ErrorCode::Unsupported, "big-endian");
  expect_error(GgufBytes().raw("GGUF", 4).u32(3), ErrorCode::Truncated, "tensor count at offset 8 needs 8 bytes");
  expect_error(GgufBytes().raw("GGUF", 4).u32(3).u64(0).u64(uint64_t{1} << 62), ErrorCode::Corrupt, "metadata count 4611686018427387904");
  expect_error(GgufBytes().raw("GGUF", 4).u32(3).u64(std::numeric_limits<uint64_t>::max()).u64(0), ErrorCode::Corrupt, "tensor count");
  // Counts that would fit a slightly longer file are truncation, not corruption.
  expect_error(GgufBytes().header(3, 0, 2).zeros(20), ErrorCode::Truncated, "metadata count 2");
}

TEST(GgufHostile, VersionTwoAndEmptyFilesAreFine) {
  auto v2 = GgufFile::parse(GgufBytes().header(2, 0, 0).span(), kName);
  ASSERT_TRUE(v2.ok()) << v2.error().describe();
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_EQ(v2->data_offset(), 32u);  // aligned end of the (empty) infos, even past a short file
}

// ---- metadata ----------------------------------------------------------------------------

TEST(GgufHostile, MetadataProblemsAreNamed) {
  const uint64_t huge = uint64_t{1} << 63;
  expect_error(GgufBytes().header(3, 0, 1).u64(huge).zeros(16), ErrorCode::Corrupt, "key at offset 24 is 9223372036854775808 bytes long");
  expect_error(GgufBytes().header(3, 0, 1).u64(70000).zeros(70000), ErrorCode::Corrupt, "at most 65535 allowed");
  expect_error(GgufBytes().header(3, 0, 1).str("").u32(kU32).u32(1), ErrorCode::Corrupt, "has an empty key");
  expect_error(GgufBytes().header(3, 0, 2).str("k").u32(kU32).u32(1).str("k").u32(kU32).u32(2), ErrorCode::Corrupt,
               "metadata key 'k' appears twice");
  expect_error(one_kv().u32(13).u32(0), ErrorCode::Corrupt, "metadata key 'k' has invalid value type 13");
  expect_error(one_kv().u32(0xFFFFFFFF).u32(0), ErrorCode::Corrupt, "invalid value type 4294967295");
  expect_error(one_kv().u32(kString).u64(huge), ErrorCode::Corrupt, "metadata key 'k': string at offset 45 needs 9223372036854775808 bytes");
  expect_error(one_kv().u32(kString).u64(10).raw("abc", 3), ErrorCode::Truncated, "needs 10 bytes but only 3 are left");
  expect_error(one_kv().u32(kU64).u32(7), ErrorCode::Truncated, "metadata key 'k': u64 value at offset 37 needs 8 bytes");
  expect_error(one_kv().u32(kBool).u8(2), ErrorCode::Corrupt, "bool value at offset 37 is 2 (must be 0 or 1)");
  expect_error(GgufBytes().header(3, 0, 1).str("k\x01\xff").u32(13).u32(0), ErrorCode::Corrupt, "metadata key 'k?" "?'"  /* non-printable bytes shown as ? */);
}

TEST(GgufHostile, ArrayProblemsAreNamed) {
  expect_error(one_kv().u32(kArray).u32(kU64).u64(uint64_t{1} << 61), ErrorCode::Corrupt,
               "array of u64 with length 2305843009213693952 at offset 49 cannot fit");
  expect_error(one_kv().u32(kArray).u32(kString).u64(std::numeric_limits<uint64_t>::max()), ErrorCode::Corrupt, "array of string with length");
  expect_error(one_kv().u32(kArray).u32(kArray).u64(uint64_t{1} << 40), ErrorCode::Corrupt, "array of array with length 1099511627776");
  expect_error(one_kv().u32(kArray).u32(77).u64(1).zeros(8), ErrorCode::Corrupt, "invalid element type 77");
  expect_error(one_kv().u32(kArray).u32(kBool).u64(3).u8(1).u8(0).u8(5), ErrorCode::Corrupt,
               "metadata key 'k': element 2 of 3: bool value at offset 51 is 5");
  expect_error(one_kv().u32(kArray).u32(kString).u64(2).str("ok").u64(10).raw("x", 1), ErrorCode::Truncated, "element 1 of 2: string");
  // An array value cut short: 4 u32 announced, 3 present.
  expect_error(one_kv().u32(kArray).u32(kU32).u64(4).u32(1).u32(2).u32(3), ErrorCode::Truncated, "array of u32 with length 4");
}

// An array nested `levels` deep whose innermost array is an empty array of u32.
GgufBytes nested(int levels) {
  GgufBytes b = one_kv();
  b.u32(kArray);
  for (int i = 1; i < levels; ++i) b.u32(kArray).u64(1);
  b.u32(kU32).u64(0);
  return b;
}

TEST(GgufHostile, NestingDepthIsBounded) {
  const GgufBytes eight = nested(8);  // parse() views the caller's buffer: keep it alive
  auto ok = GgufFile::parse(eight.span(), kName);
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_TRUE(pw::test::use_everything(*ok).consistent);
  expect_error(nested(9), ErrorCode::Corrupt, "arrays nested deeper than 8 levels");
  // A depth bomb: a million levels would overflow a naive recursive reader's stack.
  expect_error(nested(1000000), ErrorCode::Corrupt, "arrays nested deeper than 8 levels");
}

TEST(GgufHostile, ManyKeysAndTensorsAreIndexedAndDuplicatesFound) {
  constexpr uint32_t kKeys = 60000, kTensors = 20000;
  GgufBytes b;
  b.header(3, kTensors, kKeys);
  for (uint32_t i = 0; i < kKeys; ++i) b.str("key." + std::to_string(i)).u32(0).u8(static_cast<uint8_t>(i));
  for (uint32_t i = 0; i < kTensors; ++i) b.tensor("t" + std::to_string(i), {1}, 0, uint64_t{32} * i);
  b.pad_to(32).zeros(size_t{32} * kTensors);
  auto r = GgufFile::parse(b.span(), kName);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(*r->get_u32("key.12345"), 12345u % 256u);
  EXPECT_EQ(r->find_tensor("t19999")->offset, 32u * 19999u);
  EXPECT_EQ(r->find("key.60000"), nullptr);

  GgufBytes dup;
  dup.header(3, 0, kKeys);
  for (uint32_t i = 0; i < kKeys; ++i) dup.str("key." + std::to_string(i == kKeys - 1 ? 777 : i)).u32(0).u8(0);
  expect_error(dup, ErrorCode::Corrupt, "metadata key 'key.777' appears twice");
}

TEST(GgufHostile, AlignmentMustBeAU32PowerOfTwo) {
  auto with_alignment = [](uint32_t type, uint64_t value) {
    GgufBytes b;
    b.header(3, 0, 1).str("general.alignment").u32(type);
    if (type == kU32) b.u32(static_cast<uint32_t>(value));
    else if (type == kU64) b.u64(value);
    else b.str("32");
    return b;
  };
  expect_error(with_alignment(kU32, 0), ErrorCode::Corrupt, "general.alignment is 0; it must be a power of two");
  expect_error(with_alignment(kU32, 48), ErrorCode::Corrupt, "general.alignment is 48");
  expect_error(with_alignment(kString, 0), ErrorCode::Corrupt, "general.alignment must be a u32, found string \"32\"");
  expect_error(with_alignment(kU64, uint64_t{1} << 40), ErrorCode::Corrupt, "general.alignment must be a u32");
  auto fine = GgufFile::parse(with_alignment(kU64, 64).span(), kName);  // any integer type that fits
  ASSERT_TRUE(fine.ok()) << fine.error().describe();
  EXPECT_EQ(fine->alignment(), 64u);
}

// ---- tensors -----------------------------------------------------------------------------

TEST(GgufHostile, TensorInfoProblemsAreNamed) {
  const uint64_t big = uint64_t{1} << 32;
  expect_error(tensors_header(1).u64(uint64_t{1} << 40).zeros(40), ErrorCode::Corrupt, "tensor 0 of 1: name at offset 24 is 1099511627776 bytes long");
  expect_error(tensors_header(1).tensor("", {4}, 0, 0).zeros(32), ErrorCode::Corrupt, "tensor 0 has an empty name");
  expect_error(tensors_header(1).tensor("w", {1, 1, 1, 1, 1}, 0, 0), ErrorCode::Corrupt, "tensor 'w' has 5 dimensions (at most 4)");
  expect_error(tensors_header(1).tensor("w", {big, big, big}, 0, 0), ErrorCode::Corrupt,
               "tensor 'w' has shape [4294967296, 4294967296, 4294967296] whose element count overflows 64 bits");
  expect_error(tensors_header(1).tensor("w", {0, big, big, big}, 0, 0), ErrorCode::Corrupt, "overflows 64 bits");
  expect_error(tensors_header(1).tensor("w", {uint64_t{1} << 63}, 0, 0), ErrorCode::Corrupt, "dimension 0 is 9223372036854775808 (negative as int64)");
  expect_error(tensors_header(1).tensor("w", {uint64_t{1} << 62}, 0, 0), ErrorCode::Corrupt, "has a row size that overflows 64 bits");
  expect_error(tensors_header(1).tensor("w", {uint64_t{1} << 40, uint64_t{1} << 22}, 0, 0), ErrorCode::Corrupt, "byte size that overflows");
  expect_error(tensors_header(1).tensor("w", {32}, 4, 0), ErrorCode::Unsupported, "tensor 'w' has unknown tensor type id 4");
  expect_error(tensors_header(1).tensor("w", {32}, 39, 0), ErrorCode::Unsupported, "tensor 'w' has unknown tensor type id 39");
  expect_error(tensors_header(1).tensor("w", {32}, 0xFFFFFFFF, 0), ErrorCode::Unsupported, "unknown tensor type id 4294967295");
  expect_error(tensors_header(1).tensor("w", {48, 2}, 2, 0), ErrorCode::Corrupt,
               "tensor 'w' of type q4_0 has rows of 48 values, not a whole number of 32-value blocks");
  expect_error(tensors_header(2).tensor("w", {4}, 0, 0).tensor("w", {4}, 0, 32).pad_to(32).zeros(64), ErrorCode::Corrupt,
               "tensor 'w' appears twice");
  expect_error(tensors_header(1).str("w").u32(3).u64(4).u64(4), ErrorCode::Truncated, "tensor 'w': dimension 2 at offset 53 needs 8 bytes");
}

TEST(GgufHostile, TensorDataProblemsAreNamed) {
  // f32 [16] = 64 bytes.
  expect_error(tensors_header(1).tensor("w", {16}, 0, 0).pad_to(32).zeros(63), ErrorCode::Truncated,
               "tensor 'w' (64 bytes at data offset 0) ends past the end of the file (63 bytes of tensor data)");
  expect_error(tensors_header(1).tensor("w", {16}, 0, 64).pad_to(32).zeros(64), ErrorCode::Truncated, "ends past the end of the file");
  expect_error(tensors_header(1).tensor("w", {16}, 0, uint64_t{1} << 63).pad_to(32).zeros(64), ErrorCode::Corrupt, "ends past the end");  // no file is 2^62 bytes
  expect_error(tensors_header(1).tensor("w", {16}, 0, std::numeric_limits<uint64_t>::max() - 31).pad_to(32).zeros(64), ErrorCode::Corrupt,
               "ends past the end");
  expect_error(tensors_header(1).tensor("w", {16}, 0, 16).pad_to(32).zeros(96), ErrorCode::Corrupt,
               "tensor 'w' data offset 16 is not a multiple of the alignment 32");
  expect_error(tensors_header(2).tensor("a", {16}, 0, 32).tensor("b", {16}, 0, 64).pad_to(32).zeros(128), ErrorCode::Corrupt,
               "tensors 'a' and 'b' overlap");
  expect_error(tensors_header(2).tensor("late", {16}, 0, 64).tensor("early", {32}, 0, 0).pad_to(32).zeros(128), ErrorCode::Corrupt,
               "tensors 'early' and 'late' overlap");
  // The data section itself (aligned end of the infos) lies past the end of the file.
  expect_error(tensors_header(1).tensor("w", {0}, 0, 0), ErrorCode::Truncated, "the tensor data section would start at offset 64");
}

TEST(GgufHostile, OddButValidTensorLayoutsAreAccepted) {
  // Out of order, with a gap, a zero-size tensor, a 0-dim (scalar) tensor and no padding after the last.
  GgufBytes b = tensors_header(4);
  b.tensor("second", {8}, 0, 64).tensor("first", {8}, 0, 0).tensor("empty", {0, 5}, 0, 0).tensor("scalar", {}, 0, 96);
  b.pad_to(32).zeros(100);
  auto r = GgufFile::parse(b.span(), kName);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->find_tensor("empty")->n_bytes, 0u);
  EXPECT_EQ(r->find_tensor("empty")->n_elements, 0u);
  EXPECT_EQ(r->find_tensor("scalar")->n_elements, 1u);
  EXPECT_EQ(r->find_tensor("scalar")->n_bytes, 4u);
  EXPECT_EQ(r->find_tensor("second")->file_offset, r->data_offset() + 64);
  EXPECT_TRUE(pw::test::use_everything(*r).consistent);
}

// ---- truncation and bit flips ------------------------------------------------------------

// Cutting a file anywhere before the end of its last needed byte is an error, never a crash;
// from that point on (only padding is missing) the file is valid.
void check_every_truncation(std::span<const uint8_t> bytes, const std::string& name, size_t step = 1) {
  size_t first_ok = bytes.size();
  for (size_t n = 0; n < bytes.size(); n += step) {
    auto r = GgufFile::parse(bytes.first(n), name);
    if (r.ok()) {
      first_ok = std::min(first_ok, n);
      EXPECT_TRUE(pw::test::use_everything(*r).consistent) << name << " cut at " << n;
      continue;
    }
    EXPECT_LT(n, first_ok + step) << name << ": cut at " << n << " fails after a shorter cut succeeded";
    EXPECT_TRUE(r.error().code() == ErrorCode::Truncated || r.error().code() == ErrorCode::Corrupt) << r.error().describe();
    EXPECT_EQ(r.error().subject(), name);
    EXPECT_FALSE(r.error().message().empty());
  }
  auto full = GgufFile::parse(bytes, name);
  ASSERT_TRUE(full.ok()) << full.error().describe();
  uint64_t needed = 0;
  for (const auto& t : full->tensors()) needed = std::max(needed, t.file_offset + t.n_bytes);
  if (!full->tensors().empty()) {
    EXPECT_EQ(first_ok, needed) << name;
  } else {
    EXPECT_GT(first_ok + full->alignment(), full->data_offset()) << name;  // only padding may be missing
  }
}

TEST(GgufHostile, TruncationAtEveryOffsetOfEverySeed) {
  for (const auto& seed : pw::test::gguf_seeds()) {
    SCOPED_TRACE(seed.name);
    check_every_truncation(seed_file(seed.name), seed.name);
  }
}

TEST(GgufHostile, TruncationOfRealFilesSampled) {
  for (const char* fixture : {"fixtures/models/tiny-llama-Q4_0.gguf", "fixtures/models/stories260K.gguf"}) {
    auto f = GgufFile::open(pw::test::shared_path(fixture));
    ASSERT_TRUE(f.ok()) << f.error().describe();
    const auto bytes = f->bytes();
    // Every offset of the first 2 KB and of the tensor infos, every 13th in between (the token
    // strings), then every 997th into the data.
    const size_t header = static_cast<size_t>(f->data_offset()) + 64;
    const size_t infos = header - std::min<size_t>(header, 64 + 80 * f->tensors().size());
    for (size_t n = 0; n < header; n += (n < 2048 || n >= infos) ? 1 : 13)
      ASSERT_FALSE(GgufFile::parse(bytes.first(n), fixture).ok()) << fixture << " cut at " << n;
    for (size_t n = header; n < bytes.size(); n += 997) {
      auto r = GgufFile::parse(bytes.first(n), fixture);
      ASSERT_FALSE(r.ok()) << fixture << " cut at " << n;
      EXPECT_EQ(r.error().code(), ErrorCode::Truncated) << r.error().describe();
      EXPECT_NE(r.error().message().find("ends past the end of the file"), std::string::npos) << r.error().describe();
    }
  }
  // A 150k-token vocabulary: cuts inside the token strings, sampled.
  auto vocab = GgufFile::open(pw::test::shared_path("fixtures/tokenizers/ggml-vocab-qwen2.gguf"));
  ASSERT_TRUE(vocab.ok());
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20; ++i) {
    const size_t n = rng() % vocab->file_size();
    auto r = GgufFile::parse(vocab->bytes().first(n), "qwen2");
    ASSERT_FALSE(r.ok()) << "cut at " << n;
    EXPECT_NE(r.error().message().find("tokenizer.ggml."), std::string::npos) << r.error().describe();
  }
}

// Random byte changes: parse() either rejects the file or returns views that stay in bounds.
void check_random_flips(std::vector<uint8_t> bytes, size_t region, int rounds, uint32_t seed, const std::string& name) {
  std::mt19937 rng(seed);
  int accepted = 0;
  for (int round = 0; round < rounds; ++round) {
    const int flips = 1 + static_cast<int>(rng() % 4);
    std::vector<std::pair<size_t, uint8_t>> saved;
    for (int k = 0; k < flips; ++k) {
      const size_t at = rng() % region;
      saved.emplace_back(at, bytes[at]);
      bytes[at] = (rng() % 3 == 0) ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(bytes[at] ^ (1u << (rng() % 8)));
    }
    auto r = GgufFile::parse(bytes, name);
    if (r.ok()) {
      ++accepted;
      EXPECT_TRUE(pw::test::use_everything(*r).consistent) << name << " round " << round;
    } else {
      EXPECT_EQ(r.error().subject(), name);
    }
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) bytes[it->first] = it->second;
  }
  // Some flips land in string bytes or tensor data and leave a valid file: both paths ran.
  EXPECT_GT(accepted, 0) << name;
  EXPECT_LT(accepted, rounds) << name;
}

TEST(GgufHostile, RandomByteFlipsInSeeds) {
  uint32_t seed = 1;
  for (const auto& s : pw::test::gguf_seeds()) {
    if (s.name == "empty.gguf") continue;
    auto bytes = seed_file(s.name);
    check_random_flips(bytes, bytes.size(), 3000, seed++, s.name);
  }
}

TEST(GgufHostile, RandomByteFlipsInARealHeader) {
  auto f = GgufFile::open(pw::test::shared_path("fixtures/models/tiny-llama-Q4_0.gguf"));
  ASSERT_TRUE(f.ok());
  std::vector<uint8_t> bytes(f->bytes().begin(), f->bytes().end());
  check_random_flips(std::move(bytes), static_cast<size_t>(f->data_offset()), 800, 99, "tiny-llama-Q4_0");
}

// ---- files on disk -----------------------------------------------------------------------

TEST(GgufHostile, OpenErrorsNameThePath) {
  pw::test::TempDir dir;
  auto missing = GgufFile::open(dir / "missing.gguf");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
  EXPECT_EQ(missing.error().subject(), (dir / "missing.gguf").string());

  auto folder = GgufFile::open(dir.path());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code(), ErrorCode::InvalidArgument);

  ASSERT_EQ(mkfifo((dir / "pipe.gguf").c_str(), 0600), 0);
  auto fifo = GgufFile::open(dir / "pipe.gguf");  // must not block waiting for a writer
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.error().code(), ErrorCode::Unsupported);
  EXPECT_EQ(fifo.error().message(), "is not a regular file");

  pw::test::write_file(dir / "empty.gguf", "", 0);
  auto empty = GgufFile::open(dir / "empty.gguf");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::Truncated);
  EXPECT_EQ(empty.error().describe(), (dir / "empty.gguf").string() + ": file is empty");

  const auto bad = GgufBytes().header(3, 1, 0).tensor("w", {16}, 0, 0).pad_to(32).zeros(10);
  pw::test::write_file(dir / "short.gguf", bad.bytes.data(), bad.bytes.size());
  auto shortened = GgufFile::open(dir / "short.gguf");
  ASSERT_FALSE(shortened.ok());
  EXPECT_EQ(shortened.error().describe(), (dir / "short.gguf").string() +
                                              ": tensor 'w' (64 bytes at data offset 0) ends past the end of the file (10 bytes of tensor data)");
}

TEST(GgufHostile, MovedFileKeepsItsViewsValid) {
  auto opened = GgufFile::open(pw::test::shared_path("fixtures/models/stories260K.gguf"));
  ASSERT_TRUE(opened.ok());
  auto tokens = opened->get_string_array("tokenizer.ggml.tokens");
  const uint8_t* data = opened->find_tensor("output.weight")->data;
  GgufFile moved = std::move(opened).value();
  GgufFile assigned = std::move(moved);
  EXPECT_EQ((*tokens)[1], "<s>");  // views into the mapping survive moves of the owner
  EXPECT_EQ(assigned.find_tensor("output.weight")->data, data);
  EXPECT_EQ(*assigned.get_string("general.architecture"), "llama");
}

// ---- fuzzer corpus and regressions -------------------------------------------------------

TEST(GgufHostile, SeedCorpusIsCurrentAndParsesAsExpected) {
  const auto corpus = pw::test::source_dir() / "tests/fuzz/corpus/gguf";
  size_t valid = 0, truncated = 0;
  for (const auto& e : std::filesystem::directory_iterator(corpus)) {
    const std::string name = e.path().filename().string();
    const auto bytes = pw::test::read_file(e.path());
    auto r = GgufFile::parse(bytes, name);
    if (name.rfind("trunc-", 0) == 0) {
      EXPECT_FALSE(r.ok()) << name;
      ++truncated;
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_TRUE(pw::test::use_everything(*r).consistent) << name;
    // The committed seed is what the writer makes today (regenerate with make_gguf_seeds).
    EXPECT_EQ(bytes, seed_file(name)) << name << " is stale: rerun make_gguf_seeds";
    ++valid;
  }
  EXPECT_EQ(valid, pw::test::gguf_seeds().size());
  EXPECT_GE(truncated, 4u);
}

TEST(GgufHostile, FuzzerRegressionsStayFixed) {
  const auto folder = pw::test::source_dir() / "tests/fuzz/regressions/gguf";
  ASSERT_TRUE(std::filesystem::is_directory(folder)) << folder;
  size_t replayed = 0;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    if (e.path().extension() == ".md") continue;
    const auto bytes = pw::test::read_file(e.path());
    auto r = GgufFile::parse(bytes, e.path().filename().string());
    if (r.ok()) {
      EXPECT_TRUE(pw::test::use_everything(*r).consistent) << e.path();
    } else {
      EXPECT_FALSE(r.error().message().empty()) << e.path();
    }
    if (e.path().filename().string().rfind("handmade-", 0) == 0) {
      EXPECT_FALSE(r.ok()) << e.path() << " is invalid by design";
    }
    ++replayed;
  }
  EXPECT_GT(replayed, 0u);
}

}  // namespace
