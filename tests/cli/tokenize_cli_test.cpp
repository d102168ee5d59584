// pagewise-cli tokenize: ids on one line, the special-token switches, pieces, and errors.
#include <gtest/gtest.h>

#include "engine/gguf/gguf_writer.h"
#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

std::string vocab(const std::string& name) { return pw::test::shared_path("fixtures/tokenizers/" + name).string(); }

TEST(CliTokenize, PrintsIdsOnOneLineWithTheModelsSpecialTokens) {
  auto r = pw::test::run_cli({"tokenize", "-m", vocab("ggml-vocab-llama-spm.gguf"), "Hello world"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1 15043 3186\n");
  auto no_special = pw::test::run_cli({"tokenize", "--no-special", "-m", vocab("ggml-vocab-llama-spm.gguf"), "Hello world"});
  ASSERT_EQ(no_special.exit_code, 0) << no_special.err;
  EXPECT_EQ(no_special.out, "15043 3186\n");
  auto bert = pw::test::run_cli({"tokenize", "--model", vocab("ggml-vocab-bert-bge.gguf"), "Hello world"});
  ASSERT_EQ(bert.exit_code, 0) << bert.err;
  EXPECT_EQ(bert.out, "101 7592 2088 102\n");
}

TEST(CliTokenize, ParseSpecialMapsChatMarkersToControlTokens) {
  const std::string text = "<|im_start|>user\nHi<|im_end|>";
  auto plain = pw::test::run_cli({"tokenize", "-m", vocab("ggml-vocab-qwen2.gguf"), text});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.rfind("27 91 318 ", 0), 0u) << plain.out;  // "<", "|", "im" as text
  auto parsed = pw::test::run_cli({"tokenize", "--parse-special", "-m", vocab("ggml-vocab-qwen2.gguf"), text});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  EXPECT_EQ(parsed.out, "151644 872 198 13048 151645\n");
}

TEST(CliTokenize, PiecesShowEachTokensText) {
  auto r = pw::test::run_cli({"tokenize", "--pieces", "--parse-special", "-m", vocab("ggml-vocab-llama-bpe.gguf"),
                              "<|begin_of_text|>Hi\tthere\n"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // BOS added, then BOS parsed from the text, then "Hi", "\t", "there", "\n".
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "128000 128000 13347 197 19041 198");
  EXPECT_NE(r.out.find("\n197\t'\\t'\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n128000\t'<|begin_of_text|>'\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n13347\t'Hi'\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n198\t'\\n'\n"), std::string::npos) << r.out;
  // Byte tokens of a split character are shown as escaped bytes.
  auto bytes = pw::test::run_cli({"tokenize", "--pieces", "--no-special", "-m", vocab("ggml-vocab-llama-spm.gguf"), "🦙"});
  ASSERT_EQ(bytes.exit_code, 0) << bytes.err;
  EXPECT_NE(bytes.out.find("\t'\\xF0'\n"), std::string::npos) << bytes.out;
}

TEST(CliTokenize, TextStartingWithADashAfterDoubleDash) {
  auto r = pw::test::run_cli({"tokenize", "--no-special", "-m", vocab("ggml-vocab-gpt-2.gguf"), "--", "-5 degrees"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
}

TEST(CliTokenize, ErrorsAndUsage) {
  auto missing_model = pw::test::run_cli({"tokenize", "text"});
  EXPECT_EQ(missing_model.exit_code, 2);
  EXPECT_NE(missing_model.err.find("missing -m MODEL"), std::string::npos) << missing_model.err;
  auto no_text = pw::test::run_cli({"tokenize", "-m", vocab("ggml-vocab-gpt-2.gguf")});
  EXPECT_EQ(no_text.exit_code, 2);
  auto unknown = pw::test::run_cli({"tokenize", "--frobnicate", "-m", vocab("ggml-vocab-gpt-2.gguf"), "x"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--frobnicate"), std::string::npos) << unknown.err;
  pw::test::TempDir dir;
  const auto bogus = dir / "bogus.gguf";
  pw::test::write_file(bogus, "GGUF-not-really", 15);
  auto broken = pw::test::run_cli({"tokenize", "-m", bogus.string(), "x"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("pagewise-cli tokenize: "), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("bogus.gguf"), std::string::npos) << broken.err;
  EXPECT_TRUE(broken.out.empty());
  // A valid GGUF file without a tokenizer.
  pw::gguf::GgufWriter w;
  w.set_string("general.architecture", "llama");
  const auto bare = dir / "bare.gguf";
  ASSERT_TRUE(w.write(bare).ok());
  auto no_tokenizer = pw::test::run_cli({"tokenize", "-m", bare.string(), "x"});
  EXPECT_EQ(no_tokenizer.exit_code, 1);
  EXPECT_NE(no_tokenizer.err.find("tokenizer.ggml.model"), std::string::npos) << no_tokenizer.err;
}

}  // namespace
