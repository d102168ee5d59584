// `pagewise-bench attention`: one decode step's attention in one layer of the Llama-3.2-1B
// shape (32 query heads, 8 KV heads, head size 64, F16 cache) at several context depths, per
// kernel set of engine/model/attention_kernels.h (scalar, and avx2 where the CPU has it):
// for every KV head, scores of its 4 query heads, softmax, weighted sum of V — what
// attend_group runs. Single thread, thread CPU time (stable on a busy machine), medians.
//
//   pagewise-bench attention [--json] [--depths 256,1024,1500] [--kv-heads 8] [--group 4] [--head-dim 64]
//
// "us_per_layer": microseconds for the whole layer (all KV heads) on one thread; multiply by
// the layer count for a token's attention CPU time.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "bench/bench_util.h"
#include "engine/model/attention_kernels.h"
#include "engine/model/kv_cache.h"
#include "engine/quant/cpu_features.h"

namespace pw::bench {
namespace {

using nlohmann::ordered_json;

int attention_usage(const std::string& why) {
  std::cerr << "pagewise-bench attention: " << why
            << "\nusage: pagewise-bench attention [--json] [--depths 256,1024,1500] [--kv-heads 8] [--group 4] "
               "[--head-dim 64]\n";
  return 2;
}

int run_attention(std::vector<std::string>& args) {
  std::vector<int> depths = {256, 1024, 1500};
  int kv_heads = 8, group = 4, hd = 64;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next_int = [&](int& out) {
      if (i + 1 >= args.size()) return false;
      try {
        out = std::stoi(args[++i]);
      } catch (...) {
        return false;
      }
      return out > 0;
    };
    if (a == "--json") continue;  // JSON is the only output
    if (a == "--depths" && i + 1 < args.size()) {
      depths.clear();
      std::stringstream ss(args[++i]);
      std::string item;
      while (std::getline(ss, item, ',')) {
        try {
          depths.push_back(std::stoi(item));
        } catch (...) {
          return attention_usage("bad depth list");
        }
        if (depths.back() < 1) return attention_usage("depths must be positive");
      }
      continue;
    }
    if (a == "--kv-heads" && next_int(kv_heads)) continue;
    if (a == "--group" && next_int(group)) continue;
    if (a == "--head-dim" && next_int(hd)) continue;
    return attention_usage("unknown or incomplete option " + a);
  }
  int max_depth = 1;
  for (int d : depths) max_depth = std::max(max_depth, d);

  auto kv = model::KvCache::create(
      {.n_layer = 1, .n_ctx = max_depth, .k_width = hd * kv_heads, .v_width = hd * kv_heads, .type = model::KvType::F16});
  if (!kv) return attention_usage(kv.error().message());
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> row(static_cast<size_t>(hd) * kv_heads);
  for (int p = 0; p < max_depth; ++p) {
    for (float& x : row) x = nd(rng);
    std::vector<float> v = row;
    for (float& x : v) x = nd(rng);
    kv->store(0, p, row.data(), v.data());
  }
  std::vector<float> q(static_cast<size_t>(kv_heads) * group * hd), out(q.size());
  for (float& x : q) x = nd(rng);
  std::vector<float> scores(static_cast<size_t>(group) * max_depth);

  std::vector<const model::AttentionKernels*> sets = {&model::attention_kernels_scalar()};
  if (quant::cpu_features().avx2_fma_f16c) sets.push_back(&model::attention_kernels_avx2());

  ordered_json results = ordered_json::array();
  for (const model::AttentionKernels* k : sets)
    for (int depth : depths) {
      auto layer = [&] {
        for (int h = 0; h < kv_heads; ++h) {
          const size_t off = static_cast<size_t>(h) * static_cast<size_t>(hd) * 2;
          const model::KvRows kr{static_cast<const uint8_t*>(kv->k_row(0, 0)) + off, kv->k_row_bytes(), true};
          const model::KvRows vr{static_cast<const uint8_t*>(kv->v_row(0, 0)) + off, kv->v_row_bytes(), true};
          const float* qh = q.data() + static_cast<size_t>(h) * group * hd;
          k->scores(qh, group, hd, kr, depth, scores.data(), static_cast<size_t>(depth));
          for (int g = 0; g < group; ++g)
            k->softmax(scores.data() + static_cast<size_t>(g) * depth, depth, 0.125f, 0.0f, true);
          k->weighted_sum(scores.data(), static_cast<size_t>(depth), group, vr, depth, hd,
                          out.data() + static_cast<size_t>(h) * group * hd, static_cast<size_t>(hd));
        }
      };
      layer();  // warm the cache rows and the code
      // Enough calls for ~20 ms per sample at the fast kernels' speed.
      const int calls = std::max(1, 4000000 / (depth * kv_heads * group));
      std::vector<double> samples;
      for (int s = 0; s < 7; ++s)
        samples.push_back(thread_cpu_time_once([&] {
                            for (int c = 0; c < calls; ++c) layer();
                          }) /
                          calls);
      ordered_json r;
      r["kernels"] = k->name;
      r["depth"] = depth;
      r["us_per_layer"] = round3(median(samples) * 1e6);
      results.push_back(r);
    }
  ordered_json o;
  o["bench"] = "attention";
  o["kv_heads"] = kv_heads;
  o["group"] = group;
  o["head_dim"] = hd;
  o["kv_cache"] = "f16";
  o["clock"] = "thread_cpu";
  o["cpu"] = cpu_model_name();
  o["results"] = results;
  std::cout << o.dump(2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(attention, "attention", "attention [--json] [--depths 256,1024,1500] [--kv-heads 8] [--group 4] [--head-dim 64]",
         "one decode step's attention per layer, per kernel set (thread CPU time)", run_attention);

}  // namespace pw::bench
