#include "engine/util/log.h"

#include <spdlog/spdlog.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <chrono>
#include <cstdlib>
#include <vector>

namespace pw::log {

std::filesystem::path default_log_path() {
  std::filesystem::path base;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    base = state;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::filesystem::path(home) / ".local" / "state";
  } else {
    base = std::filesystem::temp_directory_path();
  }
  return base / "pagewise" / "pagewise.log";
}

void init(const Options& options) {
  std::vector<spdlog::sink_ptr> sinks;
  std::string file_problem;
  const auto path = options.file.empty() ? default_log_path() : options.file;
  try {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        path.string(), options.max_bytes, options.max_files));
  } catch (const std::exception& e) {
    file_problem = e.what();
  }
  if (options.to_stderr || sinks.empty()) {
    auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    err->set_level(options.debug ? spdlog::level::debug : spdlog::level::warn);
    err->set_pattern("%^%l%$: %v");
    sinks.push_back(err);
  }
  auto logger = std::make_shared<spdlog::logger>("pagewise", sinks.begin(), sinks.end());
  logger->set_level(options.debug ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  // Info lines reach the file within seconds even if the process is killed later.
  spdlog::flush_every(std::chrono::seconds(2));
  if (!file_problem.empty()) spdlog::warn("cannot open log file {}: {}", path.string(), file_problem);
}

namespace {

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: break;
  }
  return spdlog::level::off;
}

}  // namespace

void set_level(Level level) { spdlog::set_level(to_spdlog(level)); }

bool should_log(Level level) { return spdlog::default_logger_raw()->should_log(to_spdlog(level)); }

void flush() { spdlog::default_logger_raw()->flush(); }

void write(Level level, fmt::string_view format, fmt::format_args args) noexcept {
  try {
    auto* logger = spdlog::default_logger_raw();
    const auto lvl = to_spdlog(level);
    if (!logger->should_log(lvl)) return;
    const std::string line = fmt::vformat(format, args);
    logger->log(lvl, spdlog::string_view_t(line.data(), line.size()));
  } catch (...) {
    // A line that cannot be formatted or written is dropped; logging never takes the program down.
  }
}

}  // namespace pw::log
