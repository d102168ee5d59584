// pagewise-cli: headless Pagewise for IT departments, scripts and tests.
// Subcommands live in cli/cmd_*.cpp and register themselves (cli/command.h).
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "engine/util/log.h"
#include "ingest/poppler_version.h"
#include "rag/store/sqlite_version.h"
#include "pagewise/version.h"

namespace {

void print_help() {
  std::cout << "pagewise-cli " PAGEWISE_VERSION " - Pagewise without a window: private answers from your documents\n\n"
               "usage: pagewise-cli [--version] [--help] [--debug] COMMAND [ARGS...]\n\n"
               "commands:\n";
  auto commands = pw::cli::registry();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  size_t width = 0;
  for (const auto& c : commands) width = std::max(width, c.name.size());
  for (const auto& c : commands)
    std::cout << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << c.summary << "\n";
  std::cout << "\nRun 'pagewise-cli COMMAND --help' for the options of one command.\n"
               "--debug also logs document text and questions (off by default).\n"
               "Log file: " << pw::log::default_log_path().string() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool debug = false;
  while (!args.empty() && args.front().size() > 1 && args.front()[0] == '-') {
    const std::string a = args.front();
    if (a == "--version" || a == "-V") {
      std::cout << "pagewise-cli " PAGEWISE_VERSION "\n"
                << "poppler " << pw::ingest::poppler_version() << ", sqlite " << pw::rag::sqlite_version() << "\n";
      return 0;
    }
    if (a == "--help" || a == "-h") {
      print_help();
      return 0;
    }
    if (a == "--debug") {
      debug = true;
      args.erase(args.begin());
      continue;
    }
    std::cerr << "pagewise-cli: unknown option '" << a << "' (see --help)\n";
    return 2;
  }
  if (args.empty()) {
    print_help();
    return 2;
  }
  const std::string name = args.front();
  args.erase(args.begin());
  for (const auto& c : pw::cli::registry()) {
    if (c.name != name) continue;
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
      std::cout << "usage: pagewise-cli " << c.usage << "\n\n" << c.summary << "\n";
      return 0;
    }
    pw::log::Options log_options;
    log_options.debug = debug;
    log_options.to_stderr = true;
    pw::log::init(log_options);
    try {
      pw::cli::Args parsed(std::move(args));
      return c.run(parsed);
    } catch (const std::exception& e) {
      // Core libraries return errors as values; this is the last line of defence.
      std::cerr << "pagewise-cli " << name << ": internal error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "pagewise-cli: unknown command '" << name << "' (see --help)\n";
  return 2;
}
