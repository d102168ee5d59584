// pagewise-cli embed -m MODEL [--query] [--no-prefix] [--threads N] TEXT...
// Prints {"embeddings": [[...], ...], "token_ids": [[...], ...], "truncated": [...], "model",
// "dimension", "role", "prefix_family", "max_tokens"}: one L2-normalised vector per TEXT, in
// order, and the ids the model read (prefix and [CLS]/[SEP] included).
//   --query      embed as search queries (the family's query prefix); default: passages
//   --no-prefix  embed each TEXT exactly as given (no query/passage prefix)
//   TEXT "-"     reads standard input as one text; put "--" before a TEXT that starts with '-'
// A TEXT longer than the model's maximum length is truncated; a warning on stderr says which.
// Errors: "pagewise-cli embed: MODEL: problem" and exit code 1; bad usage exits with 2.
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "engine/embed/embedder.h"

namespace {

int run_embed(pw::cli::Args& args) {
  const auto model = args.take_option("model", "m");
  const bool query = args.take_flag("query");
  const bool no_prefix = args.take_flag("no-prefix");
  const auto threads = args.take_option("threads", "t");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("embed", "unknown option '" + *unknown + "'");
  std::vector<std::string> texts = args.rest();
  if (!texts.empty() && texts.front() == "--") texts.erase(texts.begin());
  if (!model) return pw::cli::usage_error("embed", "missing -m MODEL");
  if (texts.empty()) return pw::cli::usage_error("embed", "expected at least one TEXT (quote it, or '-' for standard input)");
  pw::embed::EmbedderOptions options;
  if (threads) {
    try {
      options.threads = std::stoi(*threads);
    } catch (...) {
      return pw::cli::usage_error("embed", "--threads expects a number");
    }
  }
  for (std::string& t : texts)
    if (t == "-") t.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());

  auto embedder = pw::embed::Embedder::load(*model, options);
  if (!embedder) {
    std::cerr << "pagewise-cli embed: " << embedder.error().describe() << "\n";
    return 1;
  }
  const pw::embed::EmbedRole role =
      no_prefix ? pw::embed::EmbedRole::Raw : query ? pw::embed::EmbedRole::Query : pw::embed::EmbedRole::Passage;
  auto result = (*embedder)->embed(texts, role);
  if (!result) {
    std::cerr << "pagewise-cli embed: " << result.error().describe() << "\n";
    return 1;
  }
  nlohmann::json out;
  out["embeddings"] = nlohmann::json::array();
  out["token_ids"] = nlohmann::json::array();
  out["truncated"] = nlohmann::json::array();
  for (size_t i = 0; i < result->size(); ++i) {
    const pw::embed::Embedding& e = (*result)[i];
    out["embeddings"].push_back(e.vector);
    out["token_ids"].push_back(e.token_ids);
    out["truncated"].push_back(e.truncated);
    if (e.truncated)
      std::cerr << "pagewise-cli embed: warning: text " << i + 1 << " has " << e.original_tokens
                << " tokens; the model reads at most " << (*embedder)->max_tokens() << ", the rest was cut\n";
  }
  out["model"] = (*embedder)->model_name();
  out["dimension"] = (*embedder)->dimension();
  out["max_tokens"] = (*embedder)->max_tokens();
  out["role"] = pw::embed::role_name(role);
  out["prefix_family"] = std::string((*embedder)->family().family);
  out["pooling"] = pw::model::pooling_name((*embedder)->pooling());
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace

PW_CLI_COMMAND(embed, "embed", "embed -m MODEL [--query] [--no-prefix] [--threads N] TEXT...",
               "Print L2-normalised embeddings of each TEXT (JSON) with an encoder model (bert, nomic-bert)",
               run_embed);
