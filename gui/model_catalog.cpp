#include "gui/model_catalog.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/model_info/model_info.h"

namespace pw::gui {

std::vector<std::filesystem::path> default_model_folders() {
  std::vector<std::filesystem::path> folders;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    folders.emplace_back(std::filesystem::path(xdg) / "pagewise" / "models");
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    folders.emplace_back(std::filesystem::path(home) / ".local" / "share" / "pagewise" / "models");
  }
  folders.emplace_back("/usr/share/pagewise/models");
  return folders;
}

uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t value = 0;
  std::string unit;
  while (in >> key >> value) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return value * 1024;
  }
  return 0;
}

std::string quantization_tier(const std::string& name) {
  if (name.empty()) return {};
  auto starts = [&](const char* p) { return name.rfind(p, 0) == 0; };
  if (starts("Q2") || starts("Q3") || starts("Q4") || starts("IQ")) return "Faster";
  if (starts("Q5") || starts("Q6")) return "Balanced";
  if (starts("Q8") || starts("F16") || starts("BF16") || starts("F32")) return "Most accurate";
  return {};
}

ModelEntry describe_model_file(const std::filesystem::path& path, uint64_t free_memory, uint32_t context) {
  ModelEntry e;
  e.path = path.string();
  e.file_name = path.filename().string();
  auto info = model_info::read_model_info(path);
  if (!info) {
    e.error = info.error().describe();
    e.name = path.stem().string();
    e.fits = false;
    return e;
  }
  e.name = info->display_name;
  e.quantization = info->file_type_name;
  e.tier = quantization_tier(e.quantization);
  e.params = model_info::format_param_count(info->n_params);
  e.size = model_info::format_bytes(info->file_size);
  e.context = info->facts.context_length;
  e.is_embedding = info->facts.architecture == "bert" || info->facts.architecture == "nomic-bert";
  const uint32_t ctx = std::min<uint32_t>(context ? context : 4096, e.context ? e.context : 4096);
  e.memory_bytes = model_info::estimate_memory(*info, ctx).total_bytes;
  if (free_memory > 0) {
    e.fits = e.memory_bytes <= free_memory;
    e.memory_note = "needs about " + model_info::format_bytes(e.memory_bytes) + ", " +
                    model_info::format_bytes(free_memory) + " free";
  }
  return e;
}

std::vector<ModelEntry> scan_models(const std::vector<std::filesystem::path>& folders, uint64_t free_memory,
                                    uint32_t context) {
  std::vector<ModelEntry> out;
  for (const auto& folder : folders) {
    std::error_code ec;
    for (const auto& item : std::filesystem::directory_iterator(folder, ec)) {
      if (!item.is_regular_file(ec)) continue;
      std::string ext = item.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      if (ext != ".gguf") continue;
      out.push_back(describe_model_file(item.path(), free_memory, context));
    }
  }
  std::sort(out.begin(), out.end(), [](const ModelEntry& a, const ModelEntry& b) {
    return a.name != b.name ? a.name < b.name : a.file_name < b.file_name;
  });
  return out;
}

}  // namespace pw::gui
