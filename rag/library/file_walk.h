// Finds the document files under a folder (or takes one file) for the library to ingest.
//
//   pw::rag::WalkResult found = pw::rag::walk_documents("/home/me/Policies");
//   for (const pw::rag::FoundFile& f : found.files) use(f.path, f.size, f.mtime_ns);
//   for (const pw::Error& e : found.problems) warn(e.describe());   // unreadable subfolders ...
//
// Rules (tests rely on them):
// - A folder is walked recursively. Hidden entries (name starting with '.') and office lock
//   files ("~$report.docx") are skipped, except a root the caller named itself.
// - In folders, only files whose extension is a document type are taken: the types Pagewise
//   reads (.pdf .txt .text .md .markdown .html .htm .xhtml) and common document types it does
//   not read yet (.docx .odt .rtf .epub ...), which then show up as "unsupported" so the user
//   knows they were not forgotten. Photos, archives, programs etc. are left alone. A file the
//   caller named explicitly is always taken, whatever its extension.
// - Symbolic links are followed, but a folder is entered at most once (by device and inode),
//   so link loops end; the walk also stops 64 folders deep.
// - A subfolder that cannot be read is reported in `problems` and listed in
//   `unreadable_folders`, so callers do not take its files for deleted.
// - Paths are absolute and lexically normal (no "..", no trailing '/'), never resolved through
//   symlinks: the library keys documents by the path the user sees. Files come back sorted.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/status.h"

namespace pw::rag {

struct FoundFile {
  std::string path;      // absolute, lexically normal
  int64_t size = 0;      // bytes
  int64_t mtime_ns = 0;  // modification time, ns since the epoch
};

struct WalkResult {
  std::vector<FoundFile> files;                 // sorted by path, no duplicates
  std::vector<std::string> folders;             // every folder entered, the root first
  std::vector<std::string> unreadable_folders;  // folders whose content is unknown
  std::vector<Error> problems;                  // what went wrong, naming the path
  bool root_missing = false;                    // the root itself does not exist
  bool root_is_folder = false;
};

// Absolute and lexically normal, without a trailing separator: how the library spells paths.
std::string library_path_of(const std::filesystem::path& path);

// True when `path` is `folder` itself or lies inside it (both as library_path_of gives them).
bool path_is_under(const std::string& path, const std::string& folder);

// True for extensions (lowercase, with the dot) that a folder walk picks up.
bool is_document_extension(const std::string& extension);

// Walks `root` (a folder or a single file). `cancel` may be null; when set, the walk stops
// early and returns what it found so far.
WalkResult walk_documents(const std::filesystem::path& root, const std::atomic<bool>* cancel = nullptr);

}  // namespace pw::rag
