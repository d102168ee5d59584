// The folders and files the user added to each collection, remembered in the library file so
// the GUI can watch them and a rescan knows what to look at.
//
//   pw::rag::LibrarySources sources = *pw::rag::load_sources(store);
//   sources.add({collection_id, "/home/me/Policies", true});
//   PW_TRY(pw::rag::save_sources(store, sources));
//
// Kept as JSON in the library's settings table (key "library.sources"), written in one small
// transaction; no schema change needed. Unknown or malformed content is treated as "no
// sources" with a warning rather than an error: losing the list only means the user re-adds a
// folder, while refusing to open the library would lose everything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/util/status.h"
#include "rag/store/library_store.h"

namespace pw::rag {

struct LibrarySource {
  int64_t collection_id = 0;
  std::string path;        // absolute, as library_path_of() gives it
  bool is_folder = false;  // a folder (walked recursively) or a single file
  bool operator==(const LibrarySource&) const = default;
};

class LibrarySources {
 public:
  const std::vector<LibrarySource>& all() const { return sources_; }
  std::vector<LibrarySource> of_collection(int64_t collection_id) const;
  // Adds or updates (same collection and path); keeps the list sorted by collection, path.
  void add(const LibrarySource& source);
  // Removes the entry with this collection and path; false when there was none.
  bool remove(int64_t collection_id, const std::string& path);
  // Drops entries of collections that no longer exist.
  void keep_collections(const std::vector<int64_t>& existing_ids);

  std::string to_json() const;
  static LibrarySources from_json(const std::string& text);  // malformed: empty (logged)

 private:
  std::vector<LibrarySource> sources_;
};

inline constexpr const char* kSourcesSettingKey = "library.sources";

Result<LibrarySources> load_sources(LibraryStore& store);
Status save_sources(LibraryStore& store, const LibrarySources& sources);

}  // namespace pw::rag
