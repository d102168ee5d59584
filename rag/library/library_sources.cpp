#include "rag/library/library_sources.h"

#include <nlohmann/json.hpp>
#include "engine/util/log.h"

#include <algorithm>
#include <tuple>

namespace pw::rag {

std::vector<LibrarySource> LibrarySources::of_collection(int64_t collection_id) const {
  std::vector<LibrarySource> out;
  for (const auto& s : sources_)
    if (s.collection_id == collection_id) out.push_back(s);
  return out;
}

void LibrarySources::add(const LibrarySource& source) {
  for (auto& s : sources_) {
    if (s.collection_id == source.collection_id && s.path == source.path) {
      s.is_folder = source.is_folder;
      return;
    }
  }
  sources_.push_back(source);
  std::sort(sources_.begin(), sources_.end(), [](const LibrarySource& a, const LibrarySource& b) {
    return std::tie(a.collection_id, a.path) < std::tie(b.collection_id, b.path);
  });
}

bool LibrarySources::remove(int64_t collection_id, const std::string& path) {
  const auto before = sources_.size();
  std::erase_if(sources_, [&](const LibrarySource& s) { return s.collection_id == collection_id && s.path == path; });
  return sources_.size() != before;
}

void LibrarySources::keep_collections(const std::vector<int64_t>& existing_ids) {
  std::erase_if(sources_, [&](const LibrarySource& s) {
    return std::find(existing_ids.begin(), existing_ids.end(), s.collection_id) == existing_ids.end();
  });
}

std::string LibrarySources::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : sources_)
    list.push_back({{"collection_id", s.collection_id}, {"path", s.path}, {"folder", s.is_folder}});
  nlohmann::json doc = {{"version", 1}, {"sources", list}};
  // Paths are bytes from the file system and need not be UTF-8: replace rather than throw.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

LibrarySources LibrarySources::from_json(const std::string& text) {
  LibrarySources out;
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("sources") || !doc["sources"].is_array()) {
    pw::log::warn("library: the list of added folders is unreadable; starting an empty list");
    return out;
  }
  for (const auto& item : doc["sources"]) {
    if (!item.is_object() || !item.contains("collection_id") || !item["collection_id"].is_number_integer() ||
        !item.contains("path") || !item["path"].is_string())
      continue;
    LibrarySource s;
    s.collection_id = item["collection_id"].get<int64_t>();
    s.path = item["path"].get<std::string>();
    s.is_folder = item.contains("folder") && item["folder"].is_boolean() && item["folder"].get<bool>();
    if (!s.path.empty()) out.add(s);
  }
  return out;
}

Result<LibrarySources> load_sources(LibraryStore& store) {
  auto text = store.setting(kSourcesSettingKey);
  if (!text) return text.error();
  if (!*text) return LibrarySources();
  return LibrarySources::from_json(**text);
}

Status save_sources(LibraryStore& store, const LibrarySources& sources) {
  return store.set_setting(kSourcesSettingKey, sources.to_json());
}

}  // namespace pw::rag
