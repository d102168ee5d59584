#include "ingest/poppler_version.h"

#include <poppler-version.h>

namespace pw::ingest {

std::string poppler_version() {
  return std::to_string(poppler::version_major()) + "." + std::to_string(poppler::version_minor()) + "." +
         std::to_string(poppler::version_micro());
}

}  // namespace pw::ingest
