// The pagewise command line, handled in two steps so --help and --version work without a
// display (before QApplication exists, which would need one):
//
//   if (auto code = pw::gui::handle_info_options(argc, argv, std::cout)) return *code;
//   QApplication app(argc, argv);            // removes Qt's own options (-platform, -style...)
//   pw::gui::CommandLine cl;  std::string error;
//   if (!pw::gui::parse_command_line(argc, argv, cl, error)) { std::cerr << error; return 2; }
//
// Plain C++ on purpose: nothing here may touch Qt.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pw::gui {

struct CommandLine {
  bool debug = false;               // --debug: also log document text and questions
  std::vector<std::string> files;   // documents to add to the library
};

// Prints the help or the version and returns the exit code (0) when argv asks for them;
// std::nullopt otherwise. Looks at options up to "--" only.
std::optional<int> handle_info_options(int argc, char** argv, std::ostream& out);

// Parses what QApplication left in argv. Returns false with a message for unknown options.
bool parse_command_line(int argc, char** argv, CommandLine& result, std::string& error);

// The --help text.
std::string help_text();

}  // namespace pw::gui
