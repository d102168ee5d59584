// `pagewise-bench model`: end-to-end decoder speed. Time to first token (the prompt processed in
// batches, LogitsMode::Last) and decode speed (one token per eval, greedy), as JSON.
//
//   pagewise-bench model --json                         # synthetic llama-shaped model (see below)
//   pagewise-bench model --json -m qwen2.5-0.5b-q4_k_m.gguf --prompt 512 --gen 64 -t 4
//   pagewise-bench model --json --type q4_K --quick     # smaller synthetic model, shorter runs
//
// Without -m the benchmark writes a random-weight llama model to a temporary file: n_embd 1024,
// 8 layers, 16 heads (4 KV), n_ff 2816, vocabulary 8192, every matrix in --type (default q4_0)
// — about a tenth of a 1B model, so the figures scale roughly by parameter count. Weights are
// a few distinct quantized rows repeated (speed does not depend on the values).
// With -t 1 times are the thread's CPU time ("clock": "thread_cpu"), usable on a busy machine.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "engine/util/log.h"

#include "bench/bench.h"
#include "bench/bench_util.h"
#include "bench/decoder_timing.h"
#include "engine/compute/cpu_topology.h"
#include "engine/compute/matmul.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/model.h"
#include "engine/quant/kernels.h"

namespace pw::bench {
namespace {

using nlohmann::ordered_json;

struct SyntheticShape {
  int n_embd = 1024, n_layer = 8, n_head = 16, n_head_kv = 4, n_ff = 2816, n_vocab = 8192, n_ctx = 4096;
};

// A matrix of `rows` x `cols` in `type`: kDistinct random rows quantized once, then repeated.
Status add_matrix(gguf::GgufWriter& w, const std::string& name, GgmlType type, int64_t cols, int64_t rows, uint32_t seed) {
  const quant::TypeKernels* k = quant::kernels_for(type);
  if (!k || !k->quantize_row) return Error(ErrorCode::Unsupported, "bench", "cannot quantize " + std::string(type_name(type)));
  const auto row_bytes = row_size_bytes(type, static_cast<uint64_t>(cols));
  if (!row_bytes) return Error(ErrorCode::InvalidArgument, "bench", name + ": columns not a whole number of blocks");
  constexpr int kDistinct = 16;
  auto distinct = std::make_shared<std::vector<uint8_t>>(*row_bytes * kDistinct);
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, 0.05f);
  std::vector<float> row(static_cast<size_t>(cols));
  for (int r = 0; r < kDistinct; ++r) {
    for (float& v : row) v = nd(rng);
    k->quantize_row(row.data(), distinct->data() + static_cast<size_t>(r) * *row_bytes, cols);
  }
  const uint64_t rb = *row_bytes;
  return w.add_tensor(name, type, {static_cast<uint64_t>(cols), static_cast<uint64_t>(rows)},
                      [distinct, rb, rows](gguf::GgufDataSink& sink) -> Status {
                        for (int64_t r = 0; r < rows; ++r)
                          PW_TRY(sink.write(distinct->data() + static_cast<size_t>(r % kDistinct) * rb, rb));
                        return ok_status();
                      });
}

Status write_synthetic(const std::filesystem::path& path, const SyntheticShape& s, GgmlType type) {
  gguf::GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_u32("llama.context_length", static_cast<uint32_t>(s.n_ctx));
  w.set_u32("llama.embedding_length", static_cast<uint32_t>(s.n_embd));
  w.set_u32("llama.block_count", static_cast<uint32_t>(s.n_layer));
  w.set_u32("llama.feed_forward_length", static_cast<uint32_t>(s.n_ff));
  w.set_u32("llama.attention.head_count", static_cast<uint32_t>(s.n_head));
  w.set_u32("llama.attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv));
  w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
  w.set_u32("llama.vocab_size", static_cast<uint32_t>(s.n_vocab));
  static const std::vector<float> ones(static_cast<size_t>(s.n_embd), 1.0f);
  const std::span<const uint8_t> ones_bytes(reinterpret_cast<const uint8_t*>(ones.data()), ones.size() * sizeof(float));
  const int64_t e = s.n_embd, hd = s.n_embd / s.n_head, kv = int64_t{s.n_head_kv} * hd;
  uint32_t seed = 1;
  PW_TRY(add_matrix(w, "token_embd.weight", type, e, s.n_vocab, seed++));
  PW_TRY(w.add_tensor("output_norm.weight", GgmlType::F32, {static_cast<uint64_t>(e)}, ones_bytes));
  PW_TRY(add_matrix(w, "output.weight", type, e, s.n_vocab, seed++));
  for (int l = 0; l < s.n_layer; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    PW_TRY(w.add_tensor(b + "attn_norm.weight", GgmlType::F32, {static_cast<uint64_t>(e)}, ones_bytes));
    PW_TRY(add_matrix(w, b + "attn_q.weight", type, e, e, seed++));
    PW_TRY(add_matrix(w, b + "attn_k.weight", type, e, kv, seed++));
    PW_TRY(add_matrix(w, b + "attn_v.weight", type, e, kv, seed++));
    PW_TRY(add_matrix(w, b + "attn_output.weight", type, e, e, seed++));
    PW_TRY(w.add_tensor(b + "ffn_norm.weight", GgmlType::F32, {static_cast<uint64_t>(e)}, ones_bytes));
    PW_TRY(add_matrix(w, b + "ffn_gate.weight", type, e, s.n_ff, seed++));
    PW_TRY(add_matrix(w, b + "ffn_up.weight", type, e, s.n_ff, seed++));
    PW_TRY(add_matrix(w, b + "ffn_down.weight", type, s.n_ff, e, seed++));
  }
  return w.write(path);
}

int model_usage(const std::string& message) {
  std::cerr << "pagewise-bench model: " << message
            << "\nusage: pagewise-bench model [--json] [--quick] [-m MODEL] [--type q4_0] [--prompt N] [--gen N] [-t N]\n";
  return 2;
}

int run_model(std::vector<std::string>& args) {
  std::string model_path;
  GgmlType type = GgmlType::Q4_0;
  int prompt = 256, gen = 32, threads = 0;
  bool quick = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    auto number = [&](int& out, int lo, int hi) {
      const auto v = value();
      if (!v) return false;
      char* end = nullptr;
      const long n = std::strtol(v->c_str(), &end, 10);
      if (!end || *end || n < lo || n > hi) return false;
      out = static_cast<int>(n);
      return true;
    };
    if (a == "--json") continue;  // JSON is the only output
    if (a == "--quick") {
      quick = true;
    } else if (a == "-m" || a == "--model") {
      const auto v = value();
      if (!v) return model_usage("missing value after " + a);
      model_path = *v;
    } else if (a == "--type") {
      const auto v = value();
      const auto t = v ? type_from_name(*v) : std::nullopt;
      if (!t) return model_usage("bad --type");
      type = *t;
    } else if (a == "--prompt") {
      if (!number(prompt, 1, 1 << 20)) return model_usage("bad --prompt");
    } else if (a == "--gen") {
      if (!number(gen, 1, 1 << 20)) return model_usage("bad --gen");
    } else if (a == "-t" || a == "--threads") {
      if (!number(threads, 1, 1024)) return model_usage("bad thread count");
    } else {
      return model_usage("unknown option '" + a + "'");
    }
  }
  if (quick) {
    prompt = std::min(prompt, 64);
    gen = std::min(gen, 8);
  }

  pw::log::set_level(pw::log::Level::warn);  // stdout carries the JSON only
  ordered_json out;
  out["bench"] = "model";
  out["cpu"] = cpu_model_name();
  std::filesystem::path path = model_path;
  std::filesystem::path temp;
  if (model_path.empty()) {
    SyntheticShape shape;
    if (quick) {
      shape.n_embd = 256;
      shape.n_layer = 2;
      shape.n_head = 4;
      shape.n_head_kv = 2;
      shape.n_ff = 768;
      shape.n_vocab = 2048;
    }
    temp = std::filesystem::temp_directory_path() / ("pagewise-bench-model-" + std::to_string(getpid()) + ".gguf");
    if (auto s = write_synthetic(temp, shape, type); !s.ok()) {
      std::cerr << "pagewise-bench model: " << s.error().describe() << "\n";
      return 1;
    }
    path = temp;
    out["model"] = "synthetic llama " + std::string(type_name(type));
  } else {
    out["model"] = path.filename().string();
  }

  auto model = model::Model::load(path);
  if (!temp.empty()) std::filesystem::remove(temp);  // the mapping stays valid after unlink
  if (!model) {
    std::cerr << "pagewise-bench model: " << model.error().describe() << "\n";
    return 1;
  }
  const model::HParams& hp = (*model)->hparams();
  out["architecture"] = hp.architecture;
  out["n_layer"] = hp.n_layer;
  out["n_embd"] = hp.n_embd;
  out["n_vocab"] = hp.n_vocab;
  out["file_mib"] = round3(static_cast<double>((*model)->file().file_size()) / (1 << 20));

  model::SessionOptions options;
  options.n_ctx = std::min(hp.n_ctx_train, prompt + gen);
  options.threads = threads;
  auto session = model::Session::create(*model, options);
  if (!session) {
    std::cerr << "pagewise-bench model: " << session.error().describe() << "\n";
    return 1;
  }
  prompt = std::min(prompt, session->n_ctx() - 1);
  gen = std::min(gen, session->n_ctx() - prompt);
  out["threads"] = threads > 0 ? threads : compute::physical_core_count();
  out["prompt_tokens"] = prompt;
  out["n_batch"] = session->n_batch();
  out["kv_cache"] = std::string(model::kv_type_name(session->kv_type()));

  const std::vector<int32_t> ids = random_prompt(prompt, hp.n_vocab, 5);

  // With one thread the figures are the thread's CPU time, so other processes competing for the
  // core do not distort them (as the other compute benchmarks); with more, wall time.
  const bool cpu_clock = threads == 1;

  // Prompt: median of 3 runs from an empty context.
  std::vector<double> ttft;
  for (int rep = 0; rep < (quick ? 1 : 3); ++rep) {
    auto t = time_prompt(*session, ids, cpu_clock);
    if (!t) {
      std::cerr << "pagewise-bench model: " << t.error().describe() << "\n";
      return 1;
    }
    ttft.push_back(*t);
  }
  const double t_prompt = median(ttft);
  out["time_to_first_token_s"] = round3(t_prompt);
  out["prompt_tokens_per_s"] = round3(prompt / t_prompt);

  // Decode: greedy, one token per eval, after the prompt.
  auto decoded = time_decode(*session, gen, cpu_clock);
  if (!decoded) {
    std::cerr << "pagewise-bench model: " << decoded.error().describe() << "\n";
    return 1;
  }
  const double t_gen = *decoded;
  out["decode_tokens"] = gen;
  out["decode_tokens_per_s"] = round3(gen / t_gen);
  out["clock"] = cpu_clock ? "thread_cpu" : "wall";
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(model, "model", "model [--json] [--quick] [-m MODEL] [--type q4_0] [--prompt N] [--gen N] [-t N]",
         "decoder time to first token and decode tokens/s (synthetic llama model unless -m)", run_model);

}  // namespace pw::bench
