// The language models the user can pick: GGUF files in the user's and the system's model
// folders, described for people (friendly name, parameters, size, context, quantization in
// plain words) and checked against this machine's memory. Plain C++ (no Qt).
//
//   auto models = pw::gui::scan_models(pw::gui::default_model_folders(), available_memory_bytes());
//   for (const ModelEntry& m : models) combo.add(m.name + " (" + m.tier + ")", m.path);
//   if (!m.fits) explain(m.memory_note);           // blocked: it clearly cannot run here
//
// Reading a model's facts opens its header only (weights are memory-mapped, not read), but it
// is still file I/O: call it on a worker thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pw::gui {

struct ModelEntry {
  std::string path;
  std::string name;          // friendly name from the metadata, else the file name
  std::string file_name;
  std::string quantization;  // technical name: "Q4_K_M", "Q8_0", "F16"; "" when unknown
  std::string tier;          // "Faster", "Balanced", "Most accurate" (from the quantization)
  std::string params;        // "494M"
  std::string size;          // "380 MiB"
  uint32_t context = 0;      // trained context length
  uint64_t memory_bytes = 0; // estimated need at the context the app uses
  bool fits = true;          // false when it clearly cannot run in the free memory
  bool is_embedding = false; // an encoder (BERT): for search, not for answers
  std::string memory_note;   // "needs about 5.1 GiB, 3.2 GiB free"
  std::string error;         // the file could not be read (then only path and file_name are set)
};

// ~/.local/share/pagewise/models (XDG_DATA_HOME) and /usr/share/pagewise/models.
std::vector<std::filesystem::path> default_model_folders();

// Memory the system could give a new program (MemAvailable), 0 when unknown.
uint64_t available_memory_bytes();

// "Faster" for 2-4 bit quantizations, "Balanced" for 5-6 bit, "Most accurate" for 8 bit and
// unquantized weights; "" when unknown.
std::string quantization_tier(const std::string& technical_name);

// Every *.gguf in `folders` (not recursive), sorted by name; unreadable files are listed with
// `error` set. `context` is the context length the memory estimate assumes (0: 4096).
std::vector<ModelEntry> scan_models(const std::vector<std::filesystem::path>& folders, uint64_t free_memory,
                                    uint32_t context = 0);

ModelEntry describe_model_file(const std::filesystem::path& path, uint64_t free_memory, uint32_t context = 0);

}  // namespace pw::gui
