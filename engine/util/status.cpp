#include "engine/util/status.h"

namespace pw {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::Unknown: return "unknown error";
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::PermissionDenied: return "permission denied";
    case ErrorCode::Io: return "input/output error";
    case ErrorCode::Truncated: return "truncated";
    case ErrorCode::Corrupt: return "corrupt";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::Encrypted: return "encrypted";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::ResourceLimit: return "over the limit";
    case ErrorCode::Internal: return "internal error";
  }
  return "unknown error";
}

std::string Error::describe() const {
  std::string msg = message_.empty() ? std::string(to_string(code_)) : message_;
  if (subject_.empty()) return msg;
  return subject_ + ": " + msg;
}

Error Error::with_context(const std::string& context) const {
  return Error(code_, subject_, context + ": " + message_);
}

Error Error::with_subject(const std::string& subject) const {
  return Error(code_, subject, message_);
}

}  // namespace pw
