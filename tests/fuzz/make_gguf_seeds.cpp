// Writes the GGUF fuzzer's seed corpus: the valid files of gguf_seed_files.h plus a few
// truncated copies (names starting with "trunc-"; the replay test expects those to fail).
//
//   cmake --build build --target make_gguf_seeds
//   build/tests/fuzz/make_gguf_seeds tests/fuzz/corpus/gguf
#include <fstream>
#include <iostream>
#include <iterator>

#include "fuzz/gguf_seed_files.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_gguf_seeds FOLDER\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  for (const auto& seed : pw::test::gguf_seeds()) {
    const auto path = dir / seed.name;
    pw::Status s = seed.writer->write(path);
    if (!s.ok()) {
      std::cerr << s.error().describe() << "\n";
      return 1;
    }
    std::cout << path.string() << " " << std::filesystem::file_size(path) << " bytes\n";
    if (seed.name != "tensors.gguf" && seed.name != "arrays.gguf") continue;
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    // Cut inside the header, inside the metadata, and (for tensors) inside the tensor data.
    for (size_t cut : {size_t{20}, bytes.size() / 3, bytes.size() - 100}) {
      const auto out = dir / ("trunc-" + std::to_string(cut) + "-" + seed.name);
      std::ofstream(out, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(cut));
      std::cout << out.string() << " " << cut << " bytes\n";
    }
  }
  return 0;
}
