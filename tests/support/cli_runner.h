// Runs the built pagewise-cli with arguments and captures exit code, stdout and stderr.
//
//   auto r = pw::test::run_cli({"tokenize", "-m", model.string(), "Hello"});
//   EXPECT_EQ(r.exit_code, 0);  EXPECT_EQ(r.out, "1 15043\n");
#pragma once

#include <string>
#include <vector>

namespace pw::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliResult run_cli(const std::vector<std::string>& args);

// True when `text` holds `part` anywhere (the usual check on a command's output).
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace pw::test
