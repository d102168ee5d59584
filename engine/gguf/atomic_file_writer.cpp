#include "engine/gguf/atomic_file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace pw::gguf {

namespace {

constexpr size_t kBufferSize = size_t{1} << 20;

ErrorCode code_for(int err) {
  if (err == ENOENT || err == ENOTDIR) return ErrorCode::NotFound;
  if (err == EACCES || err == EPERM || err == EROFS) return ErrorCode::PermissionDenied;
  return ErrorCode::Io;
}

}  // namespace

Result<AtomicFileWriter> AtomicFileWriter::create(const std::filesystem::path& target) {
  if (target.filename().empty()) return Error(ErrorCode::InvalidArgument, target.string(), "no file name to write to");
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  std::string pattern = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return Error(code_for(err), target.string(), std::string("cannot create a temporary file in ") + folder.string() + ": " + std::strerror(err));
  }
  AtomicFileWriter w;
  w.target_ = target;
  w.temp_ = std::filesystem::path(name.data());
  w.fd_ = fd;
  w.buffer_.resize(kBufferSize);
  return w;
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept { *this = std::move(other); }

AtomicFileWriter& AtomicFileWriter::operator=(AtomicFileWriter&& other) noexcept {
  if (this == &other) return *this;
  abandon();
  target_ = std::move(other.target_);
  temp_ = std::move(other.temp_);
  fd_ = other.fd_;
  buffer_ = std::move(other.buffer_);
  buffered_ = other.buffered_;
  written_ = other.written_;
  failed_ = other.failed_;
  other.fd_ = -1;
  other.temp_.clear();
  return *this;
}

AtomicFileWriter::~AtomicFileWriter() { abandon(); }

void AtomicFileWriter::abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

Error AtomicFileWriter::io_error(const std::string& what, int err) const {
  std::string message = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) message = what + ": the disk is full";
  return Error(code_for(err), target_.string(), message);
}

Status AtomicFileWriter::write_all(const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, std::min(size, size_t{1} << 30));
    if (n < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      return io_error("write failed", errno);
    }
    if (n == 0) {
      failed_ = true;
      return io_error("write made no progress", EIO);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return ok_status();
}

Status AtomicFileWriter::flush() {
  if (buffered_ == 0) return ok_status();
  const size_t n = buffered_;
  Status s = write_all(buffer_.data(), n);
  buffered_ = 0;
  return s;
}

Status AtomicFileWriter::write(const void* data, size_t size) {
  if (fd_ < 0 || failed_) return Error(ErrorCode::Internal, target_.string(), "write after the file was closed or failed");
  const auto* p = static_cast<const uint8_t*>(data);
  if (buffered_ + size <= buffer_.size()) {
    if (size) std::memcpy(buffer_.data() + buffered_, p, size);
    buffered_ += size;
    written_ += size;
    return ok_status();
  }
  written_ += size;
  PW_TRY(flush());
  if (size >= buffer_.size()) return write_all(p, size);
  std::memcpy(buffer_.data(), p, size);
  buffered_ = size;
  return ok_status();
}

Status AtomicFileWriter::write_zeros(size_t count) {
  static const uint8_t zeros[4096] = {};
  while (count > 0) {
    const size_t n = std::min(count, sizeof zeros);
    PW_TRY(write(zeros, n));
    count -= n;
  }
  return ok_status();
}

Status AtomicFileWriter::commit() {
  if (fd_ < 0 || failed_) return Error(ErrorCode::Internal, target_.string(), "commit after the file was closed or failed");
  PW_TRY(flush());
  if (::fchmod(fd_, 0644) != 0) return io_error("cannot set the file mode", errno);
  if (::fsync(fd_) != 0) return io_error("fsync failed", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return io_error("close failed", errno);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int err = errno;
    return io_error("cannot rename " + temp_.string() + " to the target", err);
  }
  temp_.clear();  // now the target: must not be unlinked
  // Make the rename itself durable. A failure here leaves a complete file: not an error.
  std::filesystem::path folder = target_.parent_path();
  if (folder.empty()) folder = ".";
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

}  // namespace pw::gguf
