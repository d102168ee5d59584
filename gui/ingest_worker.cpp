#include "gui/ingest_worker.h"

#include <filesystem>

#include "engine/util/log.h"
#include "gui/user_errors.h"
#include "rag/library/library.h"

namespace pw::gui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

UserError IngestWorker::library_error(const QString& summary, const Error& e) const {
  return storage_error(summary, e, db_path_);
}

IngestWorker::IngestWorker(QString db_path, QObject* parent) : QObject(parent), db_path_(std::move(db_path)) {}
IngestWorker::~IngestWorker() = default;

void IngestWorker::open() {
  auto library = rag::Library::open(std::filesystem::path(db_path_.toStdString()));
  if (!library) {
    emit openFailed(library_error(tr("The library could not be opened."), library.error()));
    return;
  }
  library_ = std::make_unique<rag::Library>(std::move(*library));
  emit opened();
  refresh();
}

template <typename Run>
void IngestWorker::run(const QString& collection, Run&& body) {
  if (!library_) return;
  cancel_ = false;
  emit busyChanged(true);
  rag::IngestOptions options;
  options.threads = threads_;
  options.cancel = &cancel_;
  options.on_progress = [this](const rag::IngestProgress& p) {
    emit progress({p.done, p.total, q(p.current_file), p.elapsed_s, p.eta_s});
  };
  options.on_document = [this](const rag::DocumentOutcome& d) {
    emit documentFinished(q(d.path), QString::fromUtf8(ingest::to_string(d.status)));
  };
  Result<rag::IngestReport> report = body(options);
  IngestSummary summary;
  summary.collection = collection;
  summary.watch_ticket = watch_ticket_;
  if (!report) {
    emit failed(library_error(tr("Adding documents stopped: the library could not be written."), report.error()));
  } else {
    summary.cancelled = report->cancelled;
    for (const auto& d : report->documents) {
      switch (d.action) {
        case rag::IngestAction::Added: ++summary.added; break;
        case rag::IngestAction::Replaced: ++summary.replaced; break;
        case rag::IngestAction::Removed: ++summary.removed; break;
        case rag::IngestAction::Unchanged: ++summary.unchanged; break;
        case rag::IngestAction::Failed:
          ++summary.problems;
          summary.messages << QString("%1: %2").arg(q(d.path), q(d.error));
          break;
      }
      // Newly found encrypted PDFs (not the ones already known and skipped as unchanged).
      if ((d.action == rag::IngestAction::Added || d.action == rag::IngestAction::Replaced) &&
          d.status == ingest::DocumentStatus::Encrypted)
        summary.encrypted << q(d.path);
    }
    for (const auto& p : report->problems) {
      ++summary.problems;
      summary.messages << q(p.describe());
    }
  }
  emit busyChanged(false);
  emit runFinished(summary);
  refresh();
}

void IngestWorker::addPaths(const QString& collection, const QStringList& paths, const QStringList& passwords,
                            qint64 watch_ticket) {
  std::vector<std::filesystem::path> list;
  for (const auto& p : paths) list.emplace_back(p.toStdString());
  watch_ticket_ = watch_ticket;
  run(collection, [&](rag::IngestOptions& options) {
    for (const auto& pw : passwords) options.passwords.push_back(pw.toStdString());
    return library_->add_paths(collection.toStdString(), list, options);
  });
  watch_ticket_ = 0;
}

void IngestWorker::rescan(const QString& collection, const QString& path) {
  run(collection, [&](rag::IngestOptions& options) {
    return library_->rescan_folder(collection.toStdString(), std::filesystem::path(path.toStdString()), options);
  });
}

void IngestWorker::rescanAll() {
  run({}, [&](rag::IngestOptions& options) { return library_->rescan_all(options); });
}

void IngestWorker::removePath(const QString& collection, const QString& path) {
  if (!library_) return;
  auto removed = library_->remove_path(collection.toStdString(), std::filesystem::path(path.toStdString()));
  if (!removed) emit failed(library_error(tr("“%1” could not be removed from the library.").arg(path), removed.error()));
  refresh();
}

void IngestWorker::createCollection(const QString& name) {
  if (!library_) return;
  auto id = library_->store().ensure_collection(name.toStdString());
  if (!id) emit failed(library_error(tr("The collection “%1” could not be created.").arg(name), id.error()));
  refresh();
}

void IngestWorker::refresh() {
  if (!library_) return;
  auto& store = library_->store();
  auto collections = store.list_collections();
  if (!collections) {
    emit failed(library_error(tr("The library could not be read."), collections.error()));
    return;
  }
  auto sources = library_->sources();
  LibrarySnapshot snapshot;
  for (const auto& c : *collections) {
    CollectionEntry entry;
    entry.id = c.id;
    entry.name = q(c.name);
    if (sources)
      for (const auto& s : *sources)
        if (s.collection_id == c.id) entry.sources << q(s.path);
    auto documents = store.list_documents(c.id);
    if (documents) {
      for (const auto& d : *documents) {
        DocumentEntry doc;
        doc.id = d.id;
        doc.path = q(d.path);
        doc.title = q(d.title.empty() ? std::filesystem::path(d.path).filename().string() : d.title);
        doc.format = q(d.format);
        doc.status = QString::fromUtf8(ingest::to_string(d.status));
        doc.reason = q(d.error);
        doc.pages = d.pages;
        doc.chunks = d.chunk_count;
        doc.sha256 = q(d.sha256);
        for (int p : d.needs_ocr_pages) doc.needs_ocr_pages << p;
        entry.documents.push_back(doc);
      }
    }
    snapshot.push_back(entry);
  }
  emit libraryChanged(snapshot);
  auto folders = library_->folders_to_watch();
  if (folders) {
    QStringList list;
    for (const auto& f : *folders) list << q(f);
    emit watchListChanged(list);
  }
}

}  // namespace pw::gui
