// pagewise-cli logits -m MODEL --tokens 1,2,3 --out FILE: runs the tokens through the model and
// writes the logits of every position as little-endian float32, n_tokens x n_vocab, row-major
// (row i = logits after tokens[0..i]; the layout of the fixtures' *.logits.f32). For checking
// the engine against other implementations; token ids come from `tokenize` or the reference.
// Errors: "pagewise-cli logits: problem" and exit code 1; bad usage exit code 2.
#include <algorithm>
#include <bit>
#include <charconv>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "engine/gguf/atomic_file_writer.h"
#include "engine/model/model.h"

namespace {

static_assert(std::endian::native == std::endian::little, "the output format is little-endian float32");

bool parse_int(const std::string& s, int64_t min, int64_t max, int64_t& out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && out >= min && out <= max;
}

bool parse_tokens(const std::string& list, std::vector<int32_t>& out) {
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int64_t v = 0;
    if (!parse_int(item, 0, INT32_MAX, v)) return false;
    out.push_back(static_cast<int32_t>(v));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return !out.empty();
}

int fail_logits(const std::string& message) {
  std::cerr << "pagewise-cli logits: " << message << "\n";
  return 1;
}

int run_logits(pw::cli::Args& args) {
  const auto model_path = args.take_option("model", "m");
  const auto tokens_arg = args.take_option("tokens");
  const auto out_path = args.take_option("out", "o");
  const auto ctx_arg = args.take_option("ctx", "c");
  const auto batch_arg = args.take_option("batch", "b");
  const auto threads_arg = args.take_option("threads", "t");
  const auto kv_arg = args.take_option("kv");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("logits", "unknown option '" + *unknown + "'");
  if (!args.rest().empty()) return pw::cli::usage_error("logits", "unexpected argument '" + args.rest()[0] + "'");
  if (!model_path || !tokens_arg || !out_path) return pw::cli::usage_error("logits", "-m MODEL, --tokens and --out are required");

  std::vector<int32_t> tokens;
  if (!parse_tokens(*tokens_arg, tokens))
    return pw::cli::usage_error("logits", "--tokens needs comma-separated token ids, e.g. 1,403,407");
  pw::model::SessionOptions options;
  options.n_ctx = 0;
  int64_t v = 0;
  if (ctx_arg) {
    if (!parse_int(*ctx_arg, 1, INT32_MAX, v)) return pw::cli::usage_error("logits", "--ctx needs a positive number");
    options.n_ctx = static_cast<int>(v);
  }
  if (batch_arg) {
    if (!parse_int(*batch_arg, 1, INT32_MAX, v)) return pw::cli::usage_error("logits", "--batch needs a positive number");
    options.n_batch = static_cast<int>(v);
  }
  if (threads_arg) {
    if (!parse_int(*threads_arg, 1, 1024, v)) return pw::cli::usage_error("logits", "--threads needs a number from 1 to 1024");
    options.threads = static_cast<int>(v);
  }
  if (kv_arg) {
    if (*kv_arg == "f16") options.kv_type = pw::model::KvType::F16;
    else if (*kv_arg == "f32") options.kv_type = pw::model::KvType::F32;
    else return pw::cli::usage_error("logits", "--kv is f16 or f32");
  }

  auto model = pw::model::Model::load(*model_path);
  if (!model) return fail_logits(model.error().describe());
  // Without --ctx, the context is just large enough for the tokens (up to the model's own).
  if (options.n_ctx == 0) options.n_ctx = std::min<int>((*model)->n_ctx_train(), static_cast<int>(tokens.size()));
  auto session = pw::model::Session::create(*model, options);
  if (!session) return fail_logits(session.error().describe());
  if (auto s = session->eval(tokens, pw::model::LogitsMode::All); !s.ok()) return fail_logits(s.error().describe());

  auto out = pw::gguf::AtomicFileWriter::create(*out_path);
  if (!out) return fail_logits(out.error().describe());
  for (int r = 0; r < session->n_logit_rows(); ++r) {
    const auto row = session->logits(r);
    if (auto s = out->write(row.data(), row.size_bytes()); !s.ok()) return fail_logits(s.error().describe());
  }
  if (auto s = out->commit(); !s.ok()) return fail_logits(s.error().describe());
  std::cout << "wrote " << tokens.size() << " x " << (*model)->n_vocab() << " logits (float32) to " << *out_path << "\n";
  return 0;
}

}  // namespace

PW_CLI_COMMAND(logits, "logits",
               "logits -m MODEL --tokens ID,ID,... --out FILE [--ctx N] [--batch N] [--threads N] [--kv f16|f32]",
               "Write the logits of every position (float32 LE, n_tokens x n_vocab) for the given token ids",
               run_logits);
