// Logging for every part of Pagewise, on spdlog behind a thin facade.
//
//   pw::log::init({.debug = settings.debug_logging});   // once, at program start
//   pw::log::info("ingested {} documents", n);           // fmt-style format strings
//   PW_LOG_CONTENT("question: {}", question);            // document text / questions: debug only
//
// Why a facade: each translation unit that instantiated spdlog's logging templates cost about
// 4 s of compile time (more under the sanitizers). Here only fmt/core.h is included and the
// arguments travel type-erased (fmt::format_args) to log.cpp, the one file that knows spdlog.
// Keep it that way: do not include spdlog in this header.
//
// Privacy rule (must not change): at info level and above, logs never contain document text,
// questions or answers. Content goes only through PW_LOG_CONTENT, which logs at debug level,
// and debug is off unless the user turns it on.
#pragma once

#include <fmt/core.h>

#include <cstddef>
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

enum class Level { debug, info, warn, error, off };

// Lowest level that is written from now on (benches raise it to warn: stdout carries JSON).
void set_level(Level level);
bool should_log(Level level);
// Writes buffered lines to the file now (tests; before a deliberate exit).
void flush();

// Formats and writes one line if `level` is enabled. Never throws: a bad format or a full disk
// loses the line, not the program.
void write(Level level, fmt::string_view format, fmt::format_args args) noexcept;

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::debug, format, fmt::make_format_args(args...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::info, format, fmt::make_format_args(args...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::warn, format, fmt::make_format_args(args...));
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::error, format, fmt::make_format_args(args...));
}

}  // namespace pw::log

// Document text, questions and answers: debug level only (see the privacy rule above).
#define PW_LOG_CONTENT(...) ::pw::log::debug(__VA_ARGS__)
