// The library as the CLI and the GUI use it: collections of folders and files, ingested
// incrementally into the SQLite store, crash-safe, documents in parallel.
//
//   auto library = pw::rag::Library::open(pw::rag::LibraryStore::default_path());
//   if (!library) return library.error();
//   pw::rag::IngestOptions options;                   // passwords, threads, callbacks, cancel
//   auto report = library->add_paths("HR", {"/srv/policies", "/home/me/leave.pdf"}, options);
//   ...later, when the GUI's QFileSystemWatcher sees /srv/policies/2024 change:
//   auto again = library->rescan_folder("HR", "/srv/policies/2024", options);
//   library->remove_path("HR", "/home/me/leave.pdf");
//
// Incremental (tests rely on it): a file whose size and mtime match the stored ones is skipped;
// same size but other mtime is hashed (SHA-256) and skipped when the content is the same; a
// changed file is replaced in place; a file deleted from a scanned folder is removed. An
// unchanged PDF that was stored as encrypted is read again when passwords are given.
// A folder that is missing or unreadable removes nothing (an unmounted drive is not a
// deletion): the report lists it under `problems` instead.
//
// Crash safety (must not change): each document is saved in one transaction (see
// ingest_pipeline.h), and so is each removal. After a kill the library holds whole documents
// only, and the next scan finishes the job.
//
// Threading: a Library is one database connection; call it from one thread at a time (the GUI
// keeps it on its ingestion worker). Callbacks run on that thread. Readers elsewhere open their
// own LibraryStore on the same file. cancel (IngestOptions::cancel) may be set from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "rag/library/ingest_report.h"
#include "rag/library/library_sources.h"
#include "rag/store/embedding_backfill.h"
#include "rag/store/library_store.h"

namespace pw::rag {

class Library {
 public:
  Library(Library&&) noexcept = default;
  Library& operator=(Library&&) noexcept = default;

  // Opens or creates the library file (0600, parent folders 0700; see LibraryStore::open).
  static Result<Library> open(const std::filesystem::path& db_path, const LibraryOptions& options = {});

  LibraryStore& store() { return store_; }
  const std::string& path() const { return store_.path(); }

  // Adds folders and files to `collection` (created when missing), remembers them as sources
  // and ingests them: new and changed files are saved, unchanged ones skipped, files deleted
  // from an added folder removed. Paths that do not exist are reported in `problems` and not
  // remembered. An error means the library itself failed (the report is lost, the documents
  // saved so far stay).
  Result<IngestReport> add_paths(std::string_view collection, const std::vector<std::filesystem::path>& paths,
                                 const IngestOptions& options);

  // Re-reads one folder or file of a collection (whether or not it was added as a source; the
  // GUI calls this for the folder its watcher reported). A file that no longer exists is
  // removed from the collection.
  Result<IngestReport> rescan_folder(std::string_view collection, const std::filesystem::path& folder,
                                     const IngestOptions& options);

  // Rescans every source of one collection, or of all collections.
  Result<IngestReport> rescan_all(const IngestOptions& options, std::optional<std::string_view> collection = {});

  // Forgets a source and removes every document of the collection at or under `path` (one
  // transaction). Returns the removed documents' paths. The files on disk are not touched.
  // Removed text can linger in free pages and old index segments until store().compact().
  Result<std::vector<std::string>> remove_path(std::string_view collection, const std::filesystem::path& path);

  // The remembered folders and files (of one collection, or all).
  Result<std::vector<LibrarySource>> sources(std::optional<std::string_view> collection = {});

  // Every folder a watcher should observe: the folder sources and their subfolders (hidden
  // ones skipped, as the scan does), plus the folder of each file source.
  Result<std::vector<std::string>> folders_to_watch();

  // Switches to another embedding model without blocking search: vectors are computed in the
  // background on the library file (rag/store/embedding_backfill.h) and the model becomes the
  // active one when complete; searches keep the old model meanwhile.
  std::unique_ptr<EmbeddingBackfill> change_embedding_model(const EmbeddingModelSpec& model, EmbedFunction embed,
                                                            BackfillOptions options = {});

 private:
  explicit Library(LibraryStore store) : store_(std::move(store)) {}
  Result<int64_t> existing_collection(std::string_view name);

  LibraryStore store_;
};

}  // namespace pw::rag
