// pagewise-cli generate -m MODEL -p PROMPT [options]: runs the model on PROMPT and streams the
// generated text to stdout as it comes (whole UTF-8 characters); prompt and generation speed go
// to stderr. For trying a model and checking the engine from outside.
//   -n N                tokens to generate at most (default: until end of generation or a full context)
//   --temp T --top-k K --top-p P --min-p P --repeat-penalty R --seed S   sampling (--temp 0: greedy)
//   -t THREADS          threads (default: physical cores)
//   -c CTX              context length (default: the model's own, at most 4096)
//   --chat              PROMPT is a user message: rendered with the model's chat template
//                       (ChatML when it has none), generation stops at the end of the turn
//   --system S          a system message (with --chat; folded into the user turn when the
//                       template refuses a system role)
//   --stop S            stop when the text S appears (repeatable); S itself is not printed
//   --ignore-eos        do not stop at end-of-generation tokens (benchmarks, tests)
// Ctrl-C (or SIGTERM) stops the generation cleanly: the text so far is printed, the exit code is 130.
// Only the generated text goes to stdout (a newline is added at the end on a terminal only), so
// the output of a greedy run can be compared byte for byte.
// Errors: "pagewise-cli generate: problem" and exit code 1; bad usage exits with 2.
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/stop_signals.h"
#include "engine/chat/chat_format.h"
#include "engine/generate/text_generator.h"
#include "engine/model/model.h"
#include "engine/tokenizer/tokenizer.h"

