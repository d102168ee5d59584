// Helpers shared by all test suites.
//
//   std::filesystem::path m = pw::test::shared_path("fixtures/models/stories260K.gguf");
//   pw::test::TempDir dir;                       // removed when it goes out of scope
//   std::vector<uint8_t> bytes = pw::test::read_file(m);
//
// shared_path() fails the test (ADD_FAILURE + returns the path anyway) when ../shared or the
// file is missing: fixtures are never optional, a missing fixture must not look like a pass.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pw::test {

std::filesystem::path shared_dir();
std::filesystem::path shared_path(const std::string& relative);
std::filesystem::path source_dir();   // the repository root
std::filesystem::path binary_dir();   // the CMake build folder

std::vector<uint8_t> read_file(const std::filesystem::path& path);
std::string read_text(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const void* data, size_t size);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// True in the AddressSanitizer build (scripts/test's sanitizer job). ASan reserves terabytes
// of address space, so tests of RLIMIT_AS memory budgets cannot run there: they skip, saying so.
constexpr bool built_with_asan() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

}  // namespace pw::test
