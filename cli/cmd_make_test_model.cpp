// pagewise-cli make-test-model --shape SHAPE --vocab TOKENIZER.gguf --type TYPE --out FILE:
// a model file in a real model's shape with random weights and the tokenizer of TOKENIZER.gguf,
// for speed and memory measurements. Decoders (llama-3.2-1b, qwen2.5-0.5b; tiny-* for tests:
// engine/quantize/test_model_writer.h, `pagewise-bench engine -m FILE`) and encoders
// (all-minilm-l6-v2, bge-base, nomic-embed-text-v1.5; tiny-bert, tiny-nomic:
// engine/embed/test_encoder_model.h, `pagewise-bench embed -m FILE`; they need a WordPiece
// vocabulary such as fixtures/tokenizers/ggml-vocab-bert-bge.gguf). llama.cpp loads both.
//   --type    Q4_K_M, Q4_0, Q8_0, ... (the mixes are our quantizer's), F16 or F32 (default Q4_K_M)
//   --seed N  random seed (default 1)   -t N  quantizing threads   --force  replace FILE
//   --dry-run print the tensor list and types, write nothing
// Errors: "pagewise-cli make-test-model: problem" and exit code 1; bad usage exits with 2.
#include <cinttypes>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "cli/command.h"
#include "engine/embed/test_encoder_model.h"
#include "engine/quantize/test_model_writer.h"

