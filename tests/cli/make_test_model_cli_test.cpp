// pagewise-cli make-test-model writes a model our engine runs (tiny shapes: a decoder that
// generates, an encoder that embeds); --dry-run lists the real shapes' tensors; generate on it
// stops cleanly on Ctrl-C with what it has printed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

using pw::test::contains;

std::string ggml_vocab(const std::string& name) {
  return pw::test::shared_path("fixtures/tokenizers/ggml-vocab-" + name + ".gguf").string();
}

TEST(CliMakeTestModel, TinyModelIsWrittenAndRuns) {
  pw::test::TempDir dir;
  const std::string out = (dir / "tiny.gguf").string();
  auto r = pw::test::run_cli({"make-test-model", "--shape", "tiny-llama", "--vocab", ggml_vocab("llama-spm"), "--type", "Q4_0",
                              "--out", out, "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "wrote " + out + ": tiny-llama Q4_0")) << r.out;
  EXPECT_TRUE(contains(r.out, "vocabulary 32000")) << r.out;
  r = pw::test::run_cli({"generate", "-m", out, "-p", "Hello", "-n", "8", "--temp", "0", "--ignore-eos", "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "generation: 8 tokens")) << r.err;
  // Refuses to replace a file unless --force.
  r = pw::test::run_cli({"make-test-model", "--shape", "tiny-llama", "--vocab", ggml_vocab("llama-spm"), "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "already exists")) << r.err;
}

TEST(CliMakeTestModel, DryRunListsTheRealShape) {
  auto r = pw::test::run_cli({"make-test-model", "--shape", "llama-3.2-1b", "--vocab", ggml_vocab("llama-bpe"), "--type",
                              "Q4_K_M", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "token_embd.weight\tq6_K\t[2048, 128256]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.15.ffn_gate.weight\tq4_K\t[2048, 8192]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "147 tensors, 1235814432 parameters, vocabulary 128256")) << r.out;
  r = pw::test::run_cli({"make-test-model", "--shape", "qwen2.5-0.5b", "--vocab", ggml_vocab("qwen2"), "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "blk.0.attn_q.bias\tf32\t[896]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.0.attn_k.weight\tq5_0\t[896, 128]\n")) << r.out;
}

TEST(CliMakeTestModel, BadUsage) {
  pw::test::TempDir dir;
  const std::string out = (dir / "x.gguf").string();
  auto r = pw::test::run_cli({"make-test-model", "--shape", "gpt-9", "--vocab", ggml_vocab("qwen2"), "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown shape 'gpt-9' (one of: llama-3.2-1b, qwen2.5-0.5b, tiny-llama, tiny-qwen2, "
                              "all-minilm-l6-v2, bge-base, nomic-embed-text-v1.5, tiny-bert, tiny-nomic)"))
      << r.err;
  // An encoder needs a WordPiece vocabulary.
  r = pw::test::run_cli({"make-test-model", "--shape", "tiny-bert", "--vocab", ggml_vocab("llama-spm"), "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "is not a WordPiece tokenizer")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  r = pw::test::run_cli({"make-test-model", "--shape", "tiny-llama", "--vocab", ggml_vocab("qwen2"), "--out", out, "--type", "Q7"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "unknown type 'Q7'")) << r.err;
}

// An encoder shape: the file loads in our Embedder (pagewise-cli embed) in every type asked for,
// Q4_K_M included (the quantizer's mix with its row-length fallbacks).
TEST(CliMakeTestModel, EncoderIsWrittenAndEmbeds) {
  pw::test::TempDir dir;
  for (const char* type : {"F16", "Q8_0", "Q4_K_M"}) {
    for (const char* shape : {"tiny-bert", "tiny-nomic"}) {
      const std::string out = (dir / (std::string(shape) + "-" + type + ".gguf")).string();
      auto r = pw::test::run_cli(
          {"make-test-model", "--shape", shape, "--vocab", ggml_vocab("bert-bge"), "--type", type, "--out", out});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_TRUE(contains(r.out, "wrote " + out + ": " + shape + " " + type)) << r.out;
      EXPECT_TRUE(contains(r.out, "vocabulary 30522")) << r.out;
      r = pw::test::run_cli({"embed", "-m", out, "-t", "1", "the dose for children", "annual leave carry-over"});
      ASSERT_EQ(r.exit_code, 0) << shape << " " << type << ": " << r.err;
      const auto j = nlohmann::json::parse(r.out);
      ASSERT_EQ(j["embeddings"].size(), 2u);
      for (const auto& v : j["embeddings"]) {
        ASSERT_EQ(v.size(), 64u);
        double norm = 0;
        for (const auto& x : v) norm += x.get<double>() * x.get<double>();
        EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-4) << shape << " " << type;
      }
      EXPECT_NE(j["embeddings"][0], j["embeddings"][1]);
      EXPECT_EQ(j["token_ids"][0].front(), 101);  // [CLS] of the real bge vocabulary
      EXPECT_EQ(j["token_ids"][0].back(), 102);   // [SEP]
    }
  }
}

// The real encoder shapes, as issue #5 names them, with the quantizer's Q4_K_M choices (as
// llama-quantize: no output.weight, so token_embd is treated as the output matrix, Q6_K):
// MiniLM's 384-wide rows do not fit K-quant blocks (Q4_K -> Q5_0, Q6_K -> Q8_0), bge-base's do.
TEST(CliMakeTestModel, DryRunListsTheEncoderShapes) {
  auto r = pw::test::run_cli({"make-test-model", "--shape", "all-minilm-l6-v2", "--vocab", ggml_vocab("bert-bge"), "--type",
                              "Q4_K_M", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "token_embd.weight\tq8_0\t[384, 30522]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "position_embd.weight\tf16\t[384, 512]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "token_types.weight\tf32\t[384, 2]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.5.ffn_up.weight\tq5_0\t[384, 1536]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.0.ffn_down.weight\tq4_K\t[1536, 384]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.5.ffn_down.weight\tq6_K\t[1536, 384]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "101 tensors, 22565376 parameters")) << r.out;
  EXPECT_TRUE(contains(r.out, "vocabulary 30522")) << r.out;
  r = pw::test::run_cli({"make-test-model", "--shape", "bge-base", "--vocab", ggml_vocab("bert-bge"), "--type", "Q4_K_M",
                         "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "token_embd.weight\tq6_K\t[768, 30522]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.0.attn_v.weight\tq6_K\t[768, 768]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.1.attn_v.weight\tq4_K\t[768, 768]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "blk.11.ffn_down.weight\tq6_K\t[3072, 768]\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "197 tensors, 108891648 parameters")) << r.out;
  r = pw::test::run_cli({"make-test-model", "--shape", "minilm-l6", "--vocab", ggml_vocab("bert-bge"), "--type", "F16",
                         "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "blk.0.attn_q.weight\tf16\t[384, 384]\n")) << r.out;
}

// Ctrl-C while generating: the text so far is printed, the exit code is 130.
TEST(CliGenerateInterrupt, CtrlCStopsCleanly) {
  pw::test::TempDir dir;
  const std::string model = (dir / "tiny.gguf").string();
  auto made = pw::test::run_cli({"make-test-model", "--shape", "tiny-llama", "--vocab", ggml_vocab("llama-spm"), "--type",
                                 "Q8_0", "--out", model, "-t", "1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  const auto err_path = dir / "stderr";
  pid_t pid = fork();
  if (pid == 0) {
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out_pipe[1], 1);
    dup2(err, 2);
    close(out_pipe[0]);
    std::string exe = PAGEWISE_CLI_PATH;
    std::vector<std::string> args = {exe, "generate", "-m", model, "-p", "Hello", "-c", "2048", "--temp", "0",
                                     "--ignore-eos", "-t", "1"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  std::string out;
  char buf[4096];
  ssize_t n = read(out_pipe[0], buf, sizeof buf);  // the first text: generation is under way
  ASSERT_GT(n, 0);
  out.append(buf, static_cast<size_t>(n));
  kill(pid, SIGINT);
  while ((n = read(out_pipe[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const std::string err = pw::test::read_text(err_path);
  EXPECT_TRUE(contains(err, "stopped: cancelled")) << err;
  EXPECT_FALSE(out.empty());
}

}  // namespace
