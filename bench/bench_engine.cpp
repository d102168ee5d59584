// `pagewise-bench engine`: what a user of a model file feels, as JSON — prompt processing and
// generation speed and the time to first token of a long RAG prompt, medians over repeats.
//
//   pagewise-bench engine -m llama-3.2-1b-Q4_K_M.gguf -p 512 -n 128 -t 2 -r 3 --json
//   pagewise-bench engine -m model.gguf --no-ttft            # skip the 1,500-token run
//
// Each repeat: a `-p`-token random prompt from an empty context (prompt_tokens_per_s), then
// `-n` greedy tokens one eval at a time after it (gen_tokens_per_s), then a 1,500-token prompt
// from an empty context (ttft_1500_s: its evaluation and the choice of the first token). Wall
// time, all figures medians over `-r` repeats (each run's figures are in "runs"). peak_rss_mb
// is the process's VmHWM: mapped weights touched + KV cache + scratch. load_average records how
// busy the shared machine was (figures from a loaded machine are lower bounds). The *_per_cpu_s
// figures divide by the process's CPU time per thread instead of wall time: what the threads
// did while they actually had a core. On a machine shared with other jobs they estimate the
// speed on idle cores (an under-estimate when workers spin while waiting, which counts as CPU).
// prompt_profile_s / gen_profile_s / ttft_1500_profile_s: wall seconds per kind of operation of
// the prompt, generation and 1,500-token runs (model::ForwardProfile: matmul, attention, norm,
// rope, ...; summed over the repeats), to see where the time goes. Compare with llama.cpp's llama-bench -p 512 -n 128 on the same file
// and threads.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/log.h"

#include "bench/bench.h"
#include "bench/bench_util.h"
#include "bench/decoder_timing.h"
#include "engine/compute/cpu_topology.h"
#include "engine/model/model.h"

namespace pw::bench {
namespace {

using nlohmann::ordered_json;

constexpr int kTtftTokens = 1500;

int engine_usage(const std::string& message) {
  std::cerr << "pagewise-bench engine: " << message
            << "\nusage: pagewise-bench engine -m MODEL [-p 512] [-n 128] [-t THREADS] [-r 3] [--no-ttft] [--path auto|gemm|sgemm|vec_dot] [--json]\n";
  return 2;
}

int fail(const Error& e) {
  std::cerr << "pagewise-bench engine: " << e.describe() << "\n";
  return 1;
}

void add_profile(model::ForwardProfile& sum, const model::ForwardProfile& p) {
  for (int i = 0; i < model::ForwardProfile::kOps; ++i) sum.seconds[i] += p.seconds[i];
  sum.tokens += p.tokens;
}

// {"matmul": seconds, ...} summed over the repeats, plus the total and the token count.
ordered_json profile_json(const model::ForwardProfile& p) {
  ordered_json j;
  double total = 0;
  for (int i = 0; i < model::ForwardProfile::kOps; ++i) {
    j[model::ForwardProfile::kNames[i]] = round3(p.seconds[i]);
    total += p.seconds[i];
  }
  j["total"] = round3(total);
  j["tokens"] = p.tokens;
  return j;
}

int run_engine(std::vector<std::string>& args) {
  std::string model_path;
  int prompt = 512, gen = 128, threads = 0, repeats = 3;
  bool ttft = true;
  compute::BatchPath path = compute::BatchPath::Auto;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto number = [&](int& out, int lo, int hi) {
      if (i + 1 >= args.size()) return false;
      char* end = nullptr;
      const long n = std::strtol(args[++i].c_str(), &end, 10);
      if (!end || *end || n < lo || n > hi) return false;
      out = static_cast<int>(n);
      return true;
    };
    if (a == "--json") continue;  // JSON is the only output
    if (a == "--path") {  // how batches are multiplied (compute::BatchPath), for comparisons
      if (i + 1 >= args.size()) return engine_usage("missing value after --path");
      const std::string p = args[++i];
      if (p == "auto") path = compute::BatchPath::Auto;
      else if (p == "sgemm") path = compute::BatchPath::Sgemm;
      else if (p == "gemm") path = compute::BatchPath::Gemm;
      else if (p == "vec_dot") path = compute::BatchPath::VecDot;
      else return engine_usage("--path is auto, gemm, sgemm or vec_dot");
      continue;
    }
    if (a == "--no-ttft") {
      ttft = false;
    } else if (a == "-m" || a == "--model") {
      if (i + 1 >= args.size()) return engine_usage("missing value after " + a);
      model_path = args[++i];
    } else if (a == "-p" || a == "--prompt") {
      if (!number(prompt, 1, 1 << 20)) return engine_usage("bad -p");
    } else if (a == "-n" || a == "--gen") {
      if (!number(gen, 0, 1 << 20)) return engine_usage("bad -n");
    } else if (a == "-t" || a == "--threads") {
      if (!number(threads, 1, 1024)) return engine_usage("bad thread count");
    } else if (a == "-r" || a == "--repeats") {
      if (!number(repeats, 1, 1000)) return engine_usage("bad -r");
    } else {
      return engine_usage("unknown option '" + a + "'");
    }
  }
  if (model_path.empty()) return engine_usage("-m MODEL is required (make one with pagewise-cli make-test-model)");

