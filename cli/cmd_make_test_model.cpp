// pagewise-cli make-test-model --shape SHAPE --vocab TOKENIZER.gguf --type TYPE --out FILE:
// a model file in a real model's shape (llama-3.2-1b, qwen2.5-0.5b; tiny-* for tests) with
// random weights and the tokenizer of TOKENIZER.gguf (engine/quantize/test_model_writer.h),
// for speed and memory measurements (`pagewise-bench engine -m FILE`).
//   --type    Q4_K_M, Q4_0, Q8_0, ... (the mixes are our quantizer's), F16 or F32 (default Q4_K_M)
//   --seed N  random seed (default 1)   -t N  quantizing threads   --force  replace FILE
//   --dry-run print the tensor list and types, write nothing
// Errors: "pagewise-cli make-test-model: problem" and exit code 1; bad usage exits with 2.
#include <cinttypes>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

#include "cli/command.h"
#include "engine/quantize/test_model_writer.h"

namespace {

int fail(const std::string& message) {
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
  if (!req.shape)
    return pw::cli::usage_error("make-test-model",
                                "unknown shape '" + *shape_arg + "' (one of: " + pw::model::test_model_shape_names() + ")");
  req.vocab = *vocab;
  if (type) req.type = *type;
  req.overwrite = force;
  if (!parse_u32(seed, req.seed)) return pw::cli::usage_error("make-test-model", "--seed needs a non-negative number");
  uint32_t t = 0;
  if (!parse_u32(threads, t) || t > 1024) return pw::cli::usage_error("make-test-model", "-t needs a number from 0 to 1024");
  req.threads = t;

  if (dry_run) {
    auto plan = pw::quantize::plan_test_model(req);
    if (!plan) return fail(plan.error().describe());
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
  if (!report) return fail(report.error().describe());
  char line[512];
  std::snprintf(line, sizeof line, "wrote %s: %s %s, %.1f M parameters, vocabulary %" PRId64 ", %.1f MiB in %.1f s (%s)\n",
                out->c_str(), std::string(req.shape->name).c_str(), req.type.c_str(), report->plan.parameters / 1e6,
                report->plan.n_vocab, report->file_bytes / 1048576.0, report->seconds, type_summary(report->plan).c_str());
  std::cout << line;
  return 0;
}

}  // namespace

PW_CLI_COMMAND(make_test_model, "make-test-model",
               "make-test-model --shape llama-3.2-1b|qwen2.5-0.5b|tiny-llama|tiny-qwen2 --vocab TOKENIZER.gguf "
               "[--type Q4_K_M|Q4_0|Q8_0|F16|...] --out FILE [--seed N] [-t N] [--force] [--dry-run]",
               "Write a random-weight model in a real model's shape with a real tokenizer (for benchmarks)",
               run_make_test_model);
