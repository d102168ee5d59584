// pagewise-bench tokenize: encode/decode speed of each tokenizer kind on corpus-like text.
//
//   pagewise-bench tokenize [--quick] [--repeat N] [--mb SIZE]
//
// Text: every string value of ../shared/corpus/eval/*.jsonl (legal clauses, finance and
// health questions and answers; English, as most of the library is), repeated to SIZE MB
// (default 2), plus a multilingual mix (the llama.cpp tokenizer test strings: Cyrillic, Khmer,
// CJK, emoji, whitespace runs) repeated to a quarter of that. For each fixture vocabulary:
// load time, encode MB/s (medians of N runs, add_special off, parse_special off: what chunking
// does), tokens, bytes per token, decode MB/s. One thread. Speeds and load time are measured
// in thread CPU time (steady on a busy machine); encode_wall_mb_per_s is the wall-clock figure.
// Prints one JSON object.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <time.h>

#include "bench/bench.h"
#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void collect_strings(const nlohmann::json& j, std::string& out) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s.size() >= 20) {
      out += s;
      out += '\n';
    }
  } else if (j.is_array() || j.is_object()) {
    for (const auto& v : j) collect_strings(v, out);
  }
}

std::string corpus_text(const fs::path& shared) {
  std::string text;
  const fs::path eval = shared / "corpus" / "eval";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(eval, ec))
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded()) collect_strings(j, text);
    }
  }
  return text;
}

std::string mixed_text(const fs::path& shared) {
  std::ifstream in(shared / "fixtures" / "tokenizers" / "ggml-vocab-llama-bpe.gguf.inp", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  const std::string sep = "\n__ggml_vocab_test__\n";
  for (size_t p; (p = text.find(sep)) != std::string::npos;) text.replace(p, sep.size(), "\n");
  return text;
}

std::string repeat_to(const std::string& piece, size_t bytes) {
  std::string out;
  if (piece.empty()) return out;
  while (out.size() < bytes) out += piece;
  return out;
}

// CPU time of this thread: on a shared, loaded machine it is far steadier than wall time.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double cpu;   // median thread CPU seconds
  double wall;  // median wall seconds
};

template <typename F>
Timing median_seconds(int repeats, F&& f) {
  std::vector<double> cpu, wall;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    const double cpu_start = thread_seconds();
    f();
    cpu.push_back(thread_seconds() - cpu_start);
    wall.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  return {cpu[cpu.size() / 2], wall[wall.size() / 2]};
}

int run_tokenize(std::vector<std::string>& args) {
  int repeats = 3;
  double mb = 2.0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--quick") {
      repeats = 1;
      mb = 0.25;
    } else if (args[i] == "--repeat" && i + 1 < args.size()) {
      repeats = std::max(1, std::atoi(args[++i].c_str()));
    } else if (args[i] == "--mb" && i + 1 < args.size()) {
      mb = std::max(0.01, std::atof(args[++i].c_str()));
    } else if (args[i] != "--json") {
      std::cerr << "pagewise-bench tokenize: unknown option '" << args[i] << "'\n";
      return 2;
    }
  }
  const fs::path shared = PAGEWISE_SHARED_DIR;
  const std::string english = repeat_to(corpus_text(shared), static_cast<size_t>(mb * 1e6));
  const std::string mixed = repeat_to(mixed_text(shared), static_cast<size_t>(mb * 0.25e6));
  if (english.empty() || mixed.empty()) {
    std::cerr << "pagewise-bench tokenize: no corpus text under " << shared << "\n";
    return 1;
  }

  nlohmann::json out;
  out["bench"] = "tokenize";
  out["threads"] = 1;
  out["repeats"] = repeats;
  out["english_bytes"] = english.size();
  out["mixed_bytes"] = mixed.size();
  out["results"] = nlohmann::json::array();
  const char* kVocabs[] = {"ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf",  "ggml-vocab-llama-bpe.gguf",
                           "ggml-vocab-qwen2.gguf",     "ggml-vocab-gpt-2.gguf", "ggml-vocab-bert-bge.gguf"};
  const pw::tokenizer::EncodeOptions plain{.add_special = false, .parse_special = false};
  for (const char* name : kVocabs) {
    const fs::path path = shared / "fixtures" / "tokenizers" / name;
    auto file = pw::gguf::GgufFile::open(path);
    if (!file) {
      std::cerr << "pagewise-bench tokenize: " << file.error().describe() << "\n";
      return 1;
    }
    std::unique_ptr<pw::tokenizer::Tokenizer> tok;
    const Timing load = median_seconds(repeats, [&] {
      auto t = pw::tokenizer::Tokenizer::from_gguf(*file);
      if (t) tok = std::move(*t);
    });
    if (!tok) {
      std::cerr << "pagewise-bench tokenize: cannot build the tokenizer of " << name << "\n";
      return 1;
    }
    std::vector<int32_t> ids;
    const Timing enc = median_seconds(repeats, [&] { ids = tok->encode(english, plain); });
    const size_t n_tokens = ids.size();
    std::string decoded;
    const Timing dec = median_seconds(repeats, [&] { decoded = tok->decode(ids); });
    std::vector<int32_t> mixed_ids;
    const Timing mix = median_seconds(repeats, [&] { mixed_ids = tok->encode(mixed, plain); });

    static const char* kKinds[] = {"spm", "bpe", "wordpiece"};
    nlohmann::json r;
    r["vocab"] = std::string(name).substr(11, std::string(name).size() - 16);
    r["kind"] = kKinds[static_cast<int>(tok->kind())];
    r["pre"] = tok->pre_name();
    r["vocab_size"] = tok->vocab_size();
    const auto mbps = [](size_t bytes, double s) { return std::round(static_cast<double>(bytes) / s / 1e4) / 100; };
    r["load_ms"] = std::round(load.cpu * 1e4) / 10;
    r["encode_mb_per_s"] = mbps(english.size(), enc.cpu);
    r["encode_wall_mb_per_s"] = mbps(english.size(), enc.wall);
    r["tokens"] = n_tokens;
    r["bytes_per_token"] = std::round(100.0 * static_cast<double>(english.size()) / static_cast<double>(std::max<size_t>(1, n_tokens))) / 100;
    r["decode_mb_per_s"] = mbps(decoded.size(), dec.cpu);
    r["mixed_encode_mb_per_s"] = mbps(mixed.size(), mix.cpu);
    out["results"].push_back(r);
  }
  std::cout << out.dump(1) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(tokenize, "tokenize", "tokenize [--quick] [--repeat N] [--mb SIZE]",
         "tokenizer encode/decode MB/s and load time per vocabulary kind (JSON)", run_tokenize);
