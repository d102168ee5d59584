#include "cli/command.h"

#include <cctype>
#include <iostream>

namespace pw::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

std::optional<std::string> Args::take_option(const std::string& name, const std::string& alias) {
  for (size_t i = 0; i < args_.size(); ++i) {
    const std::string& a = args_[i];
    if (a == "--") break;
    if (a == "--" + name || (!alias.empty() && a == "-" + alias)) {
      if (i + 1 >= args_.size()) return std::nullopt;
      std::string value = args_[i + 1];
      args_.erase(args_.begin() + static_cast<long>(i), args_.begin() + static_cast<long>(i) + 2);
      return value;
    }
    const std::string prefix = "--" + name + "=";
    if (a.rfind(prefix, 0) == 0) {
      std::string value = a.substr(prefix.size());
      args_.erase(args_.begin() + static_cast<long>(i));
      return value;
    }
  }
  return std::nullopt;
}

bool Args::take_flag(const std::string& name, const std::string& alias) {
  for (size_t i = 0; i < args_.size(); ++i) {
    if (args_[i] == "--") break;
    if (args_[i] == "--" + name || (!alias.empty() && args_[i] == "-" + alias)) {
      args_.erase(args_.begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

std::optional<std::string> Args::unknown_option() const {
  for (const auto& a : args_) {
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-' && !(a.size() > 1 && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.')))
      return a;
  }
  return std::nullopt;
}

int usage_error(const std::string& command, const std::string& message) {
  std::cerr << "pagewise-cli " << command << ": " << message << "\n";
  for (const auto& c : registry())
    if (c.name == command) std::cerr << "usage: pagewise-cli " << c.usage << "\n";
  return 2;
}

}  // namespace pw::cli
