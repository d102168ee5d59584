// Runs the real pagewise-cli binary and checks what a user sees.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "pagewise/version.h"
#include "support/cli_runner.h"

namespace {

TEST(Cli, VersionPrintsTheProjectVersion) {
  auto r = pw::test::run_cli({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("pagewise-cli " PAGEWISE_VERSION), std::string::npos) << r.out;
}

TEST(Cli, HelpListsUsage) {
  auto r = pw::test::run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: pagewise-cli"), std::string::npos) << r.out;
}

TEST(Cli, UnknownCommandIsAUsageError) {
  auto r = pw::test::run_cli({"no-such-command"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'no-such-command'"), std::string::npos) << r.err;
}

}  // namespace
