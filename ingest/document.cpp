#include "ingest/document.h"

namespace pw::ingest {

const char* to_string(DocumentStatus status) {
  switch (status) {
    case DocumentStatus::Ok: return "ok";
    case DocumentStatus::Encrypted: return "encrypted";
    case DocumentStatus::NeedsOcr: return "needs_ocr";
    case DocumentStatus::Damaged: return "damaged";
    case DocumentStatus::Unsupported: return "unsupported";
    case DocumentStatus::Unreadable: return "unreadable";
    case DocumentStatus::TooLarge: return "too_large";
  }
  return "damaged";
}

}  // namespace pw::ingest
