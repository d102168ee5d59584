// pagewise-cli logits: the file it writes is the golden layout (float32 LE, n_tokens x n_vocab)
// and matches the fixtures; bad input gives a one-line error.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

using pw::test::contains;

std::vector<float> floats(const std::vector<uint8_t>& bytes) {
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

TEST(CliLogits, WritesEveryPositionLikeTheGolden) {
  pw::test::TempDir dir;
  const auto out = dir / "p1.f32";
  const auto model = pw::test::shared_path("fixtures/models/stories260K.gguf");
  // stories260K prompt 1 ("Lily and Tom went to the park"), golden from llama.cpp.
  auto r = pw::test::run_cli({"logits", "-m", model.string(), "--tokens", "1,317,269,274,287,263,377,267,265,282,295,433",
                              "--out", out.string(), "--kv", "f32"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "wrote 12 x 512 logits (float32) to " + out.string())) << r.out;
  const auto got = floats(pw::test::read_file(out));
  const auto want = floats(pw::test::read_file(pw::test::shared_path("fixtures/models/stories260K.p1.logits.f32")));
  ASSERT_EQ(got.size(), 12u * 512u);
  ASSERT_EQ(got.size(), want.size());
  float max_diff = 0;
  for (size_t i = 0; i < got.size(); ++i) max_diff = std::max(max_diff, std::fabs(got[i] - want[i]));
  EXPECT_LE(max_diff, 1e-3f);

  // Batches of 5 and the default F16 cache still land close (same positions, same layout).
  const auto out2 = dir / "p1-batched.f32";
  r = pw::test::run_cli({"logits", "-m", model.string(), "--tokens", "1,317,269,274,287,263,377,267,265,282,295,433",
                         "--out", out2.string(), "--batch", "5", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got2 = floats(pw::test::read_file(out2));
  ASSERT_EQ(got2.size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got2[i], want[i], 0.05f) << i;
}

TEST(CliLogits, BadInputIsAOneLineError) {
  pw::test::TempDir dir;
  const auto out = dir / "x.f32";
  const auto model = pw::test::shared_path("fixtures/models/stories260K.gguf").string();

  auto r = pw::test::run_cli({"logits", "-m", model, "--tokens", "1,2,x", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--tokens needs comma-separated token ids")) << r.err;

  r = pw::test::run_cli({"logits", "-m", model, "--tokens", "1,600", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "pagewise-cli logits: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "token id 600 at index 1 is outside the vocabulary (0..511)")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  r = pw::test::run_cli({"logits", "-m", model, "--tokens", "1,2,3", "--out", out.string(), "--ctx", "2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "context is full")) << r.err;

  r = pw::test::run_cli({"logits", "-m", (dir / "missing.gguf").string(), "--tokens", "1", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "missing.gguf")) << r.err;

  r = pw::test::run_cli({"logits", "--tokens", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "usage: pagewise-cli logits")) << r.err;
}

}  // namespace
