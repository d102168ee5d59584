// Logging for every part of Pagewise, on spdlog.
//
//   pw::log::init({.debug = settings.debug_logging});   // once, at program start
//   spdlog::info("ingested {} documents", n);            // then plain spdlog calls
//   PW_LOG_CONTENT("question: {}", question);            // document text / questions: debug only
//
// Privacy rule (must not change): at info level and above, logs never contain document text,
// questions or answers. Content goes only through PW_LOG_CONTENT, which logs at debug level,
// and debug is off unless the user turns it on.
#pragma once

#include <spdlog/spdlog.h>

#include <filesystem>
#include <string>

namespace pw::log {

struct Options {
  bool debug = false;              // user turned on debug logging (content may be logged)
  bool to_stderr = false;          // also echo warnings and errors to stderr (CLI)
  std::filesystem::path file;      // empty: default_log_path()
  size_t max_bytes = 5 * 1024 * 1024;
  size_t max_files = 3;
};

// ~/.local/state/pagewise/pagewise.log (or $XDG_STATE_HOME/pagewise/pagewise.log).
std::filesystem::path default_log_path();

// Sets the default spdlog logger to a rotating file (and stderr if asked). Never throws:
// when the log file cannot be opened, logging falls back to stderr and says why once.
void init(const Options& options);

}  // namespace pw::log

#define PW_LOG_CONTENT(...) SPDLOG_LOGGER_CALL(spdlog::default_logger_raw(), spdlog::level::debug, __VA_ARGS__)
