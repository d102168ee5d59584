// pagewise-cli gguf-dump: what a person sees for a real model, a broken file and bad usage.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

using pw::test::contains;

TEST(CliGgufDump, PrintsVersionMetadataAndTensorTable) {
  const auto model = pw::test::shared_path("fixtures/models/tiny-llama-Q4_0.gguf");
  auto r = pw::test::run_cli({"gguf-dump", model.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "GGUF version 3, alignment 32, data offset 12768, file size 1050080 bytes")) << r.out;
  EXPECT_TRUE(contains(r.out, "metadata (24 keys):")) << r.out;
  EXPECT_TRUE(contains(r.out, "general.architecture")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"llama\"")) << r.out;
  // A 512-entry array is one summarised line, not 512 lines.
  EXPECT_TRUE(contains(r.out, "[string x 512: \"<unk>\", \"<s>\", \"</s>\", \"<0x00>\", ...]")) << r.out;
  EXPECT_TRUE(contains(r.out, "[i32 x 512: 2, 3, 3, 6, ...]")) << r.out;
  EXPECT_TRUE(contains(r.out, "tensors (21):")) << r.out;
  // The table row: name, type, ne, bytes, file offset (column widths are free).
  const size_t row = r.out.find("  blk.0.attn_q.weight ");
  ASSERT_NE(row, std::string::npos) << r.out;
  std::istringstream cells(r.out.substr(row, r.out.find('\n', row) - row));
  std::string name, type, ne0, ne1, bytes, offset;
  cells >> name >> type >> ne0 >> ne1 >> bytes >> offset;
  EXPECT_EQ(type, "q4_0");
  EXPECT_EQ(ne0 + " " + ne1, "[256, 256]");
  EXPECT_EQ(bytes, "36864");
  EXPECT_EQ(offset, "217568");
  EXPECT_TRUE(contains(r.out, "tensor data: 1037312 bytes")) << r.out;
  EXPECT_LT(std::count(r.out.begin(), r.out.end(), '\n'), 70);

  auto more = pw::test::run_cli({"gguf-dump", "--elements", "6", model.string()});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_TRUE(contains(more.out, "[i32 x 512: 2, 3, 3, 6, 6, 6, ...]")) << more.out;
}

TEST(CliGgufDump, BrokenFilesAreOneLineErrorsWithExitCode1) {
  pw::test::TempDir dir;
  const auto missing = dir / "missing.gguf";
  auto r = pw::test::run_cli({"gguf-dump", missing.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "pagewise-cli gguf-dump: " + missing.string() + ": cannot open: No such file or directory\n")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  // The first 100 KB of a real model: the tensor data is cut off.
  const auto bytes = pw::test::read_file(pw::test::shared_path("fixtures/models/tiny-llama-Q4_0.gguf"));
  const auto cut = dir / "cut.gguf";
  pw::test::write_file(cut, bytes.data(), 100000);
  r = pw::test::run_cli({"gguf-dump", cut.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "pagewise-cli gguf-dump: " + cut.string() + ": tensor '")) << r.err;
  EXPECT_TRUE(contains(r.err, "ends past the end of the file")) << r.err;

  const auto text = dir / "notes.gguf";
  pw::test::write_file(text, "hello world, not a model", 24);
  r = pw::test::run_cli({"gguf-dump", text.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, text.string() + ": not a GGUF file (it starts with 'hell', expected 'GGUF')")) << r.err;
}

TEST(CliGgufDump, UsageErrorsExitWith2) {
  EXPECT_EQ(pw::test::run_cli({"gguf-dump"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"gguf-dump", "a.gguf", "b.gguf"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"gguf-dump", "--bogus", "a.gguf"}).exit_code, 2);
}

}  // namespace
