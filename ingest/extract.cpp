#include "ingest/extract.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ingest/file_type.h"
#include "ingest/pdf_extractor.h"
#include "ingest/text_extractor.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

namespace fs = std::filesystem;

constexpr size_t kHeadBytes = 4096;

ExtractedDocument problem(const fs::path& path, DocumentStatus status, std::string message) {
  ExtractedDocument doc;
  doc.path = path.string();
  doc.title = utf8::repair(path.stem().string());
  doc.status = status;
  doc.error = std::move(message);
  return doc;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to `limit` bytes; false (errno set) on a read error.
bool read_up_to(int fd, size_t limit, std::string& out) {
  out.clear();
  char buf[65536];
  while (out.size() < limit) {
    const ssize_t n = read(fd, buf, std::min(sizeof buf, limit - out.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<ExtractedDocument> extract(const fs::path& path, const ExtractOptions& options) {
  const std::string name = "'" + utf8::repair(path.filename().string()) + "'";
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    if (!ec || ec == std::errc::no_such_file_or_directory)
      return problem(path, DocumentStatus::Unreadable, name + " does not exist (moved or deleted?)");
    if (ec == std::errc::permission_denied)
      return problem(path, DocumentStatus::Unreadable, "no permission to open the folder of " + name);
    return problem(path, DocumentStatus::Unreadable, name + " cannot be read: " + ec.message());
  }
  if (fs::is_directory(st)) return problem(path, DocumentStatus::Unreadable, name + " is a folder, not a file");
  if (!fs::is_regular_file(st))
    return problem(path, DocumentStatus::Unsupported, name + " is not a regular file (a device, pipe or socket)");
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return problem(path, DocumentStatus::Unreadable, name + " cannot be read: " + ec.message());
  if (size > options.max_file_bytes)
    return problem(path, DocumentStatus::TooLarge,
                   name + " is " + std::to_string(size >> 20) + " MiB, more than the " +
                       std::to_string(options.max_file_bytes >> 20) + " MiB limit");

  FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == EACCES || errno == EPERM)
      return problem(path, DocumentStatus::Unreadable, "no permission to read " + name);
    return problem(path, DocumentStatus::Unreadable, name + " cannot be opened: " + std::strerror(errno));
  }
  std::string head;
  if (!read_up_to(fd.get(), kHeadBytes, head))
    return problem(path, DocumentStatus::Unreadable, name + " cannot be read: " + std::strerror(errno));
  if (head.empty()) return problem(path, DocumentStatus::Damaged, name + " is empty");

  const FileType type = detect_file_type(path, head);
  switch (type.kind) {
    case FileKind::Unsupported:
      return problem(path, DocumentStatus::Unsupported,
                     name + " is " + type.description + "; Pagewise reads PDF, plain text, Markdown and HTML files");
    case FileKind::Pdf:
      return extract_pdf(path, options);
    case FileKind::Text:
    case FileKind::Markdown:
    case FileKind::Html:
      break;
  }
  if (size > options.max_text_file_bytes)
    return problem(path, DocumentStatus::TooLarge,
                   name + " is " + std::to_string(size >> 20) + " MiB of text, more than the " +
                       std::to_string(options.max_text_file_bytes >> 20) + " MiB limit");
  std::string bytes;
  if (lseek(fd.get(), 0, SEEK_SET) != 0 || !read_up_to(fd.get(), options.max_text_file_bytes + 1, bytes))
    return problem(path, DocumentStatus::Unreadable, name + " cannot be read: " + std::strerror(errno));
  if (bytes.size() > options.max_text_file_bytes)  // it grew while we read it
    return problem(path, DocumentStatus::TooLarge, name + " is larger than the text file limit");
  return extract_text_document(path, bytes, type.kind);
}

}  // namespace pw::ingest
