#include "engine/embed/embedder.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>

#include "engine/util/log.h"

namespace pw::embed {

Embedder::~Embedder() = default;

Result<std::unique_ptr<Embedder>> Embedder::load(const std::filesystem::path& path, const EmbedderOptions& options) {
  auto file = gguf::GgufFile::open(path);
  if (!file) return file.error();
  std::unique_ptr<Embedder> e(new Embedder());
  e->path_ = path;
  e->model_name_ = path.filename().string();
  e->file_ = std::make_unique<gguf::GgufFile>(std::move(*file));
  const gguf::GgufFile& f = *e->file_;

  auto arch_name = f.get_string("general.architecture");
  if (!arch_name) return arch_name.error();
  e->arch_ = model::find_encoder_architecture(*arch_name);
  if (!e->arch_)
    return Error(ErrorCode::Unsupported, f.name(),
                 "architecture '" + std::string(*arch_name) + "' is not an embedding model this build supports (supported: " +
                     model::supported_encoder_names() + ")");
  auto hp = model::read_encoder_hparams(f, *arch_name);
  if (!hp) return hp.error();
  e->hp_ = std::move(*hp);
  PW_TRY(e->arch_->read_hparams(f, e->hp_));
  PW_TRY(e->arch_->bind_weights(model::WeightBinder(f), e->hp_, e->weights_));

  auto tok = tokenizer::Tokenizer::from_gguf(f);
  if (!tok) return tok.error();
  e->tokenizer_ = std::move(*tok);
  if (static_cast<int>(e->tokenizer_->vocab_size()) != e->hp_.n_vocab)
    return Error(ErrorCode::Corrupt, f.name(), "tokenizer and token_embd disagree on the vocabulary size");

  std::string_view general_name, basename;
  if (auto n = f.get_string("general.name")) general_name = *n;
  if (auto b = f.get_string("general.basename")) basename = *b;
  e->family_ = &prefix_family(*arch_name, {general_name, basename, std::string_view(e->model_name_)});

  e->pooling_ = e->hp_.pooling;
  if (e->pooling_ == model::Pooling::None) {
    pw::log::info("{}: pooling type 'none'; using mean pooling to get one vector per text", f.name());
    e->pooling_ = model::Pooling::Mean;
  } else if (!e->hp_.pooling_from_file) {
    pw::log::info("{}: no {}.pooling_type; assuming mean pooling", f.name(), e->hp_.architecture);
  }

  e->options_ = options;
  e->max_tokens_ = e->hp_.n_ctx_train;
  if (options.max_tokens > 0) e->max_tokens_ = std::min(e->max_tokens_, options.max_tokens);
  e->max_tokens_ = std::max(e->max_tokens_, 2);
  e->options_.max_batch_tokens = std::max(options.max_batch_tokens, e->max_tokens_);
  e->pool_ = options.pool ? options.pool : std::make_shared<compute::ThreadPool>(compute::ThreadPoolOptions{.threads = options.threads});
  // Scores for texts up to 512 tokens now; longer ones grow them when they come (run_group).
  auto buf = model::EncoderBuffers::create(e->hp_, e->options_.max_batch_tokens, std::min(e->max_tokens_, 512),
                                           e->pool_->size());
  if (!buf) return Error(buf.error().code(), f.name(), buf.error().message());
  e->buf_ = std::move(*buf);
  return e;
}

std::string Embedder::weight_type() const {
  if (weights_.layers.empty()) return "?";
  return std::string(type_name(weights_.layers.front().wo.type));
}

std::vector<int32_t> Embedder::tokenize(std::string_view text, EmbedRole role, bool* truncated, int* original) const {
  std::vector<int32_t> ids;
  const std::string_view prefix = family_->prefix(role);
  if (prefix.empty()) {
    tokenizer_->encode_into(text, {.add_special = true, .parse_special = false}, ids);
  } else {
    std::string with_prefix;
    with_prefix.reserve(prefix.size() + text.size());
    with_prefix.append(prefix).append(text);
    tokenizer_->encode_into(with_prefix, {.add_special = true, .parse_special = false}, ids);
  }
  if (original) *original = static_cast<int>(ids.size());
  const bool cut = static_cast<int>(ids.size()) > max_tokens_;
  if (cut) {
    // Keep the start of the text and the closing [SEP] the model saw in training.
    const int32_t last = ids.back();
    const bool keep_last = last == tokenizer_->sep() || last == tokenizer_->eos();
    ids.resize(static_cast<size_t>(max_tokens_));
    if (keep_last) ids.back() = last;
  }
  if (truncated) *truncated = cut;
  return ids;
}

Status Embedder::run_group(std::span<Embedding> group) {
  std::vector<int32_t> tokens;
  std::vector<int32_t> starts{0};
  for (const Embedding& e : group) {
    tokens.insert(tokens.end(), e.token_ids.begin(), e.token_ids.end());
    starts.push_back(static_cast<int32_t>(tokens.size()));
  }
  for (int32_t id : tokens)
    if (id < 0 || id >= hp_.n_vocab)
      return Error(ErrorCode::Internal, model_name_, "token id " + std::to_string(id) + " outside the vocabulary");
  // Attention scores: [threads][L][L] for the longest text of this group, grown on demand so a
  // model with a long context costs memory only when a text is that long.
  int longest = 0;
  for (const Embedding& e : group) longest = std::max(longest, static_cast<int>(e.token_ids.size()));
  if (longest > buf_.max_seq) {
    try {
      buf_.scores.resize(static_cast<size_t>(buf_.threads) * static_cast<size_t>(longest) * static_cast<size_t>(longest));
    } catch (const std::exception&) {
      return Error(ErrorCode::ResourceLimit, model_name_,
                   "cannot allocate attention scores for a text of " + std::to_string(longest) + " tokens");
    }
    buf_.max_seq = longest;
  }
  model::EncoderBatch batch{tokens, starts};
  model::EncoderForward::Context ctx{hp_, weights_, buf_, *pool_, ws_, options_.batch_path};
  model::EncoderForward f(ctx, batch);
  PW_TRY(arch_->forward(f));
  pooled_.resize(group.size() * static_cast<size_t>(hp_.n_embd));
  model::pool_hidden(f.x, batch, hp_.n_embd, pooling_, options_.normalize, pooled_.data());
  for (size_t s = 0; s < group.size(); ++s) {
    const float* v = pooled_.data() + s * static_cast<size_t>(hp_.n_embd);
    for (int i = 0; i < hp_.n_embd; ++i)
      if (!std::isfinite(v[i]))
        return Error(ErrorCode::Corrupt, model_name_, "the model produced a non-finite embedding (damaged weights?)");
    group[s].vector.assign(v, v + hp_.n_embd);
  }
  return ok_status();
}

Result<std::vector<Embedding>> Embedder::embed(std::span<const std::string_view> texts, EmbedRole role) {
  std::lock_guard lock(mutex_);
  std::vector<Embedding> out(texts.size());
  for (size_t i = 0; i < texts.size(); ++i)
    out[i].token_ids = tokenize(texts[i], role, &out[i].truncated, &out[i].original_tokens);
  // Pack consecutive texts into forward passes of at most max_batch_tokens tokens.
  size_t begin = 0;
  while (begin < out.size()) {
    size_t end = begin;
    size_t n_tokens = 0;
    while (end < out.size() && (end == begin || n_tokens + out[end].token_ids.size() <=
                                                    static_cast<size_t>(options_.max_batch_tokens))) {
      n_tokens += out[end].token_ids.size();
      ++end;
    }
    PW_TRY(run_group(std::span<Embedding>(out).subspan(begin, end - begin)));
    begin = end;
  }
  return out;
}

Result<std::vector<Embedding>> Embedder::embed(std::span<const std::string> texts, EmbedRole role) {
  std::vector<std::string_view> views(texts.begin(), texts.end());
  return embed(std::span<const std::string_view>(views), role);
}

Result<Embedding> Embedder::embed_query(std::string_view text) {
  const std::string_view one[1] = {text};
  auto r = embed(std::span<const std::string_view>(one), EmbedRole::Query);
  if (!r) return r.error();
  return std::move(r->front());
}

}  // namespace pw::embed