  pw::log::set_level(pw::log::Level::warn);  // stdout carries the JSON only
  auto model = model::Model::load(model_path);
  if (!model) return fail(model.error());
  const model::HParams& hp = (*model)->hparams();
  model::SessionOptions options;
  options.n_ctx = std::max(prompt + gen, ttft ? kTtftTokens + 1 : 0);
  if (options.n_ctx > hp.n_ctx_train)
    return engine_usage("the model's context (" + std::to_string(hp.n_ctx_train) + ") is too small for these lengths");
  options.threads = threads;
  options.batch_path = path;
  // Per-operation times of the prompt runs (wall seconds, summed over the repeats' prompts).
  model::ForwardProfile profile, prompt_profile, gen_profile, ttft_profile;
  options.profile = &profile;
  auto session = model::Session::create(*model, options);
  if (!session) return fail(session.error());

  const std::vector<int32_t> ids = random_prompt(prompt, hp.n_vocab, 5);
  const std::vector<int32_t> long_ids = random_prompt(kTtftTokens, hp.n_vocab, 6);
  std::vector<double> prompt_tps, gen_tps, ttft_s, prompt_cpu_tps, gen_cpu_tps, ttft_cpu_s;
  const int n_threads = threads > 0 ? threads : compute::physical_core_count();
  // Seconds of CPU per thread spent since `since` (process CPU time / threads).
  auto cpu_per_thread = [&](double since) { return (process_cpu_seconds() - since) / n_threads; };
  ordered_json runs = ordered_json::array();
  const double load_before = load_average_1min();
  for (int rep = 0; rep < repeats; ++rep) {
    ordered_json run;
    double cpu0 = process_cpu_seconds();
    profile = {};
    auto tp = time_prompt(*session, ids, false);
    if (!tp) return fail(tp.error());
    add_profile(prompt_profile, profile);
    prompt_tps.push_back(prompt / *tp);
    prompt_cpu_tps.push_back(prompt / cpu_per_thread(cpu0));
    run["prompt_tokens_per_s"] = round3(prompt_tps.back());
    run["prompt_tokens_per_cpu_s"] = round3(prompt_cpu_tps.back());
    if (gen > 0) {
      profile = {};
      cpu0 = process_cpu_seconds();
      auto tg = time_decode(*session, gen, false);
      if (!tg) return fail(tg.error());
      add_profile(gen_profile, profile);
      gen_tps.push_back(gen / *tg);
      gen_cpu_tps.push_back(gen / cpu_per_thread(cpu0));
      run["gen_tokens_per_s"] = round3(gen_tps.back());
      run["gen_tokens_per_cpu_s"] = round3(gen_cpu_tps.back());
    }
    if (ttft) {
      // Time to first token: the prompt's evaluation plus picking the token from its logits.
      std::optional<Error> err;
      const double cpu0 = process_cpu_seconds();
      profile = {};
      const double t = time_once([&] {
        auto r = time_prompt(*session, long_ids, false);
        if (!r) err = r.error();
        if (err) return;
        const auto row = session->logits(0);
        volatile int32_t first = static_cast<int32_t>(std::max_element(row.begin(), row.end()) - row.begin());
        (void)first;
      });
      if (err) return fail(*err);
      add_profile(ttft_profile, profile);
      ttft_s.push_back(t);
      ttft_cpu_s.push_back(cpu_per_thread(cpu0));
      run["ttft_1500_s"] = round3(t);
      run["ttft_1500_cpu_s"] = round3(ttft_cpu_s.back());
    }
    runs.push_back(run);
  }

  ordered_json out;
  out["bench"] = "engine";
  out["model"] = std::filesystem::path(model_path).filename().string();
  out["architecture"] = hp.architecture;
  out["file_mib"] = round3(static_cast<double>((*model)->file().file_size()) / (1 << 20));
  out["threads"] = n_threads;
  out["prompt_tokens"] = prompt;
  out["gen_tokens"] = gen;
  out["repeats"] = repeats;
  out["prompt_tokens_per_s"] = round3(median(prompt_tps));
  out["gen_tokens_per_s"] = gen > 0 ? ordered_json(round3(median(gen_tps))) : ordered_json(nullptr);
  out["ttft_1500_s"] = ttft ? ordered_json(round3(median(ttft_s))) : ordered_json(nullptr);
  out["prompt_tokens_per_cpu_s"] = round3(median(prompt_cpu_tps));
  out["gen_tokens_per_cpu_s"] = gen > 0 ? ordered_json(round3(median(gen_cpu_tps))) : ordered_json(nullptr);
  out["ttft_1500_cpu_s"] = ttft ? ordered_json(round3(median(ttft_cpu_s))) : ordered_json(nullptr);
  out["prompt_profile_s"] = profile_json(prompt_profile);
  if (gen > 0) out["gen_profile_s"] = profile_json(gen_profile);
  if (ttft) out["ttft_1500_profile_s"] = profile_json(ttft_profile);
  out["peak_rss_mb"] = round3(peak_rss_mib());
  out["n_ctx"] = session->n_ctx();
  out["n_batch"] = session->n_batch();
  out["batch_path"] = path == compute::BatchPath::Auto    ? "auto"
                      : path == compute::BatchPath::Gemm  ? "gemm"
                      : path == compute::BatchPath::Sgemm ? "sgemm"
                                                          : "vec_dot";
  out["kv_cache"] = std::string(model::kv_type_name(session->kv_type()));
  out["load_average"] = {round3(load_before), round3(load_average_1min())};
  out["cpu"] = cpu_model_name();
  out["clock"] = "wall";
  out["runs"] = runs;
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(engine, "engine",
         "engine -m MODEL [-p 512] [-n 128] [-t THREADS] [-r 3] [--no-ttft] [--path auto|gemm|sgemm|vec_dot] [--json]",
         "prompt and generation tokens/s, 1,500-token time to first token, peak RSS (medians over repeats)", run_engine);

}  // namespace pw::bench