namespace {

int fail_make_test_model(const std::string& message) {
  std::cerr << "pagewise-cli make-test-model: " << message << "\n";
  return 1;
}

bool parse_u32(const std::optional<std::string>& s, uint32_t& out) {
  if (!s) return true;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
  return ec == std::errc() && p == s->data() + s->size();
}

std::string type_summary(const pw::quantize::TestModelPlan& plan) {
  std::map<std::string, int> counts;
  for (const auto& t : plan.tensors) ++counts[std::string(pw::type_name(t.type))];
  std::string s;
  for (const auto& [name, n] : counts) s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  return s;
}

std::string all_shape_names() {
  return pw::model::test_model_shape_names() + ", " + pw::embed::test_encoder_shape_names();
}

int make_encoder(const pw::embed::TestEncoderShape& shape, const std::string& vocab, const std::string& type,
                 const std::optional<std::string>& out, uint32_t seed, bool force, bool dry_run) {
  pw::embed::TestEncoderOptions o;
  o.type = type;
  o.seed = seed;
  o.vocab_from = vocab;
  auto plan = pw::embed::plan_test_encoder_model(shape, o);
  if (!plan) return fail_make_test_model(plan.error().describe());
  std::map<std::string, int> counts;
  for (const auto& t : plan->tensors) ++counts[std::string(pw::type_name(t.type))];
  std::string summary;
  for (const auto& [name, n] : counts) summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  if (dry_run) {
    for (const auto& tensor : plan->tensors) {
      std::string ne;
      for (uint64_t d : tensor.ne) ne += (ne.empty() ? "" : ", ") + std::to_string(d);
      std::cout << tensor.name << "\t" << pw::type_name(tensor.type) << "\t[" << ne << "]\n";
    }
    std::cout << plan->tensors.size() << " tensors, " << plan->parameters << " parameters, vocabulary " << plan->n_vocab
              << ", " << plan->tensor_bytes << " bytes of tensors: " << summary << "\n";
    return 0;
  }
  std::error_code ec;
  if (!force && std::filesystem::exists(*out, ec))
    return fail_make_test_model(*out + ": already exists (--force replaces it)");
  const auto start = std::chrono::steady_clock::now();
  if (pw::Status s = pw::embed::write_test_encoder_model(*out, shape, o); !s.ok()) return fail_make_test_model(s.error().describe());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto bytes = std::filesystem::file_size(*out, ec);
  char line[512];
  std::snprintf(line, sizeof line, "wrote %s: %s %s, %.1f M parameters, vocabulary %" PRId64 ", %.1f MiB in %.1f s (%s)\n",
                out->c_str(), std::string(shape.name).c_str(), type.c_str(), static_cast<double>(plan->parameters) / 1e6,
                plan->n_vocab, ec ? 0.0 : static_cast<double>(bytes) / 1048576.0, seconds, summary.c_str());
  std::cout << line;
  return 0;
}

int run_make_test_model(pw::cli::Args& args) {
  const auto shape_arg = args.take_option("shape");
  const auto vocab = args.take_option("vocab");
  const auto type = args.take_option("type");
  const auto out = args.take_option("out", "o");
  const auto seed = args.take_option("seed");
  const auto threads = args.take_option("threads", "t");
  const bool force = args.take_flag("force");
  const bool dry_run = args.take_flag("dry-run");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("make-test-model", "unknown option '" + *unknown + "'");
  if (!args.rest().empty()) return pw::cli::usage_error("make-test-model", "unexpected argument '" + args.rest()[0] + "'");
  if (!shape_arg || !vocab || (!out && !dry_run))
    return pw::cli::usage_error("make-test-model", "--shape, --vocab and --out are required");
  pw::quantize::TestModelRequest req;
  req.shape = pw::model::find_test_model_shape(*shape_arg);
  const pw::embed::TestEncoderShape* encoder = req.shape ? nullptr : pw::embed::find_test_encoder_shape(*shape_arg);
  if (!req.shape && !encoder)
    return pw::cli::usage_error("make-test-model", "unknown shape '" + *shape_arg + "' (one of: " + all_shape_names() + ")");
  req.vocab = *vocab;
  if (type) req.type = *type;
  req.overwrite = force;
  if (!parse_u32(seed, req.seed)) return pw::cli::usage_error("make-test-model", "--seed needs a non-negative number");
  uint32_t t = 0;
  if (!parse_u32(threads, t) || t > 1024) return pw::cli::usage_error("make-test-model", "-t needs a number from 0 to 1024");
  req.threads = t;
  if (encoder) return make_encoder(*encoder, *vocab, req.type, out, req.seed, force, dry_run);

  if (dry_run) {
    auto plan = pw::quantize::plan_test_model(req);
    if (!plan) return fail_make_test_model(plan.error().describe());
    for (const auto& tensor : plan->tensors) {
      std::string ne;
      for (uint64_t d : tensor.ne) ne += (ne.empty() ? "" : ", ") + std::to_string(d);
      std::cout << tensor.name << "\t" << pw::type_name(tensor.type) << "\t[" << ne << "]\n";
    }
    std::cout << plan->tensors.size() << " tensors, " << plan->parameters << " parameters, vocabulary " << plan->n_vocab
              << ", " << plan->tensor_bytes << " bytes of tensors: " << type_summary(*plan) << "\n";
    return 0;
  }
  auto report = pw::quantize::write_test_model(req, *out);
  if (!report) return fail_make_test_model(report.error().describe());
  char line[512];
  std::snprintf(line, sizeof line, "wrote %s: %s %s, %.1f M parameters, vocabulary %" PRId64 ", %.1f MiB in %.1f s (%s)\n",
                out->c_str(), std::string(req.shape->name).c_str(), req.type.c_str(), report->plan.parameters / 1e6,
                report->plan.n_vocab, report->file_bytes / 1048576.0, report->seconds, type_summary(report->plan).c_str());
  std::cout << line;
  return 0;
}

}  // namespace

PW_CLI_COMMAND(make_test_model, "make-test-model",
               "make-test-model --shape llama-3.2-1b|qwen2.5-0.5b|all-minilm-l6-v2|bge-base|nomic-embed-text-v1.5|tiny-* "
               "--vocab TOKENIZER.gguf "
               "[--type Q4_K_M|Q4_0|Q8_0|F16|...] --out FILE [--seed N] [-t N] [--force] [--dry-run]",
               "Write a random-weight model in a real model's shape with a real tokenizer (for benchmarks)",
               run_make_test_model);
