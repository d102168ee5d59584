// The version of the SQLite library behind the store, for --version and bug reports.
//
//   std::cout << "sqlite " << pw::rag::sqlite_version() << "\n";   // "3.40.1"
#pragma once

#include <string>

namespace pw::rag {

std::string sqlite_version();

}  // namespace pw::rag
