// pagewise-cli models info FILE.gguf [--ctx N] [--json]: what a model file is (architecture,
// name, parameter count, trained context, tensor-type histogram, file size) and how much memory
// it needs at a context of N tokens (engine/model_info/model_info.h states the estimate).
// Errors: "pagewise-cli models: FILE: problem", exit code 1; bad usage: exit code 2.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "engine/model_info/model_info.h"

namespace {

using pw::model_info::format_bytes;
using pw::model_info::format_param_count;

// Default context for the memory estimate: what a desktop RAG session uses, capped at the
// model's trained context.
constexpr uint32_t kDefaultContext = 4096;

std::string bytes_and_exact(uint64_t n) { return format_bytes(n) + " (" + std::to_string(n) + " bytes)"; }

void print_text(const pw::model_info::ModelInfo& info, const pw::model_info::MemoryEstimate& mem) {
  const auto& f = info.facts;
  std::cout << info.display_name << "\n";
  std::cout << "  file:          " << info.path.string() << ", " << bytes_and_exact(info.file_size) << ", GGUF v" << info.gguf_version << "\n";
  std::cout << "  architecture:  " << (f.architecture.empty() ? "(not stated)" : f.architecture) << "\n";
  if (!f.basename.empty() || !f.size_label.empty())
    std::cout << "  model:         " << f.basename << (f.basename.empty() || f.size_label.empty() ? "" : " ") << f.size_label << "\n";
  std::cout << "  parameters:    " << format_param_count(info.n_params) << " (" << info.n_params << ")\n";
  std::cout << "  context:       " << (f.context_length ? std::to_string(f.context_length) + " tokens (trained)" : "(not stated)") << "\n";
  std::cout << "  layers:        " << f.n_layer << ", embedding " << f.n_embd << ", heads " << f.n_head << " (KV " << f.n_head_kv
            << "), head size " << f.head_dim_k;
  if (f.head_dim_v != f.head_dim_k) std::cout << "/" << f.head_dim_v;
  if (f.n_expert) std::cout << ", experts " << f.n_expert;
  std::cout << "\n";
  std::cout << "  vocabulary:    " << f.n_vocab << " tokens\n";
  if (f.file_type)
    std::cout << "  file type:     " << (info.file_type_name.empty() ? "unknown" : info.file_type_name) << " (" << *f.file_type << ")\n";
  std::cout << "  tensors:       " << info.n_tensors << ", " << bytes_and_exact(info.weight_bytes) << "\n";
  for (const auto& c : info.type_histogram) {
    char line[160];
    std::snprintf(line, sizeof line, "    %-7s %5llu tensors  %9s params  %s\n", std::string(pw::type_name(c.type)).c_str(),
                  static_cast<unsigned long long>(c.tensors), format_param_count(c.elements).c_str(), format_bytes(c.bytes).c_str());
    std::cout << line;
  }
  std::cout << "  memory at " << mem.context_length << " tokens: " << format_bytes(mem.total_bytes) << " = weights "
            << format_bytes(mem.weight_bytes) << " + KV cache " << format_bytes(mem.kv_cache_bytes)
            << (f.causal ? " (F16)" : " (encoder: none)") << " + overhead " << format_bytes(mem.overhead_bytes) << "\n";
}

nlohmann::json to_json(const pw::model_info::ModelInfo& info, const pw::model_info::MemoryEstimate& mem) {
  const auto& f = info.facts;
  nlohmann::json types = nlohmann::json::array();
  for (const auto& c : info.type_histogram)
    types.push_back({{"type", std::string(pw::type_name(c.type))}, {"tensors", c.tensors}, {"elements", c.elements}, {"bytes", c.bytes}});
  return {
      {"path", info.path.string()},
      {"file_size", info.file_size},
      {"gguf_version", info.gguf_version},
      {"name", info.display_name},
      {"general_name", f.general_name},
      {"basename", f.basename},
      {"size_label", f.size_label},
      {"architecture", f.architecture},
      {"parameters", info.n_params},
      {"context_length", f.context_length},
      {"n_layer", f.n_layer},
      {"n_embd", f.n_embd},
      {"n_ff", f.n_ff},
      {"n_head", f.n_head},
      {"n_head_kv", f.n_head_kv},
      {"head_dim_k", f.head_dim_k},
      {"head_dim_v", f.head_dim_v},
      {"n_expert", f.n_expert},
      {"n_vocab", f.n_vocab},
      {"causal", f.causal},
      {"file_type", f.file_type ? nlohmann::json(*f.file_type) : nlohmann::json(nullptr)},
      {"file_type_name", info.file_type_name},
      {"tensor_count", info.n_tensors},
      {"weight_bytes", info.weight_bytes},
      {"tensor_types", types},
      {"memory",
       {{"context_length", mem.context_length},
        {"weights_bytes", mem.weight_bytes},
        {"kv_cache_bytes", mem.kv_cache_bytes},
        {"kv_cache_type", f.causal ? "f16" : "none"},
        {"overhead_bytes", mem.overhead_bytes},
        {"total_bytes", mem.total_bytes}}},
  };
}

int run_info(pw::cli::Args& args) {
  const auto ctx_arg = args.take_option("ctx", "c");
  const bool json = args.take_flag("json");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("models", "unknown option '" + *unknown + "'");
  if (args.rest().size() != 2) return pw::cli::usage_error("models", "expected: models info FILE.gguf");
  std::optional<uint32_t> ctx;
  if (ctx_arg) {
    try {
      size_t used = 0;
      const unsigned long n = std::stoul(*ctx_arg, &used);
      if (used != ctx_arg->size() || n < 1 || n > (1ul << 24)) throw std::out_of_range("ctx");
      ctx = static_cast<uint32_t>(n);
    } catch (...) {
      return pw::cli::usage_error("models", "--ctx needs a number of tokens from 1 to 16777216");
    }
  }
  const std::string path = args.rest()[1];
  auto info = pw::model_info::read_model_info(path);
  if (!info) {
    std::cerr << "pagewise-cli models: " << info.error().describe() << "\n";
    return 1;
  }
  const uint32_t trained = info->facts.context_length;
  const uint32_t context = ctx ? *ctx : (trained ? std::min(trained, kDefaultContext) : kDefaultContext);
  const auto mem = pw::model_info::estimate_memory(*info, context);
  if (json) std::cout << to_json(*info, mem).dump(2) << "\n";
  else print_text(*info, mem);
  return 0;
}

int run_models(pw::cli::Args& args) {
  if (args.rest().empty()) return pw::cli::usage_error("models", "expected an action: info");
  const std::string action = args.rest()[0];
  if (action == "info") return run_info(args);
  return pw::cli::usage_error("models", "unknown action '" + action + "' (expected: info)");
}

}  // namespace

PW_CLI_COMMAND(models, "models", "models info FILE.gguf [--ctx N] [--json]",
               "Describe a GGUF model: architecture, parameters, context, tensor types, size, memory needed", run_models);
