// `pagewise-bench embed`: embedding throughput for ingestion (256-token passages, batched) and
// latency for search (one short query), as JSON.
//
//   pagewise-bench embed --json --shape all-minilm-l6-v2       # random weights, F16
//   pagewise-bench embed --json --shape bge-base --type Q4_K_M -t 2
//   pagewise-bench embed --json -m minilm-F16.gguf -t 2        # a file from make-test-model
//   pagewise-bench embed --json -m bge-small-en-v1.5-q8_0.gguf --passages 64 --tokens 256
//
// --shape writes a random-weight encoder (engine/embed/test_encoder_model.h) in --type (default
// F16; quantize targets get the quantizer's per-tensor types) to a temporary file, with the real WordPiece vocabulary of the shared tokenizer fixture
// when it is there. Passages are English-like text of exactly --tokens tokens with this model's
// tokenizer ([CLS], [SEP] and the family's passage prefix included; built word by word, never
// truncated); queries are 8-12 words. chunks_per_s is the median over --repeats runs of
// embedding all passages in one call (tokenization included; it is ~0.1% of the time).
// --passages-out FILE writes the passages, one per line and with the prefix, so another tool can
// embed exactly the same tokens (llama.cpp's llama-embedding -f FILE: docs/embeddings.md).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_stats.h"
#include "bench/bench_util.h"
#include "engine/compute/matmul.h"
#include "engine/embed/embedder.h"
#include "engine/embed/test_encoder_model.h"

namespace pw::bench {
namespace {

using nlohmann::ordered_json;

constexpr const char* kWords[] = {
    "the", "policy", "states", "that", "unused", "vacation", "days", "roll", "into", "next", "year", "employees",
    "may", "carry", "over", "at", "most", "five", "annual", "leave", "dose", "patient", "children", "under",
    "twelve", "should", "receive", "maximum", "of", "per", "kilogram", "contract", "party", "agreement", "shall",
    "terminate", "notice", "written", "within", "thirty", "section", "applies", "to", "all", "staff", "and",
    "treatment", "clinical", "guideline", "recommends", "monitoring", "blood", "pressure", "weekly", "during",
    "first", "month", "license", "grant", "exclusive", "territory", "payment", "royalties", "quarterly"};

std::string random_text(std::mt19937& rng, int words) {
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (i) s += (i % 13 == 0) ? ". " : " ";
    s += kWords[pick(rng)];
  }
  return s + ".";
}

// CPU seconds of this process, all threads: comparable on a machine shared with other work,
// where wall time is not. chunks_per_cpu_s x cores is the throughput of an idle machine.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::filesystem::path shared_vocab() {
#ifdef PAGEWISE_SHARED_DIR
  const std::filesystem::path p = std::filesystem::path(PAGEWISE_SHARED_DIR) / "fixtures/tokenizers/ggml-vocab-bert-bge.gguf";
  if (std::filesystem::exists(p)) return p;
#endif
  return {};
}

// Words of kWords appended until the text is exactly `tokens` tokens long for `pe` (a word that
// would overshoot is skipped; one-token words always exist, so this ends).
std::string exact_text(const embed::Embedder& pe, std::mt19937& rng, int tokens) {
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::string s;
  int n = 0;
  for (int i = 0, misses = 0; n < tokens && misses < 1000; ++i) {
    std::string next = s;
    if (!next.empty()) next += (i % 13 == 0) ? ". " : " ";
    next += kWords[pick(rng)];
    int count = 0;
    static_cast<void>(pe.tokenize(next, embed::EmbedRole::Passage, nullptr, &count));
    if (count > tokens) {
      ++misses;
      continue;
    }
    s = std::move(next);
    n = count;
  }
  return s;
}


