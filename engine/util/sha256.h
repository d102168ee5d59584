// SHA-256 (FIPS 180-4), streaming, for change detection of library files.
//
//   pw::Sha256 h;
//   h.update(buffer.data(), buffer.size());        // any number of times, any sizes
//   std::string hex = pw::Sha256::to_hex(h.finish());   // 64 lowercase hex digits
//
//   pw::Result<std::string> digest = pw::sha256_file("/home/me/policy.pdf");
//
// Why our own: a few hundred lines, no crypto dependency for a non-security use (deciding
// whether a file changed since it was ingested). Must not change: lowercase hex output, as
// stored in documents.sha256 and compared with `sha256sum` output.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "engine/util/status.h"

namespace pw {

class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Pads and returns the digest. The object is reset afterwards and can hash anew.
  Digest finish();

  static std::string to_hex(const Digest& digest);
  // One-shot helper: hex digest of a byte string.
  static std::string hex_of(std::string_view bytes);

 private:
  void reset();
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_{};
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Streams the file in 64 KiB pieces (constant memory for any size). Errors name the file:
// NotFound, PermissionDenied, or Io for read failures.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace pw
