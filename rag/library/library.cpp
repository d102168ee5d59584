#include "rag/library/library.h"

#include "engine/util/log.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/util/sha256.h"
#include "rag/library/file_walk.h"
#include "rag/library/ingest_pipeline.h"

namespace pw::rag {
namespace {

using Clock = std::chrono::steady_clock;

bool cancelled(const IngestOptions& options) { return options.cancel && options.cancel->load(); }

bool has_password(const IngestOptions& options) {
  return !options.extract.password.empty() ||
         std::any_of(options.passwords.begin(), options.passwords.end(), [](const std::string& p) { return !p.empty(); });
}

DocumentOutcome outcome_of(const DocumentRecord& record, const std::string& collection, IngestAction action) {
  DocumentOutcome o;
  o.path = record.path;
  o.collection = collection;
  o.action = action;
  o.status = record.status;
  o.error = record.error;
  o.pages = record.pages;
  o.chunks = record.chunk_count;
  return o;
}

// What one call works through: the roots of one collection and the jobs found under them.
struct ScanState {
  int64_t collection_id = 0;
  std::string collection_name;
  std::unordered_map<std::string, DocumentRecord> stored;  // path -> record, at the start
  std::set<std::string> file_sources;                      // never removed by a folder scan
  std::set<std::string> seen;                              // files already taken by a root
  std::vector<IngestJob> jobs;
};

}  // namespace

Result<Library> Library::open(const std::filesystem::path& db_path, const LibraryOptions& options) {
  auto store = LibraryStore::open(db_path, options);
  if (!store) return store.error();
  return Library(std::move(*store));
}

Result<int64_t> Library::existing_collection(std::string_view name) {
  auto found = store_.collection_by_name(name);
  if (!found) return found.error();
  if (!*found) return Error(ErrorCode::NotFound, std::string(name), "no such collection in the library");
  return (*found)->id;
}

namespace {

Status load_state(LibraryStore& store, ScanState& state) {
  auto documents = store.list_documents(state.collection_id);
  if (!documents) return documents.error();
  for (auto& d : *documents) state.stored.emplace(d.path, std::move(d));
  auto sources = load_sources(store);
  if (!sources) return sources.error();
  for (const auto& s : sources->of_collection(state.collection_id))
    if (!s.is_folder) state.file_sources.insert(s.path);
  return ok_status();
}

// Removes the stored documents in `gone` (each in its own transaction, by id, so a document
// another process added meanwhile is never touched), and reports them.
Status remove_documents(LibraryStore& store, ScanState& state, const std::set<std::string>& gone,
                        const IngestOptions& options, IngestReport& report) {
  for (const std::string& path : gone) {
    auto it = state.stored.find(path);
    if (it == state.stored.end()) continue;
    auto removed = store.remove_document(it->second.id);
    if (!removed && removed.error().code() != ErrorCode::NotFound) return removed.error();
    DocumentOutcome o = outcome_of(it->second, state.collection_name, IngestAction::Removed);
    if (options.on_document) options.on_document(o);
    report.documents.push_back(std::move(o));
    state.stored.erase(it);
  }
  return ok_status();
}

// Walks one root, removes what disappeared under it, and queues what is new or changed.
Status scan_one_root(LibraryStore& store, ScanState& state, const std::string& root, const IngestOptions& options,
                     IngestReport& report) {
  WalkResult walk = walk_documents(root, options.cancel);
  if (cancelled(options)) return ok_status();  // a partial walk must never be taken for deletions
  if (walk.root_missing) {
    // A file that was deleted: remove it. A missing folder removes nothing (unmounted drive?).
    if (state.stored.count(root)) return remove_documents(store, state, {root}, options, report);
    report.problems.insert(report.problems.end(), walk.problems.begin(), walk.problems.end());
    return ok_status();
  }
  report.problems.insert(report.problems.end(), walk.problems.begin(), walk.problems.end());

  std::set<std::string> gone;
  if (walk.root_is_folder) {
    std::set<std::string> present;
    for (const auto& f : walk.files) present.insert(f.path);
    for (const auto& [path, record] : state.stored) {
      if (!path_is_under(path, root) || present.count(path)) continue;
      if (state.file_sources.count(path) && path != root) continue;  // added on its own: its own scan decides
      const bool unknown = std::any_of(walk.unreadable_folders.begin(), walk.unreadable_folders.end(),
                                       [&](const std::string& folder) { return path_is_under(path, folder); });
      if (!unknown) gone.insert(path);
    }
  }
  PW_TRY(remove_documents(store, state, gone, options, report));

  for (const FoundFile& file : walk.files) {
    if (!state.seen.insert(file.path).second) continue;
    auto found = state.stored.find(file.path);
    if (found == state.stored.end()) {
      state.jobs.push_back({file, IngestAction::Added, {}});
      continue;
    }
    std::string digest;  // kept when needs_update hashes, so the worker need not hash again
    auto fresh = store.needs_update(state.collection_id, file.path, file.size, file.mtime_ns,
                                    [&]() -> Result<std::string> {
                                      auto d = sha256_file(file.path);
                                      if (d) digest = *d;
                                      return d;
                                    });
    // A file that cannot be hashed is read again: extraction then records why it is unreadable.
    const FileState file_state = fresh ? *fresh : FileState::Changed;
    const bool retry_encrypted = found->second.status == ingest::DocumentStatus::Encrypted && has_password(options);
    if (file_state == FileState::Unchanged && !retry_encrypted) {
      report.documents.push_back(outcome_of(found->second, state.collection_name, IngestAction::Unchanged));
    } else {
      state.jobs.push_back({file, IngestAction::Replaced, digest});
    }
  }
  return ok_status();
}

Result<IngestReport> ingest_roots(LibraryStore& store, int64_t collection_id, const std::string& collection_name,
                                  const std::vector<std::string>& roots, const IngestOptions& options) {
  const auto start = Clock::now();
  IngestReport report;
  ScanState state;
  state.collection_id = collection_id;
  state.collection_name = collection_name;
  PW_TRY(load_state(store, state));
  for (const std::string& root : roots) {
    if (cancelled(options)) break;
    PW_TRY(scan_one_root(store, state, root, options, report));
  }
  if (cancelled(options)) {
    report.cancelled = true;
  } else {
    PW_TRY(run_ingest_jobs(store, collection_id, collection_name, std::move(state.jobs), options, report));
  }
  std::stable_sort(report.documents.begin(), report.documents.end(),
                   [](const DocumentOutcome& a, const DocumentOutcome& b) { return a.path < b.path; });
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  pw::log::info("library: collection '{}': {} added, {} replaced, {} unchanged, {} removed, {} failed{} in {:.1f} s",
               collection_name, report.count(IngestAction::Added), report.count(IngestAction::Replaced),
               report.count(IngestAction::Unchanged), report.count(IngestAction::Removed),
               report.count(IngestAction::Failed), report.cancelled ? " (cancelled)" : "", report.seconds);
  return report;
}

}  // namespace

Result<IngestReport> Library::add_paths(std::string_view collection, const std::vector<std::filesystem::path>& paths,
                                        const IngestOptions& options) {
  if (collection.empty()) return Error(ErrorCode::InvalidArgument, "a collection needs a name");
  auto collection_id = store_.ensure_collection(collection);
  if (!collection_id) return collection_id.error();
  auto sources = load_sources(store_);
  if (!sources) return sources.error();
  std::vector<std::string> roots;
  bool changed = false;
  for (const auto& p : paths) {
    const std::string root = library_path_of(p);
    if (std::find(roots.begin(), roots.end(), root) != roots.end()) continue;
    roots.push_back(root);
    std::error_code ec;
    const auto status = std::filesystem::status(root, ec);
    if (ec || !std::filesystem::exists(status)) continue;  // reported by the scan, not remembered
    sources->add({*collection_id, root, std::filesystem::is_directory(status)});
    changed = true;
  }
  if (changed) PW_TRY(save_sources(store_, *sources));
  return ingest_roots(store_, *collection_id, std::string(collection), roots, options);
}

Result<IngestReport> Library::rescan_folder(std::string_view collection, const std::filesystem::path& folder,
                                            const IngestOptions& options) {
  auto collection_id = existing_collection(collection);
  if (!collection_id) return collection_id.error();
  return ingest_roots(store_, *collection_id, std::string(collection), {library_path_of(folder)}, options);
}

Result<IngestReport> Library::rescan_all(const IngestOptions& options, std::optional<std::string_view> collection) {
  auto collections = store_.list_collections();
  if (!collections) return collections.error();
  auto sources = load_sources(store_);
  if (!sources) return sources.error();
  IngestReport total;
  for (const auto& c : *collections) {
    if (collection && c.name != *collection) continue;
    std::vector<std::string> roots;
    for (const auto& s : sources->of_collection(c.id)) roots.push_back(s.path);
    if (roots.empty()) continue;
    auto report = ingest_roots(store_, c.id, c.name, roots, options);
    if (!report) return report.error();
    total.documents.insert(total.documents.end(), report->documents.begin(), report->documents.end());
    total.problems.insert(total.problems.end(), report->problems.begin(), report->problems.end());
    total.pages_extracted += report->pages_extracted;
    total.chunks_written += report->chunks_written;
    total.seconds += report->seconds;
    if (report->cancelled) {
      total.cancelled = true;
      break;
    }
  }
  return total;
}

Result<std::vector<std::string>> Library::remove_path(std::string_view collection, const std::filesystem::path& path) {
  auto collection_id = existing_collection(collection);
  if (!collection_id) return collection_id.error();
  const std::string root = library_path_of(path);
  auto sources = load_sources(store_);
  if (!sources) return sources.error();
  if (sources->remove(*collection_id, root)) PW_TRY(save_sources(store_, *sources));
  auto documents = store_.list_documents(*collection_id);
  if (!documents) return documents.error();
  std::vector<std::string> keep;
  for (const auto& d : *documents)
    if (!path_is_under(d.path, root)) keep.push_back(d.path);
  if (keep.size() == documents->size()) return std::vector<std::string>();
  return store_.remove_documents_not_in(*collection_id, keep);
}

Result<std::vector<LibrarySource>> Library::sources(std::optional<std::string_view> collection) {
  auto sources = load_sources(store_);
  if (!sources) return sources.error();
  auto collections = store_.list_collections();
  if (!collections) return collections.error();
  std::vector<int64_t> ids;
  std::optional<int64_t> wanted;
  for (const auto& c : *collections) {
    ids.push_back(c.id);
    if (collection && c.name == *collection) wanted = c.id;
  }
  if (collection && !wanted) return Error(ErrorCode::NotFound, std::string(*collection), "no such collection in the library");
  sources->keep_collections(ids);  // sources of deleted collections are forgotten
  return wanted ? sources->of_collection(*wanted) : sources->all();
}

Result<std::vector<std::string>> Library::folders_to_watch() {
  auto all = sources();
  if (!all) return all.error();
  std::set<std::string> folders;
  for (const auto& s : *all) {
    if (s.is_folder) {
      WalkResult walk = walk_documents(s.path);
      folders.insert(walk.folders.begin(), walk.folders.end());
    } else {
      folders.insert(std::filesystem::path(s.path).parent_path().string());
    }
  }
  return std::vector<std::string>(folders.begin(), folders.end());
}

std::unique_ptr<EmbeddingBackfill> Library::change_embedding_model(const EmbeddingModelSpec& model, EmbedFunction embed,
                                                                   BackfillOptions options) {
  return EmbeddingBackfill::start(store_.path(), model, std::move(embed), options);
}

}  // namespace pw::rag
