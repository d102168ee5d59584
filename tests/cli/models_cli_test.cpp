// pagewise-cli models info: the text a person reads and the --json a script reads, for real
// fixtures (facts from fixtures/README.md), and usage errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

using pw::test::contains;

std::string model(const std::string& name) { return pw::test::shared_path("fixtures/models/" + name).string(); }

TEST(CliModels, InfoTextForAQuantizedModel) {
  auto r = pw::test::run_cli({"models", "info", model("tiny-llama-Q4_K_M.gguf")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "tiny-llama-F32.gguf\n")) << r.out;  // general.name as stored
  EXPECT_TRUE(contains(r.out, "architecture:  llama\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "parameters:    1.8M (1836288)\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "context:       256 tokens (trained)\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "layers:        2, embedding 256, heads 4 (KV 2), head size 64\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "file type:     Q4_K_M (15)\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "1143008 bytes")) << r.out;
  EXPECT_TRUE(contains(r.out, "tensors:       21,")) << r.out;
  EXPECT_TRUE(contains(r.out, "    q4_K       13 tensors")) << r.out;
  EXPECT_TRUE(contains(r.out, "    q6_K        3 tensors")) << r.out;
  EXPECT_TRUE(contains(r.out, "    f32         5 tensors")) << r.out;
  // Default context: the trained 256 (below 4096); KV = 2 x 256 x (2 x 64) x 2 x 2 = 256 KiB.
  EXPECT_TRUE(contains(r.out, "memory at 256 tokens: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "KV cache 256.0 KiB (F16)")) << r.out;
}

TEST(CliModels, InfoJsonWithContext) {
  auto r = pw::test::run_cli({"models", "info", model("tiny-qwen3-F32.gguf"), "--json", "--ctx", "1024"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["architecture"], "qwen3");
  EXPECT_EQ(j["context_length"], 256);
  EXPECT_EQ(j["n_layer"], 2);
  EXPECT_EQ(j["n_head_kv"], 2);
  EXPECT_EQ(j["head_dim_k"], 128);
  EXPECT_EQ(j["file_size"], 8933024);
  EXPECT_EQ(j["file_type_name"], "F32");
  EXPECT_EQ(j["tensor_types"].size(), 1u);
  EXPECT_EQ(j["tensor_types"][0]["type"], "f32");
  EXPECT_EQ(j["parameters"].get<uint64_t>() * 4, j["weight_bytes"].get<uint64_t>());
  const auto& m = j["memory"];
  EXPECT_EQ(m["context_length"], 1024);
  EXPECT_EQ(m["kv_cache_bytes"], 2 * 1024 * (2 * 128) * 2 * 2);
  EXPECT_EQ(m["total_bytes"].get<uint64_t>(),
            m["weights_bytes"].get<uint64_t>() + m["kv_cache_bytes"].get<uint64_t>() + m["overhead_bytes"].get<uint64_t>());

  r = pw::test::run_cli({"models", "info", model("tiny-bert-F16.gguf"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto bert = nlohmann::json::parse(r.out);
  EXPECT_EQ(bert["causal"], false);
  EXPECT_EQ(bert["memory"]["kv_cache_bytes"], 0);
  EXPECT_EQ(bert["memory"]["kv_cache_type"], "none");
  EXPECT_EQ(bert["n_vocab"], 30522);
}

TEST(CliModels, Errors) {
  pw::test::TempDir dir;
  auto r = pw::test::run_cli({"models", "info", (dir / "absent.gguf").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "pagewise-cli models: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "absent.gguf")) << r.err;
  pw::test::write_file(dir / "junk.gguf", "not a gguf at all", 17);
  r = pw::test::run_cli({"models", "info", (dir / "junk.gguf").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "junk.gguf")) << r.err;
  EXPECT_EQ(pw::test::run_cli({"models"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"models", "list-all"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"models", "info"}).exit_code, 2);
  r = pw::test::run_cli({"models", "info", model("tiny-llama-F32.gguf"), "--ctx", "lots"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--ctx")) << r.err;
}

}  // namespace
