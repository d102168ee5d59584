// The version of the Poppler library doing PDF extraction, for --version and bug reports.
//
//   std::cout << "poppler " << pw::ingest::poppler_version() << "\n";   // "22.2.0"
#pragma once

#include <string>

namespace pw::ingest {

std::string poppler_version();

}  // namespace pw::ingest
