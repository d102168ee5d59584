// Errors as values, shared by every core library (engine, ingest, rag).
//
//   pw::Result<GgufFile> r = GgufFile::open(path);
//   if (!r) { pw::log::warn("{}", r.error().describe()); return r.error(); }
//   GgufFile& f = *r;
//
//   pw::Status s = store.write(doc);            // Status == Result<void>
//   if (!s.ok()) return s.error();
//
//   return pw::Error(pw::ErrorCode::Corrupt, path, "tensor 'output.weight' ends past the file end");
//
// Why: file input is untrusted (PDFs, GGUFs, databases). A bad file must become a message that
// names the file and the problem, never an exception across a library boundary or a Qt slot,
// and never an assert. Keep this header free of heavy includes: everything includes it.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pw {

// What kind of failure, so callers can react (e.g. ask for a password on Encrypted).
// Append new codes at the end: the numbers may be stored.
enum class ErrorCode {
  Unknown = 0,
  InvalidArgument,   // the caller passed something unusable
  NotFound,          // file or item does not exist
  PermissionDenied,  // cannot read or write the file
  Io,                // read/write failed (disk full, device error)
  Truncated,         // the file ends before the data it announces
  Corrupt,           // the file is malformed or internally inconsistent
  Unsupported,       // well-formed but a version/type/feature we do not handle
  Encrypted,         // needs a password
  Cancelled,         // the user or a caller stopped the operation
  ResourceLimit,     // over a time, memory or size budget
  Internal,          // a bug on our side
};

const char* to_string(ErrorCode code);

// An error: its kind, the file or item it concerns (may be empty), and a plain message.
class Error {
 public:
  Error() = default;
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  Error(ErrorCode code, std::string subject, std::string message)
      : code_(code), subject_(std::move(subject)), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  // The file path or item the error is about; empty when there is none.
  const std::string& subject() const { return subject_; }
  const std::string& message() const { return message_; }

  // "file.gguf: tensor 'x' ends past the end of the file" (or just the message).
  std::string describe() const;

  // Prepends context: Error(Corrupt, "bad header").with_context("reading metadata")
  // gives "reading metadata: bad header".
  Error with_context(const std::string& context) const;
  // Sets the subject when the lower layer did not know it (e.g. a buffer parser).
  Error with_subject(const std::string& subject) const;

 private:
  ErrorCode code_ = ErrorCode::Unknown;
  std::string subject_;
  std::string message_;
};

// A value or an error. Result<void> (alias Status) carries only success or an error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return Status(); }

}  // namespace pw

// Returns the error of a Status/Result expression from the enclosing function.
#define PW_TRY(expr)                              \
  do {                                            \
    auto pw_try_result_ = (expr);                 \
    if (!pw_try_result_.ok()) return pw_try_result_.error(); \
  } while (0)
