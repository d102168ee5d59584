// The ingestion engine behind Library: extracts and chunks documents on N worker threads
// (each PDF is read in its own child process by ingest::extract) and saves them on ONE writer,
// the calling thread, each document in its own transaction.
//
//   std::vector<pw::rag::IngestJob> jobs = {{found_file, pw::rag::IngestAction::Added}, ...};
//   PW_TRY(pw::rag::run_ingest_jobs(store, collection_id, "HR", std::move(jobs), options, report));
//
// Why one writer: SQLite has one writer at a time anyway; keeping every write on one
// connection means no lock waits and a crash can only ever lose the document being written
// (its transaction), never leave half of one. Workers run at most threads + 1 documents ahead
// of the writer, so memory stays bounded by a few documents.
// Must not change: a document is saved with store.replace_document (one transaction), never
// in pieces; cancel stops before the next save, so the library always holds whole documents.
#pragma once

#include <string>
#include <vector>

#include "engine/util/status.h"
#include "rag/library/file_walk.h"
#include "rag/library/ingest_report.h"
#include "rag/store/library_store.h"

namespace pw::rag {

struct IngestJob {
  FoundFile file;
  IngestAction action = IngestAction::Added;  // Added or Replaced: what a successful save means
  std::string sha256;  // when the scan already hashed the file; empty: the worker hashes it
};

// Extracts, chunks and saves `jobs`; appends one DocumentOutcome per finished job to `report`
// (and calls options.on_document / on_progress on this thread). Sets report.cancelled when
// options.cancel stopped it. Returns an error only when the store failed to save (disk full,
// database damaged): then nothing more can be saved and the run stops; outcomes so far stay.
Status run_ingest_jobs(LibraryStore& store, int64_t collection_id, const std::string& collection_name,
                       std::vector<IngestJob> jobs, const IngestOptions& options, IngestReport& report);

// Extract with the passwords of `options` tried in turn on an encrypted PDF, then chunk (only
// documents with text: status ok or needs_ocr). Used by the workers; exposed for tests/bench.
struct PreparedDocument {
  Result<ingest::ExtractedDocument> document{Error()};
  std::vector<ingest::Chunk> chunks;
  std::string sha256;  // of the file, "" when it could not be read
};
PreparedDocument prepare_document(const std::string& path, const IngestOptions& options,
                                  const std::string& known_sha256 = {});

}  // namespace pw::rag
