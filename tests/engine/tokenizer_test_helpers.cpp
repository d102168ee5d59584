#include "tokenizer_test_helpers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "engine/gguf/gguf_file.h"

namespace pw::test {

const std::vector<std::string>& tokenizer_fixture_names() {
  static const std::vector<std::string> names = {"ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf",
                                                 "ggml-vocab-llama-bpe.gguf", "ggml-vocab-qwen2.gguf",
                                                 "ggml-vocab-gpt-2.gguf",     "ggml-vocab-bert-bge.gguf"};
  return names;
}

std::filesystem::path tokenizer_fixture_path(const std::string& file) {
  return std::filesystem::path(PAGEWISE_SHARED_DIR) / "fixtures" / "tokenizers" / file;
}

const pw::tokenizer::Tokenizer* fixture_tokenizer(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<pw::tokenizer::Tokenizer>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(file);
  if (it != cache.end()) return it->second.get();
  const auto path = tokenizer_fixture_path(file);
  auto gguf = pw::gguf::GgufFile::open(path);
  if (!gguf) {
    ADD_FAILURE() << "cannot open fixture " << path << ": " << gguf.error().describe();
    return nullptr;
  }
  auto tok = pw::tokenizer::Tokenizer::from_gguf(*gguf);
  if (!tok) {
    ADD_FAILURE() << "cannot build the tokenizer of " << path << ": " << tok.error().describe();
    return nullptr;
  }
  return cache.emplace(file, std::move(*tok)).first->second.get();
}

namespace {

bool read_all(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

std::vector<TokenizerCase> read_tokenizer_cases(const std::string& vocab) {
  const auto fail = [&](const std::string& why) {
    TokenizerCase c;
    c.vocab = vocab;
    c.problem = why;
    return std::vector<TokenizerCase>{c};
  };
  std::string inp, out;
  const auto inp_path = tokenizer_fixture_path(vocab + ".inp"), out_path = tokenizer_fixture_path(vocab + ".out");
  if (!read_all(inp_path, inp)) return fail("cannot read " + inp_path.string());
  if (!read_all(out_path, out)) return fail("cannot read " + out_path.string());

  static const std::string kSeparator = "\n__ggml_vocab_test__\n";
  std::vector<std::string> texts;
  size_t pos = 0;
  while (true) {
    const size_t next = inp.find(kSeparator, pos);
    if (next == std::string::npos) break;
    texts.push_back(inp.substr(pos, next - pos));
    pos = next + kSeparator.size();
  }
  if (pos != inp.size()) return fail(inp_path.string() + " does not end with the separator");

  std::vector<std::string> lines;
  std::istringstream lines_in(out);
  for (std::string line; std::getline(lines_in, line);) lines.push_back(line);
  if (lines.size() != texts.size())
    return fail(out_path.string() + " has " + std::to_string(lines.size()) + " lines for " + std::to_string(texts.size()) + " texts");

  std::vector<TokenizerCase> cases;
  for (size_t i = 0; i < texts.size(); ++i) {
    TokenizerCase c;
    c.vocab = vocab;
    c.index = i;
    c.text = texts[i];
    std::istringstream ids(lines[i]);
    for (long long id; ids >> id;) c.expected.push_back(static_cast<int32_t>(id));
    if (!ids.eof()) c.problem = "line " + std::to_string(i + 1) + " of " + out_path.string() + " is not a list of ids";
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(digits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(digits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

std::string describe_ids(const std::vector<int32_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? " " : "") + std::to_string(ids[i]);
  return s + "]";
}

}  // namespace pw::test
