// Column padding for the plain-text tables the subcommands print (ingest, library, gguf-dump).
//
//   std::cout << pw::cli::pad("Title", 40) << pw::cli::lpad(std::to_string(pages), 6) << "\n";
#pragma once

#include <cstddef>
#include <string>

namespace pw::cli {

// s, then spaces up to `width` characters (bytes); longer strings are left as they are.
inline std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// Spaces up to `width`, then s (right-aligned numbers).
inline std::string lpad(const std::string& s, size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

}  // namespace pw::cli
