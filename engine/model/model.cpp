#include "engine/model/model.h"

#include <sys/mman.h>
#include <unistd.h>

#include "engine/util/log.h"

#include "engine/model/architecture.h"

namespace pw::model {
namespace {

void prefetch(const gguf::GgufFile& file) {
  const auto bytes = file.bytes();
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<uintptr_t>(bytes.data()) & ~(page - 1);
  const auto end = reinterpret_cast<uintptr_t>(bytes.data()) + bytes.size();
  // Advice only: failure changes nothing but speed.
  (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_WILLNEED);
}

}  // namespace

Result<std::shared_ptr<const Model>> Model::load(const std::filesystem::path& path, const LoadOptions& options) {
  auto file = gguf::GgufFile::open(path);
  if (!file) return file.error();
  const std::string& name = file->name();

  if (!file->contains("general.architecture"))
    return Error(ErrorCode::Corrupt, name, "metadata key 'general.architecture' is missing");
  auto arch_name = file->get_string("general.architecture");
  if (!arch_name) return arch_name.error();
  const Architecture* arch = find_architecture(*arch_name);
  if (!arch)
    return Error(ErrorCode::Unsupported, name,
                 "architecture '" + std::string(*arch_name) + "' is not supported (supported: " +
                     supported_architecture_names() + ")");

  auto hp = read_common_hparams(*file, *arch_name);
  if (!hp) return hp.error();
  PW_TRY(arch->read_hparams(*file, *hp));
  PW_TRY(validate_hparams(*hp, name));

  ModelWeights weights;
  PW_TRY(arch->bind_weights(WeightBinder(*file), *hp, weights));
  if (options.prefetch) prefetch(*file);

  pw::log::info("model {}: {} with {} layers, n_embd {}, {} heads ({} KV), head size {}, vocabulary {}, context {}",
               name, hp->architecture, hp->n_layer, hp->n_embd, hp->n_head, hp->n_head_kv, hp->head_dim_k, hp->n_vocab,
               hp->n_ctx_train);
  return std::shared_ptr<const Model>(std::make_shared<Model>(std::move(*file), std::move(*hp), std::move(weights), arch));
}

}  // namespace pw::model
