// Text -> L2-normalised vector with an encoder GGUF (bert, nomic-bert): tokenise (WordPiece),
// add the family's query/passage prefix, truncate to the model's maximum length, run the
// encoder, pool as the file says (mean, CLS, last), normalise.
//
//   auto emb = pw::embed::Embedder::load("bge-small-en-v1.5-q8_0.gguf");
//   if (!emb) return emb.error();         // "x.gguf: architecture 'llama' is not an embedding model ..."
//   auto q = (*emb)->embed_query("annual leave carry-over");          // one text, lowest latency
//   auto docs = (*emb)->embed(chunk_texts, pw::embed::EmbedRole::Passage);   // many, batched
//   for (const auto& d : *docs) if (d.truncated) warn(d.original_tokens, (*emb)->max_tokens());
//
// Batching packs texts back to back (no padding): each forward pass takes texts until
// options.max_batch_tokens tokens, runs every matrix product once over all of them (the sgemm
// path for large batches) and attention per text. Results do not depend on how texts are
// grouped, except for float rounding of the chosen matrix path (compute/matmul.h): batches of
// >= sgemm_min_tokens() tokens use exact F32 math on dequantized weights, smaller ones
// quantize activations like ggml.
//
// Rules: an Embedder is used by one caller at a time (calls are serialised by a mutex, so a
// query may wait for a running ingestion batch); the model file stays mapped while it lives.
// Text longer than max_tokens() is cut (the final [SEP] kept) and Embedding::truncated says so.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compute/matmul.h"
#include "engine/compute/thread_pool.h"
#include "engine/compute/workspace.h"
#include "engine/embed/prefixes.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/encoder.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/util/status.h"

namespace pw::embed {

struct EmbedderOptions {
  int threads = 0;                                   // own pool (<= 0: physical cores) unless `pool`
  std::shared_ptr<compute::ThreadPool> pool;
  compute::BatchPath batch_path = compute::BatchPath::Auto;
  int max_batch_tokens = 2048;                       // tokens per forward pass (texts packed)
  int max_tokens = 0;                                // per text; 0 or more than the model's: the model's
  bool normalize = true;                             // L2-normalise the pooled vector
};

struct Embedding {
  std::vector<float> vector;          // dimension() values
  std::vector<int32_t> token_ids;     // what the model read (prefix, [CLS] ... [SEP], after truncation)
  bool truncated = false;
  int original_tokens = 0;            // token count before truncation
};

class Embedder {
 public:
  static Result<std::unique_ptr<Embedder>> load(const std::filesystem::path& path, const EmbedderOptions& options = {});
  ~Embedder();

  // One vector per text, in order. Raw embeds each text exactly as given (no prefix).
  Result<std::vector<Embedding>> embed(std::span<const std::string> texts, EmbedRole role);
  Result<std::vector<Embedding>> embed(std::span<const std::string_view> texts, EmbedRole role);
  // A single text as a query (the search path).
  Result<Embedding> embed_query(std::string_view text);

  // The ids embed() would feed the model for `text` (prefix included, truncated).
  std::vector<int32_t> tokenize(std::string_view text, EmbedRole role, bool* truncated = nullptr,
                                int* original = nullptr) const;

  int dimension() const { return hp_.n_embd; }
  int max_tokens() const { return max_tokens_; }
  const model::EncoderHParams& hparams() const { return hp_; }
  model::Pooling pooling() const { return pooling_; }
  const PrefixFamily& family() const { return *family_; }
  const tokenizer::Tokenizer& tokenizer() const { return *tokenizer_; }
  // The file name ("bge-small-en-v1.5-q8_0.gguf"): what stored vectors are keyed by.
  const std::string& model_name() const { return model_name_; }
  const std::filesystem::path& path() const { return path_; }
  std::string weight_type() const;   // of the first layer's attention output matrix, e.g. "Q8_0"
  int threads() const { return pool_->size(); }

 private:
  Embedder() = default;
  Status run_group(std::span<Embedding> group);

  std::filesystem::path path_;
  std::string model_name_;
  std::unique_ptr<gguf::GgufFile> file_;
  model::EncoderHParams hp_;
  model::EncoderWeights weights_;
  const model::EncoderArchitecture* arch_ = nullptr;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
  const PrefixFamily* family_ = nullptr;
  model::Pooling pooling_ = model::Pooling::Mean;
  EmbedderOptions options_;
  int max_tokens_ = 0;
  std::shared_ptr<compute::ThreadPool> pool_;
  compute::Workspace ws_;
  model::EncoderBuffers buf_;
  std::vector<float> pooled_;
  std::mutex mutex_;
};

}  // namespace pw::embed
