// What the library's ingestion takes (options, callbacks, cancel flag) and gives back (one
// outcome per document, totals). Plain values; the work is in rag/library/library.h.
//
//   std::atomic<bool> cancel{false};
//   pw::rag::IngestOptions options;
//   options.passwords = {"user2"};                       // tried on encrypted PDFs
//   options.cancel = &cancel;                            // set from any thread to stop
//   options.on_progress = [](const pw::rag::IngestProgress& p) { bar(p.done, p.total, p.eta_s); };
//   options.on_document = [](const pw::rag::DocumentOutcome& d) { row(d.path, to_string(d.status)); };
//   pw::Result<pw::rag::IngestReport> report = library.add_paths("HR", {"/srv/policies"}, options);
//   if (report && report->all_known()) ...              // every document ended in a known state
//
// Callbacks run on the thread that called the Library method (the single writer), never on
// the extraction workers, so a GUI worker can forward them as queued signals.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/util/status.h"
#include "ingest/chunker.h"
#include "ingest/document.h"
#include "ingest/extract.h"

namespace pw::rag {

// What this run did with a document.
enum class IngestAction {
  Added,      // new in the collection, extracted and saved
  Replaced,   // changed on disk (or retried with a password), saved anew
  Unchanged,  // same size and time, or same content: skipped
  Removed,    // deleted from disk (or its source removed): taken out of the library
  Failed,     // the machinery failed (could not start the PDF reader, database refused): not saved
};
const char* to_string(IngestAction action);  // "added", "replaced", "unchanged", "removed", "failed"

struct DocumentOutcome {
  std::string path;
  std::string collection;
  IngestAction action = IngestAction::Added;
  ingest::DocumentStatus status = ingest::DocumentStatus::Ok;  // as stored (for Removed: as it was)
  std::string error;   // the status's plain-language reason, a note on an ok document, or why it Failed
  int pages = 0;
  int64_t chunks = 0;
  double seconds = 0;  // extraction + chunking time this run (0 when not extracted)
};

struct IngestProgress {
  int done = 0;        // documents finished this run (saved or failed)
  int total = 0;       // documents to extract this run (unchanged ones are not counted)
  int64_t pages = 0;   // pages extracted so far
  int64_t chunks = 0;  // chunks saved so far
  std::string current_file;  // a file being worked on (or the last one finished)
  double elapsed_s = 0;
  double eta_s = -1;   // estimated seconds left (by bytes); -1 until there is a basis
};

struct IngestOptions {
  ingest::ExtractOptions extract;  // budgets; extract.password is tried first
  std::vector<std::string> passwords;  // then each of these on a PDF that came back encrypted
  // Token counts: the estimator unless chunk.count_tokens is set; that function is called from
  // several worker threads at once, so it must be thread-safe.
  ingest::ChunkOptions chunk;
  int threads = 0;                 // extraction workers; 0: one per core
  // Stops the run promptly when set: no new document is started or saved; documents already
  // saved stay (each was its own transaction), the rest is as before the run. May be null.
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const IngestProgress&)> on_progress;  // a few times a second at most
  std::function<void(const DocumentOutcome&)> on_document; // once per saved/failed/removed document
};

struct IngestReport {
  std::vector<DocumentOutcome> documents;  // every document the run looked at, sorted by path
  std::vector<Error> problems;   // roots that do not exist, unreadable folders: nothing was removed there
  bool cancelled = false;
  int64_t pages_extracted = 0;   // this run only
  int64_t chunks_written = 0;    // this run only
  double seconds = 0;

  int count(IngestAction action) const;
  std::map<std::string, int> count_by_status() const;  // over documents still in the library
  // True when every document ended in a known state (any DocumentStatus), nothing Failed,
  // no problem was met and the run was not cancelled.
  bool all_known() const;
};

}  // namespace pw::rag
