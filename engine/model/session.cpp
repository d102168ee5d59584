#include <algorithm>
#include <new>
#include <string>

#include "engine/model/architecture.h"
#include "engine/model/model.h"

namespace pw::model {

Result<Session> Session::create(std::shared_ptr<const Model> model, const SessionOptions& options) {
  if (!model) return Error(ErrorCode::InvalidArgument, "session", "no model");
  const HParams& hp = model->hparams();
  const std::string& name = model->file().name();
  int n_ctx = options.n_ctx;
  if (n_ctx < 0) return Error(ErrorCode::InvalidArgument, name, "context length must not be negative");
  if (n_ctx == 0) n_ctx = std::min(hp.n_ctx_train, kDefaultContext);
  if (n_ctx > hp.n_ctx_train)
    return Error(ErrorCode::InvalidArgument, name,
                 "context length " + std::to_string(n_ctx) + " exceeds the model's own (" +
                     std::to_string(hp.n_ctx_train) + ")");
  if (options.n_batch < 1) return Error(ErrorCode::InvalidArgument, name, "batch size must be at least 1");
  const int n_batch = std::min(options.n_batch, n_ctx);

  std::shared_ptr<compute::ThreadPool> pool = options.pool;
  if (!pool) {
    compute::ThreadPoolOptions po;
    po.threads = options.threads;
    pool = std::make_shared<compute::ThreadPool>(po);
  }

  KvCacheShape shape;
  shape.n_layer = hp.n_layer;
  shape.n_ctx = n_ctx;
  shape.k_width = hp.kv_width_k();
  shape.v_width = hp.kv_width_v();
  shape.type = options.kv_type;
  auto kv = KvCache::create(shape);
  if (!kv) return kv.error().with_subject(name);
  auto buffers = ForwardBuffers::create(hp, n_batch, n_ctx, pool->size());
  if (!buffers) return buffers.error().with_subject(name);
  return Session(std::move(model), std::move(*kv), std::move(*buffers), std::move(pool), options.batch_path,
                 options.profile);
}

Status Session::eval(std::span<const int32_t> tokens, LogitsMode mode) {
  const HParams& hp = model_->hparams();
  const std::string& name = model_->file().name();
  if (tokens.empty()) return Error(ErrorCode::InvalidArgument, name, "eval needs at least one token");
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] < 0 || tokens[i] >= hp.n_vocab)
      return Error(ErrorCode::InvalidArgument, name,
                   "token id " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                       " is outside the vocabulary (0.." + std::to_string(hp.n_vocab - 1) + ")");
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n > n_ctx() - n_past_)
    return Error(ErrorCode::ResourceLimit, name,
                 "context is full: " + std::to_string(n_past_) + " tokens so far + " + std::to_string(n) +
                     " new exceed the context length " + std::to_string(n_ctx()));

  const int64_t rows = mode == LogitsMode::All ? n : 1;
  n_logit_rows_ = 0;
  try {
    logits_.resize(static_cast<size_t>(rows) * static_cast<size_t>(hp.n_vocab));
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::ResourceLimit, name, "cannot allocate logits for " + std::to_string(rows) + " tokens");
  }

  const Forward::Context ctx{hp, model_->weights(), kv_, buffers_, *pool_, ws_, path_, profile_};
  if (profile_) profile_->tokens += n;
  const int n_batch = buffers_.n_batch;
  for (int64_t start = 0; start < n; start += n_batch) {
    const int count = static_cast<int>(std::min<int64_t>(n_batch, n - start));
    const bool last_batch = start + count == n;
    int out_first = count;  // no logits from this batch
    float* out = logits_.data();
    if (mode == LogitsMode::All) {
      out_first = 0;
      out = logits_.data() + static_cast<size_t>(start) * static_cast<size_t>(hp.n_vocab);
    } else if (last_batch) {
      out_first = count - 1;
    }
    Forward f(ctx, tokens.subspan(static_cast<size_t>(start), static_cast<size_t>(count)),
              n_past_ + static_cast<int>(start), out_first, out);
    Status s = model_->architecture().forward(f);
    if (!s.ok()) return s.error().with_context("evaluating tokens");  // n_past unchanged: the batch is dropped
  }
  n_past_ += static_cast<int>(n);
  n_logit_rows_ = static_cast<int>(rows);
  return ok_status();
}

std::span<const float> Session::logits(int row) const {
  if (row < 0 || row >= n_logit_rows_) return {};
  const auto n_vocab = static_cast<size_t>(model_->n_vocab());
  return {logits_.data() + static_cast<size_t>(row) * n_vocab, n_vocab};
}

Status Session::truncate(int n) {
  if (n < 0 || n > n_past_)
    return Error(ErrorCode::InvalidArgument, model_->file().name(),
                 "cannot keep " + std::to_string(n) + " of " + std::to_string(n_past_) + " positions");
  n_past_ = n;
  n_logit_rows_ = 0;
  return ok_status();
}

}  // namespace pw::model
