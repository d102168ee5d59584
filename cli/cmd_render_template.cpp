// pagewise-cli render-template: renders a chat template for a conversation, without a model.
//
//   pagewise-cli render-template --template gemma.jinja --messages chat.json --bos '<bos>'
//
// Prints the rendered prompt exactly (no newline added) so scripts can compare bytes. When the
// template fails (its own raise_exception, a syntax error, a limit), prints the error on stderr
// and exits 1; no system-message folding here, the point is to see what the template does.
// --messages takes a JSON array of {"role": ..., "content": ...} objects, or an object with such
// a "messages" array (the shape of a golden.json case).
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "engine/chat/chat_template.h"

namespace {

constexpr const char* kName = "render-template";

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Reads the conversation; on failure returns false with a message naming the file and problem.
bool read_messages(const std::string& path, std::vector<pw::chat::ChatMessage>& messages, std::string& problem) {
  std::string text;
  if (!read_file(path, text)) {
    problem = path + ": cannot read the file";
    return false;
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    problem = path + ": not valid JSON";
    return false;
  }
  const nlohmann::json* list = &doc;
  if (doc.is_object() && doc.contains("messages")) list = &doc["messages"];
  if (!list->is_array()) {
    problem = path + ": expected an array of messages (or an object with \"messages\")";
    return false;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& m = (*list)[i];
    const std::string where = path + ": message " + std::to_string(i);
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
        !m["content"].is_string()) {
      problem = where + ": needs string \"role\" and \"content\"";
      return false;
    }
    for (const auto& [key, value] : m.items()) {
      if (key != "role" && key != "content") {
        problem = where + ": field \"" + key + "\" is not supported (only role and content)";
        return false;
      }
    }
    messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
  }
  return true;
}

int run_render_template(pw::cli::Args& args) {
  const auto template_path = args.take_option("template", "t");
  const auto messages_path = args.take_option("messages", "m");
  const auto bos = args.take_option("bos");
  const auto eos = args.take_option("eos");
  const auto vars = args.take_option("vars");
  const bool no_generation_prompt = args.take_flag("no-generation-prompt");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error(kName, "unknown option '" + *unknown + "'");
  if (!args.rest().empty()) return pw::cli::usage_error(kName, "unexpected argument '" + args.rest().front() + "'");
  if (!template_path || !messages_path) return pw::cli::usage_error(kName, "--template and --messages are required");

  std::string source;
  if (!read_file(*template_path, source)) {
    std::cerr << "pagewise-cli " << kName << ": " << *template_path << ": cannot read the file\n";
    return 1;
  }
  std::vector<pw::chat::ChatMessage> messages;
  std::string problem;
  if (!read_messages(*messages_path, messages, problem)) {
    std::cerr << "pagewise-cli " << kName << ": " << problem << "\n";
    return 1;
  }

  pw::chat::RenderOptions options;
  options.bos_token = bos.value_or("");
  options.eos_token = eos.value_or("");
  options.add_generation_prompt = !no_generation_prompt;
  options.extra_variables_json = vars.value_or("");

  auto parsed = pw::chat::ChatTemplate::parse(source, options.limits);
  if (!parsed) {
    std::cerr << "pagewise-cli " << kName << ": " << parsed.error().with_subject(*template_path).describe() << "\n";
    return 1;
  }
  auto rendered = parsed->render(messages, options);
  if (!rendered) {
    const pw::Error& e = rendered.error();
    const std::string kind = pw::chat::is_template_rejection(e) ? "the template raised an error: " : "";
    std::cerr << "pagewise-cli " << kName << ": " << *template_path << ": " << kind << e.message() << "\n";
    return 1;
  }
  std::cout << *rendered << std::flush;
  return 0;
}

}  // namespace

PW_CLI_COMMAND(render_template, kName,
               "render-template --template FILE.jinja --messages FILE.json [--bos S] [--eos S] "
               "[--no-generation-prompt] [--vars JSON]",
               "Render a chat template for a conversation (checks templates without a model)", run_render_template);
