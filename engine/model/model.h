// Decoder language models: load a GGUF once (shared, immutable, weights memory-mapped), then run
// any number of Sessions on it (each with its own KV cache and scratch).
//
//   auto model = pw::model::Model::load("qwen2.5-0.5b-q4_k_m.gguf");
//   if (!model) return model.error();   // "m.gguf: architecture 'mamba' is not supported (supported: llama, ...)"
//   pw::model::SessionOptions options;  options.n_ctx = 4096;    // F16 cache, physical cores
//   auto session = pw::model::Session::create(*model, options);
//   if (!session) return session.error();
//   PW_TRY(session->eval(prompt_ids));                        // prompt, in batches of n_batch
//   std::span<const float> next = session->logits(0);          // n_vocab logits after the last token
//   PW_TRY(session->eval(std::array{next_id}));                 // one token per call when decoding
//   PW_TRY(session->eval(ids, pw::model::LogitsMode::All));    // every position: logits(0..n-1)
//
// Supported general.architecture values: llama (Llama 2/3.x, Mistral, TinyLlama, SmolLM2),
// qwen2, qwen3, phi3, gemma2, gemma3 (text); anything else is an Unsupported error listing them.
//
// Rules (must not change):
// - A Model is immutable after load and may be shared by sessions on several threads. A Session
//   is single-threaded (one caller at a time); it parallelises internally on its thread pool.
// - eval() never runs past the context: a call whose tokens do not fit in n_ctx - n_past fails
//   with ResourceLimit before touching anything. A failed eval leaves n_past where it was (the
//   positions after it may hold partial keys; they are overwritten by the next eval) and no logits.
// - Token ids are checked (0 <= id < n_vocab) before any work.
// - Matrix products use compute::matmul: batches of >= compute::sgemm_min_tokens() use
//   dequantized tiles + sgemm (exact F32 math on the dequantized weights: what the fixtures'
//   *.deqref.logits.f32 hold); smaller batches and decode quantize activations like ggml
//   (the native *.logits.f32). SessionOptions::batch_path forces one path (tests, benches).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/compute/matmul.h"
#include "engine/compute/thread_pool.h"
#include "engine/compute/workspace.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/forward.h"
#include "engine/model/hparams.h"
#include "engine/model/kv_cache.h"
#include "engine/model/weights.h"
#include "engine/util/status.h"

namespace pw::model {

struct Architecture;

struct LoadOptions {
  // Ask the OS to read the weights in now (madvise WILLNEED) so the first answer is not slowed
  // by page faults. Off by default: loading stays instant and pages come in as they are used.
  bool prefetch = false;
};

class Model {
 public:
  static Result<std::shared_ptr<const Model>> load(const std::filesystem::path& path, const LoadOptions& options = {});

  const HParams& hparams() const { return hp_; }
  const ModelWeights& weights() const { return weights_; }
  const gguf::GgufFile& file() const { return file_; }  // metadata for tokenizer, chat template, ...
  const Architecture& architecture() const { return *arch_; }
  int n_vocab() const { return hp_.n_vocab; }
  int n_ctx_train() const { return hp_.n_ctx_train; }

  Model(gguf::GgufFile file, HParams hp, ModelWeights weights, const Architecture* arch)
      : file_(std::move(file)), hp_(std::move(hp)), weights_(std::move(weights)), arch_(arch) {}

 private:
  gguf::GgufFile file_;  // owns the mapping every Matrix points into
  HParams hp_;
  ModelWeights weights_;
  const Architecture* arch_;
};

enum class LogitsMode {
  Last,  // only the last token's logits (prompt processing, decoding)
  All,   // every token's (scoring, tests)
};

struct SessionOptions {
  int n_ctx = 0;              // positions; 0 = min(model's own, kDefaultContext); > model's own is an error
  int n_batch = 512;          // tokens per forward pass while processing a prompt
  KvType kv_type = KvType::F16;
  int threads = 0;            // own pool with this many threads (<= 0: physical cores), unless `pool` is set
  std::shared_ptr<compute::ThreadPool> pool;  // share one pool between sessions (optional)
  compute::BatchPath batch_path = compute::BatchPath::Auto;
  ForwardProfile* profile = nullptr;  // per-operation times are added here when set (benchmarks)
};

inline constexpr int kDefaultContext = 4096;

class Session {
 public:
  static Result<Session> create(std::shared_ptr<const Model> model, const SessionOptions& options = {});

  // Runs `tokens` after the n_past already seen, in batches of n_batch. Afterwards logits(r) for
  // r < n_logit_rows() hold: LogitsMode::Last -> one row (the last token); All -> one per token.
  Status eval(std::span<const int32_t> tokens, LogitsMode mode = LogitsMode::Last);

  std::span<const float> logits(int row = 0) const;
  int n_logit_rows() const { return n_logit_rows_; }

  int n_past() const { return n_past_; }
  int n_ctx() const { return kv_.n_ctx(); }
  int n_batch() const { return buffers_.n_batch; }
  KvType kv_type() const { return kv_.type(); }
  const Model& model() const { return *model_; }
  const std::shared_ptr<const Model>& shared_model() const { return model_; }

  // Forgets everything (n_past = 0). Cheap: the cache is overwritten, not cleared.
  void reset() { n_past_ = 0; n_logit_rows_ = 0; }
  // Keeps the first n positions (e.g. a shared prompt prefix) and forgets the rest.
  Status truncate(int n);

 private:
  Session(std::shared_ptr<const Model> model, KvCache kv, ForwardBuffers buffers,
          std::shared_ptr<compute::ThreadPool> pool, compute::BatchPath path, ForwardProfile* profile)
      : model_(std::move(model)),
        kv_(std::move(kv)),
        buffers_(std::move(buffers)),
        pool_(std::move(pool)),
        path_(path),
        profile_(profile) {}

  std::shared_ptr<const Model> model_;
  KvCache kv_;
  ForwardBuffers buffers_;
  std::shared_ptr<compute::ThreadPool> pool_;
  compute::Workspace ws_;
  compute::BatchPath path_;
  ForwardProfile* profile_ = nullptr;
  std::vector<float> logits_;
  int n_logit_rows_ = 0;
  int n_past_ = 0;
};

}  // namespace pw::model
