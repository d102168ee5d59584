// Subcommands of pagewise-cli register themselves, one file each (cli/cmd_*.cpp):
//
//   static int run_tokenize(pw::cli::Args& args) { ... return 0; }
//   PW_CLI_COMMAND(tokenize, "tokenize", "tokenize -m MODEL TEXT", "Print the token ids of TEXT", run_tokenize);
//
// main.cpp dispatches on the first argument and prints the registered commands in --help.
// Commands return the process exit code: 0 ok, 1 the work failed, 2 bad usage.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pw::cli {

// The arguments after the subcommand name, with small helpers for flags.
class Args {
 public:
  explicit Args(std::vector<std::string> args) : args_(std::move(args)) {}

  // Removes "--name VALUE" / "--name=VALUE" (or the short alias) and returns VALUE.
  std::optional<std::string> take_option(const std::string& name, const std::string& alias = "");
  // Removes a boolean "--name" flag; true when it was present.
  bool take_flag(const std::string& name, const std::string& alias = "");
  // Whatever is left, in order (positional arguments). Call after taking the options.
  const std::vector<std::string>& rest() const { return args_; }
  // The first leftover that starts with '-', if any (an unknown option).
  std::optional<std::string> unknown_option() const;

 private:
  std::vector<std::string> args_;
};

struct Command {
  std::string name;
  std::string usage;    // "tokenize -m MODEL TEXT"
  std::string summary;  // one line
  std::function<int(Args&)> run;
};

std::vector<Command>& registry();

struct Registrar {
  explicit Registrar(Command c) { registry().push_back(std::move(c)); }
};

// Prints "pagewise-cli NAME: message" to stderr and returns 2 (usage error).
int usage_error(const std::string& command, const std::string& message);

}  // namespace pw::cli

#define PW_CLI_COMMAND(ident, name, usage, summary, fn) \
  static ::pw::cli::Registrar pw_cli_registrar_##ident(::pw::cli::Command{name, usage, summary, fn})
