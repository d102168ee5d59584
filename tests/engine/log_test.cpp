// pw::log: the log file lands under $XDG_STATE_HOME/pagewise/, info lines reach it, content
// logged through PW_LOG_CONTENT stays out unless debug logging is on, and the file rotates.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/util/log.h"
#include "support/test_support.h"

namespace {

// Points XDG_STATE_HOME at a temporary folder and restores the environment and the default
// logger afterwards, so the test never writes into the real ~/.local/state.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("XDG_STATE_HOME")) old_state_ = old;
    setenv("XDG_STATE_HOME", state_.path().c_str(), 1);
    old_logger_ = spdlog::default_logger();
  }
  void TearDown() override {
    spdlog::set_default_logger(old_logger_);  // releases the file before TempDir removes it
    if (old_state_) {
      setenv("XDG_STATE_HOME", old_state_->c_str(), 1);
    } else {
      unsetenv("XDG_STATE_HOME");
    }
  }
  std::filesystem::path log_file() const { return state_.path() / "pagewise" / "pagewise.log"; }

  pw::test::TempDir state_;
  std::optional<std::string> old_state_;
  std::shared_ptr<spdlog::logger> old_logger_;
};

TEST_F(LogTest, DefaultPathFollowsXdgStateHome) {
  EXPECT_EQ(pw::log::default_log_path(), log_file());
}

TEST_F(LogTest, DefaultPathFallsBackToHomeLocalState) {
  unsetenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(pw::log::default_log_path(), std::filesystem::path(home) / ".local/state/pagewise/pagewise.log");
}

TEST_F(LogTest, InitCreatesTheFileAndInfoLinesLandInIt) {
  ASSERT_FALSE(std::filesystem::exists(log_file()));
  pw::log::init({});
  pw::log::info("ingested {} documents", 3);
  pw::log::flush();
  ASSERT_TRUE(std::filesystem::is_regular_file(log_file())) << log_file();
  const std::string text = pw::test::read_text(log_file());
  EXPECT_NE(text.find("ingested 3 documents"), std::string::npos) << text;
  EXPECT_NE(text.find("[info]"), std::string::npos) << text;
}

TEST_F(LogTest, ContentIsAbsentUnlessDebugIsOn) {
  pw::log::init({});
  PW_LOG_CONTENT("question: {}", "what is the carry-over limit");
  pw::log::info("marker after content");
  pw::log::flush();
  std::string text = pw::test::read_text(log_file());
  EXPECT_NE(text.find("marker after content"), std::string::npos) << text;
  EXPECT_EQ(text.find("carry-over limit"), std::string::npos) << "content logged at info level:\n" << text;

  pw::log::Options debug;
  debug.debug = true;
  pw::log::init(debug);
  PW_LOG_CONTENT("question: {}", "what is the mileage allowance");
  pw::log::flush();
  text = pw::test::read_text(log_file());
  EXPECT_NE(text.find("what is the mileage allowance"), std::string::npos) << text;
  EXPECT_EQ(text.find("carry-over limit"), std::string::npos) << text;
}

TEST_F(LogTest, FileRotatesAtTheSizeLimit) {
  const auto file = state_.path() / "rotating" / "pagewise.log";
  pw::log::Options options;
  options.file = file;
  options.max_bytes = 4096;
  options.max_files = 2;
  pw::log::init(options);
  for (int i = 0; i < 200; ++i) pw::log::info("line {} of a log that outgrows its size limit", i);
  pw::log::flush();
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_TRUE(std::filesystem::exists(state_.path() / "rotating" / "pagewise.1.log"));
  EXPECT_FALSE(std::filesystem::exists(state_.path() / "rotating" / "pagewise.3.log"));
  EXPECT_LE(std::filesystem::file_size(file), 4096u);
}

TEST_F(LogTest, UnwritableLocationFallsBackToStderr) {
  // A regular file where the folder should be: the log cannot be opened, init must not throw.
  const auto blocker = state_.path() / "pagewise";
  pw::test::write_file(blocker, "x", 1);
  EXPECT_NO_THROW(pw::log::init({}));
  EXPECT_NO_THROW(pw::log::info("still logging"));
  EXPECT_TRUE(std::filesystem::is_regular_file(blocker));
}

TEST_F(LogTest, SetLevelWarnDropsInfoLinesButKeepsWarnings) {
  pw::log::init({});
  pw::log::set_level(pw::log::Level::warn);
  EXPECT_FALSE(pw::log::should_log(pw::log::Level::info));
  pw::log::info("an info line that must not appear");
  pw::log::warn("a warning about {} that must appear", "the library file");
  pw::log::flush();
  const std::string text = pw::test::read_text(log_file());
  EXPECT_EQ(text.find("an info line"), std::string::npos) << text;
  EXPECT_NE(text.find("a warning about the library file"), std::string::npos) << text;
}

}  // namespace
