#include "gui/command_line.h"

#include <string_view>

#include "engine/util/log.h"
#include "pagewise/version.h"

namespace pw::gui {

std::string help_text() {
  return "Usage: pagewise [OPTIONS] [FILE...]\n"
         PAGEWISE_NAME " " PAGEWISE_VERSION ": private answers from your documents, with pages you can check.\n"
         "\n"
         "Options:\n"
         "  -h, --help       Show this help and exit\n"
         "  -v, --version    Show the version and exit\n"
         "  --debug          Also log document text and questions (off by default)\n"
         "Qt's own options (for example -platform offscreen) are accepted too.\n"
         "\n"
         "FILEs (PDF, text, Markdown) are added to the library.\n"
         "Log file: " + pw::log::default_log_path().string() + "\n"
         "Without a display, use pagewise-cli.\n";
}

std::optional<int> handle_info_options(int argc, char** argv, std::ostream& out) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--version" || a == "-v") {
      out << "pagewise " PAGEWISE_VERSION "\n";
      return 0;
    }
    if (a == "--help" || a == "-h") {
      out << help_text();
      return 0;
    }
  }
  return std::nullopt;
}

bool parse_command_line(int argc, char** argv, CommandLine& result, std::string& error) {
  result = CommandLine{};
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a == "--debug") {
      result.debug = true;
    } else if (!options_done && a.size() > 1 && a.front() == '-') {
      error = "pagewise: unknown option '" + std::string(a) + "' (see pagewise --help)";
      return false;
    } else {
      result.files.emplace_back(a);
    }
  }
  return true;
}

}  // namespace pw::gui