int run_embed(std::vector<std::string>& args) {
  std::string model, shape_name, type_name_arg = "F16", passages_out;
  int threads = 0, passages = 32, tokens = 256, batch_tokens = 2048, queries = 30, repeats = 3;
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        std::cerr << "pagewise-bench embed: " << a << " needs a value\n";
        std::exit(2);
      }
      return args[++i];
    };
    auto number = [&]() {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (!end || *end || n < 0 || n > 1000000) {
        std::cerr << "pagewise-bench embed: " << a << " expects a number, got '" << v << "'\n";
        std::exit(2);
      }
      return static_cast<int>(n);
    };
    if (a == "--json") json = true;
    else if (a == "-m" || a == "--model") model = value();
    else if (a == "--shape") shape_name = value();
    else if (a == "--type") type_name_arg = value();
    else if (a == "-t" || a == "--threads") threads = number();
    else if (a == "--passages") passages = std::max(1, number());
    else if (a == "--tokens") tokens = std::max(2, number());
    else if (a == "--batch-tokens") batch_tokens = std::max(1, number());
    else if (a == "--queries") queries = std::max(1, number());
    else if (a == "--repeats") repeats = std::max(1, number());
    else if (a == "--passages-out") passages_out = value();
    else {
      std::cerr << "pagewise-bench embed: unknown argument '" << a << "'\n";
      return 2;
    }
  }
  if (model.empty() && shape_name.empty()) shape_name = "all-minilm-l6-v2";

  std::filesystem::path tmp;
  if (model.empty()) {
    const embed::TestEncoderShape* shape = embed::find_test_encoder_shape(shape_name);
    if (!shape) {
      std::cerr << "pagewise-bench embed: unknown --shape '" << shape_name << "' (known: " << embed::test_encoder_shape_names()
                << ")\n";
      return 2;
    }
    shape_name = std::string(shape->name);
    tmp = std::filesystem::temp_directory_path() /
          ("pagewise-bench-embed-" + std::to_string(getpid()) + "-" + shape_name + ".gguf");
    embed::TestEncoderOptions o;
    o.type = type_name_arg;
    o.vocab_from = shared_vocab();
    if (Status s = embed::write_test_encoder_model(tmp, *shape, o); !s.ok()) {
      std::cerr << "pagewise-bench embed: " << s.error().describe() << "\n";
      return 1;
    }
    model = tmp.string();
  }
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      if (!p.empty()) std::filesystem::remove(p, ec);
    }
  } cleanup{tmp};

  embed::EmbedderOptions eo;
  eo.threads = threads;
  eo.max_tokens = tokens;
  eo.max_batch_tokens = batch_tokens;
  auto passage_embedder = embed::Embedder::load(model, eo);
  if (!passage_embedder) {
    std::cerr << "pagewise-bench embed: " << passage_embedder.error().describe() << "\n";
    return 1;
  }
  embed::Embedder& pe = **passage_embedder;

  std::mt19937 rng(42);
  std::vector<std::string> texts;
  int short_passages = 0;
  for (int i = 0; i < passages; ++i) {
    std::string t = exact_text(pe, rng, tokens);
    if (static_cast<int>(pe.tokenize(t, embed::EmbedRole::Passage).size()) != tokens) ++short_passages;
    texts.push_back(std::move(t));
  }
  if (!passages_out.empty()) {
    std::ofstream f(passages_out);
    for (const std::string& t : texts) f << pe.family().prefix(embed::EmbedRole::Passage) << t << "\n";
    if (!f) {
      std::cerr << "pagewise-bench embed: cannot write " << passages_out << "\n";
      return 1;
    }
  }
  // Warm-up (page in the weights, grow the workspace), then timed runs.
  if (auto r = pe.embed(std::span<const std::string>(texts).first(std::min<size_t>(texts.size(), 4)), embed::EmbedRole::Passage); !r) {
    std::cerr << "pagewise-bench embed: " << r.error().describe() << "\n";
    return 1;
  }
  std::vector<double> batch_s, batch_cpu;
  for (int r = 0; r < repeats; ++r) {
    Status status = ok_status();
    const double cpu0 = process_cpu_seconds();
    batch_s.push_back(time_once([&] {
      auto out = pe.embed(texts, embed::EmbedRole::Passage);
      if (!out) status = out.error();
    }));
    batch_cpu.push_back(process_cpu_seconds() - cpu0);
    if (!status.ok()) {
      std::cerr << "pagewise-bench embed: " << status.error().describe() << "\n";
      return 1;
    }
  }
  const double batch_median = median(batch_s);

  std::vector<double> query_ms, query_cpu_ms;
  std::vector<int> query_tokens;
  for (int q = 0; q < queries + 2; ++q) {
    const std::string text = random_text(rng, 8 + q % 5);
    Status status = ok_status();
    const double cpu0 = process_cpu_seconds();
    const double t = time_once([&] {
      auto out = pe.embed_query(text);
      if (!out) status = out.error();
      else query_tokens.push_back(static_cast<int>(out->token_ids.size()));
    });
    if (!status.ok()) {
      std::cerr << "pagewise-bench embed: " << status.error().describe() << "\n";
      return 1;
    }
    const double cpu = process_cpu_seconds() - cpu0;
    if (q >= 2) {  // the first two are warm-up
      query_ms.push_back(t * 1000.0);
      query_cpu_ms.push_back(cpu * 1000.0);
    }
  }

  ordered_json out;
  out["bench"] = "embed";
  out["model"] = std::filesystem::path(model).filename().string();
  if (!shape_name.empty()) {
    out["shape"] = shape_name;
    out["random_weights"] = true;
  }
  out["architecture"] = pe.hparams().architecture;
  out["weight_type"] = pe.weight_type();
  out["n_embd"] = pe.dimension();
  out["n_layer"] = pe.hparams().n_layer;
  out["n_ff"] = pe.hparams().n_ff;
  out["threads"] = pe.threads();
  out["passage_tokens"] = tokens;
  out["passages"] = passages;
  out["passages_not_exactly_tokens"] = short_passages;
  out["batch_tokens"] = batch_tokens;
  out["sgemm_min_tokens"] = compute::sgemm_min_tokens();
  out["repeats"] = repeats;
  out["batch_seconds_median"] = round3(batch_median);
  out["chunks_per_s"] = round3(passages / batch_median);
  out["tokens_per_s"] = std::round(static_cast<double>(passages) * tokens / batch_median);
  out["cpu_seconds_per_chunk_median"] = round3(median(batch_cpu) / passages);
  out["chunks_per_cpu_s"] = round3(passages / median(batch_cpu));
  out["queries"] = queries;
  out["query_tokens_median"] = query_tokens.empty() ? 0 : query_tokens[query_tokens.size() / 2];
  out["query_ms_median"] = round3(median(query_ms));
  out["query_ms_p95"] = round3(percentile(query_ms, 0.95));
  out["query_cpu_ms_median"] = round3(median(query_cpu_ms));
  out["clock"] = "wall (cpu_* figures: process CPU time, all threads)";
  if (json) {
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "embed " << out["model"].get<std::string>() << " (" << pe.weight_type() << ", " << pe.threads()
              << " threads): " << out["chunks_per_s"].get<double>() << " chunks/s of " << tokens << " tokens, query "
              << out["query_ms_median"].get<double>() << " ms median\n";
  }
  return 0;
}

}  // namespace
}  // namespace pw::bench

PW_BENCH(embed, "embed",
         "embed [--json] [-m MODEL | --shape all-minilm-l6-v2|bge-base|nomic-embed-text-v1.5] [--type F16|Q8_0|Q4_K_M|...] "
         "[-t N] "
         "[--passages N] [--tokens N] [--batch-tokens N] [--queries N] [--repeats N] [--passages-out FILE]",
         "embedding throughput (256-token passages, chunks/s) and query latency (ms)", pw::bench::run_embed);
