#include "support/test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace pw::test {

std::filesystem::path shared_dir() {
  std::filesystem::path dir = PAGEWISE_SHARED_DIR;
  if (!std::filesystem::is_directory(dir))
    ADD_FAILURE() << "shared fixtures folder missing: " << dir << " (clone the repository beside ../shared)";
  return dir;
}

std::filesystem::path shared_path(const std::string& relative) {
  auto p = shared_dir() / relative;
  if (!std::filesystem::exists(p)) ADD_FAILURE() << "shared fixture missing: " << p;
  return p;
}

std::filesystem::path source_dir() { return PAGEWISE_SOURCE_DIR; }
std::filesystem::path binary_dir() { return PAGEWISE_BINARY_DIR; }

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read " << path;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::filesystem::path& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("pagewise-test-" + std::to_string(rd()));
    std::error_code ec;
    if (std::filesystem::create_directory(candidate, ec)) {
      path_ = candidate;
      return;
    }
  }
  ADD_FAILURE() << "cannot create a temporary folder in " << base;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

}  // namespace pw::test
