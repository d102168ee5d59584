// pagewise-cli gguf-dump FILE: what a GGUF file holds (version, metadata, tensor table).
// Arrays are summarised (element type, length, first few values) so a 150k-token vocabulary
// stays one line. Errors: "pagewise-cli gguf-dump: FILE: problem" and exit code 1.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/command.h"
#include "cli/text_columns.h"
#include "engine/gguf/gguf_file.h"

namespace {

using pw::cli::pad;

int run_gguf_dump(pw::cli::Args& args) {
  const auto max_elements = args.take_option("elements");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("gguf-dump", "unknown option '" + *unknown + "'");
  if (args.rest().size() != 1) return pw::cli::usage_error("gguf-dump", "expected exactly one GGUF file");
  size_t shown = 4;
  if (max_elements) {
    try {
      shown = static_cast<size_t>(std::stoul(*max_elements));
    } catch (...) {
      return pw::cli::usage_error("gguf-dump", "--elements needs a number");
    }
  }

  auto file = pw::gguf::GgufFile::open(args.rest()[0]);
  if (!file) {
    std::cerr << "pagewise-cli gguf-dump: " << file.error().describe() << "\n";
    return 1;
  }
  const pw::gguf::GgufFile& f = *file;
  std::cout << "file: " << f.name() << "\n"
            << "GGUF version " << f.version() << ", alignment " << f.alignment() << ", data offset " << f.data_offset()
            << ", file size " << f.file_size() << " bytes\n";

  size_t key_width = 0;
  for (const auto& kv : f.metadata()) key_width = std::max(key_width, kv.key.size());
  std::cout << "\nmetadata (" << f.metadata().size() << " keys):\n";
  for (const auto& kv : f.metadata())
    std::cout << "  " << pad(std::string(kv.key), key_width) << "  " << pad(pw::gguf::gguf_type_name(kv.value.type()), 6) << "  "
              << kv.value.summary(shown) << "\n";

  size_t name_width = 4;
  for (const auto& t : f.tensors()) name_width = std::max(name_width, t.name.size());
  std::cout << "\ntensors (" << f.tensors().size() << "):\n";
  if (!f.tensors().empty())
    std::cout << "  " << pad("name", name_width) << "  " << pad("type", 7) << "  " << pad("ne", 22) << "  " << pad("bytes", 12)
              << "  offset\n";
  uint64_t total = 0;
  for (const auto& t : f.tensors()) {
    std::cout << "  " << pad(std::string(t.name), name_width) << "  " << pad(std::string(pw::type_name(t.type)), 7) << "  "
              << pad(t.shape_string(), 22) << "  " << pad(std::to_string(t.n_bytes), 12) << "  " << t.file_offset << "\n";
    total += t.n_bytes;
  }
  std::cout << "\ntensor data: " << total << " bytes\n";
  return 0;
}

}  // namespace

PW_CLI_COMMAND(gguf_dump, "gguf-dump", "gguf-dump [--elements N] FILE",
               "Print a GGUF file's version, metadata (arrays summarised) and tensor table", run_gguf_dump);