namespace {

int fail_generate(const std::string& message) {
  std::cerr << "pagewise-cli generate: " << message << "\n";
  return 1;
}

template <typename T>
bool parse_number(const std::optional<std::string>& s, T min, T max, T& out) {
  if (!s) return true;
  const char* end = s->data() + s->size();
  auto [p, ec] = std::from_chars(s->data(), end, out);
  return ec == std::errc() && p == end && out >= min && out <= max;
}

// The chat prompt for one user message (and an optional system message), rendered with the
// model's template. Control-token text in the rendered prompt ("<|im_start|>") becomes the
// control tokens; BOS is added unless the template already wrote it.
pw::Result<std::vector<int32_t>> chat_prompt(const pw::model::Model& model, const pw::tokenizer::Tokenizer& tok,
                                             const std::optional<std::string>& system, const std::string& user) {
  std::vector<pw::chat::ChatMessage> messages;
  if (system) messages.push_back({"system", *system});
  messages.push_back({"user", user});
  pw::chat::RenderOptions ro;
  if (tok.bos() != pw::tokenizer::kNoToken) ro.bos_token = std::string(tok.token_text(tok.bos()));
  if (tok.eos() != pw::tokenizer::kNoToken) ro.eos_token = std::string(tok.token_text(tok.eos()));
  ro.add_generation_prompt = true;
  std::string source;
  if (auto v = model.file().get_string("tokenizer.chat_template")) source = std::string(*v);
  auto rendered = pw::chat::format_chat(source, messages, ro);
  if (!rendered) return rendered.error();
  const std::string& text = *rendered;
  const bool has_bos = !ro.bos_token.empty() && text.rfind(ro.bos_token, 0) == 0;
  return tok.encode(text, {.add_special = !has_bos, .parse_special = true});
}

int run_generate(pw::cli::Args& args) {
  const auto model_path = args.take_option("model", "m");
  const auto prompt_arg = args.take_option("prompt", "p");
  const auto n_arg = args.take_option("n-predict", "n");
  const auto temp_arg = args.take_option("temp");
  const auto top_k_arg = args.take_option("top-k");
  const auto top_p_arg = args.take_option("top-p");
  const auto min_p_arg = args.take_option("min-p");
  const auto repeat_arg = args.take_option("repeat-penalty");
  const auto seed_arg = args.take_option("seed");
  const auto threads_arg = args.take_option("threads", "t");
  const auto ctx_arg = args.take_option("ctx", "c");
  const auto system = args.take_option("system");
  const bool chat = args.take_flag("chat");
  const bool ignore_eos = args.take_flag("ignore-eos");
  std::vector<std::string> stops;
  while (auto s = args.take_option("stop")) stops.push_back(*s);
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("generate", "unknown option '" + *unknown + "'");
  if (!args.rest().empty()) return pw::cli::usage_error("generate", "unexpected argument '" + args.rest()[0] + "'");
  if (!model_path || !prompt_arg) return pw::cli::usage_error("generate", "-m MODEL and -p PROMPT are required");
  if (system && !chat) return pw::cli::usage_error("generate", "--system needs --chat");

  pw::generate::TextGenerateOptions o;
  pw::generate::SamplingParams& sp = o.generate.sampling;
  int n_predict = -1, threads = 0, n_ctx = 0;
  uint64_t seed = pw::generate::kRandomSeed;
  if (!parse_number(n_arg, -1, std::numeric_limits<int>::max(), n_predict))
    return pw::cli::usage_error("generate", "-n needs a number (-1: no limit)");
  if (!parse_number(temp_arg, 0.0f, 100.0f, sp.temperature)) return pw::cli::usage_error("generate", "--temp needs a number from 0 to 100");
  if (!parse_number(top_k_arg, 0, std::numeric_limits<int>::max(), sp.top_k))
    return pw::cli::usage_error("generate", "--top-k needs a number >= 0 (0: off)");
  if (!parse_number(top_p_arg, 0.0f, 1.0f, sp.top_p)) return pw::cli::usage_error("generate", "--top-p needs a number from 0 to 1");
  if (!parse_number(min_p_arg, 0.0f, 1.0f, sp.min_p)) return pw::cli::usage_error("generate", "--min-p needs a number from 0 to 1");
  if (!parse_number(repeat_arg, 0.01f, 100.0f, sp.repeat_penalty))
    return pw::cli::usage_error("generate", "--repeat-penalty needs a number from 0.01 to 100 (1: off)");
  if (!parse_number(seed_arg, uint64_t{0}, pw::generate::kRandomSeed - 1, seed))
    return pw::cli::usage_error("generate", "--seed needs a non-negative number");
  if (!parse_number(threads_arg, 1, 1024, threads)) return pw::cli::usage_error("generate", "-t needs a number from 1 to 1024");
  if (!parse_number(ctx_arg, 1, std::numeric_limits<int>::max(), n_ctx)) return pw::cli::usage_error("generate", "-c needs a positive number");
  sp.seed = seed;
  o.generate.max_tokens = n_predict < 0 ? std::numeric_limits<int>::max() : n_predict;
  o.stop_strings = stops;

  auto model = pw::model::Model::load(*model_path);
  if (!model) return fail_generate(model.error().describe());
  auto tok = pw::tokenizer::Tokenizer::from_gguf((*model)->file());
  if (!tok) return fail_generate(*model_path + ": " + tok.error().describe());
  if (!ignore_eos) o.generate.stop_tokens = pw::generate::end_of_generation_tokens((*model)->file());

  std::vector<int32_t> prompt;
  if (chat) {
    auto p = chat_prompt(**model, **tok, system, *prompt_arg);
    if (!p) return fail_generate("chat template: " + p.error().describe());
    prompt = std::move(*p);
  } else {
    prompt = (*tok)->encode(*prompt_arg);
  }
  if (prompt.empty()) return fail_generate("the prompt is empty after tokenizing");

  pw::model::SessionOptions so;
  so.n_ctx = n_ctx;
  so.threads = threads;
  auto session = pw::model::Session::create(*model, so);
  if (!session) return fail_generate(session.error().describe());

  pw::cli::StopSignals signals;  // Ctrl-C: stop after the current token, print what there is
  o.generate.cancel = &signals.flag();
  auto r = pw::generate::generate_text(*session, **tok, prompt, o, [](std::string_view piece) {
    std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    std::cout.flush();
    return static_cast<bool>(std::cout);
  });
  if (!r) return fail_generate(r.error().describe());
  if (isatty(STDOUT_FILENO)) std::cout << "\n";
  std::cout.flush();

  char line[256];
  std::snprintf(line, sizeof line,
                "prompt: %d tokens in %.2f s (%.1f tokens/s); generation: %zu tokens in %.2f s (%.1f tokens/s); "
                "stopped: %s",
                r->prompt_tokens, r->prompt_seconds, r->prompt_tokens_per_s(), r->tokens.size(), r->generation_seconds,
                r->generation_tokens_per_s(), pw::generate::to_string(r->reason));
  std::cerr << line << "\n";
  return r->reason == pw::generate::StopReason::Cancelled ? 130 : 0;
}

}  // namespace

PW_CLI_COMMAND(generate, "generate",
               "generate -m MODEL -p PROMPT [-n N] [--temp T] [--top-k K] [--top-p P] [--min-p P] [--repeat-penalty R] "
               "[--seed S] [-t THREADS] [-c CTX] [--chat] [--system S] [--stop S]... [--ignore-eos]",
               "Continue PROMPT (or answer it with --chat) and stream the text to stdout", run_generate);
