#include "rag/library/ingest_report.h"

#include <algorithm>

namespace pw::rag {

const char* to_string(IngestAction action) {
  switch (action) {
    case IngestAction::Added: return "added";
    case IngestAction::Replaced: return "replaced";
    case IngestAction::Unchanged: return "unchanged";
    case IngestAction::Removed: return "removed";
    case IngestAction::Failed: return "failed";
  }
  return "failed";
}

int IngestReport::count(IngestAction action) const {
  return static_cast<int>(
      std::count_if(documents.begin(), documents.end(), [&](const DocumentOutcome& d) { return d.action == action; }));
}

std::map<std::string, int> IngestReport::count_by_status() const {
  std::map<std::string, int> out;
  for (const auto& d : documents)
    if (d.action != IngestAction::Removed && d.action != IngestAction::Failed) ++out[ingest::to_string(d.status)];
  return out;
}

bool IngestReport::all_known() const {
  return !cancelled && problems.empty() && count(IngestAction::Failed) == 0;
}

}  // namespace pw::rag
