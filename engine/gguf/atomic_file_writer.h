// Writes a file so that readers only ever see the old file or the complete new one.
//
//   auto out = pw::gguf::AtomicFileWriter::create("/models/tiny.gguf");   // temp file beside it
//   if (!out) return out.error();
//   PW_TRY(out->write(bytes.data(), bytes.size()));   // buffered; disk full -> ErrorCode::Io
//   PW_TRY(out->commit());                              // fsync, rename over the target, fsync folder
//   // destroyed without commit() (error, early return): the temp file is removed
//
// Why: a model file cut short by a full disk or a crash must never be left under the real
// name, or the next start would try to load it. What must not change: the temp file lives in
// the target's folder (rename is only atomic within one file system) and is removed on failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "engine/util/status.h"

namespace pw::gguf {

class AtomicFileWriter {
 public:
  static Result<AtomicFileWriter> create(const std::filesystem::path& target);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  Status write(const void* data, size_t size);
  Status write_zeros(size_t count);
  uint64_t bytes_written() const { return written_; }
  // Flushes, syncs and renames the temp file to the target (mode 0644). Once only.
  Status commit();

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temp_path() const { return temp_; }

 private:
  AtomicFileWriter() = default;
  Status flush();
  Status write_all(const uint8_t* data, size_t size);
  Error io_error(const std::string& what, int err) const;
  void abandon();

  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::vector<uint8_t> buffer_;
  size_t buffered_ = 0;
  uint64_t written_ = 0;
  bool failed_ = false;
};

}  // namespace pw::gguf
