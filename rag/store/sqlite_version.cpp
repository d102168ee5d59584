#include "rag/store/sqlite_version.h"

#include <sqlite3.h>

namespace pw::rag {

std::string sqlite_version() { return sqlite3_libversion(); }

}  // namespace pw::rag
