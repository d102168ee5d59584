// Ingestion off the GUI thread: owns the rag::Library (one database connection) on its own
// QThread and reports by queued signals carrying values.
//
//   auto* thread = new QThread(this);
//   auto* worker = new pw::gui::IngestWorker(db_path);       // no parent: moved to the thread
//   worker->moveToThread(thread);
//   connect(thread, &QThread::finished, worker, &QObject::deleteLater);
//   thread->start();
//   QMetaObject::invokeMethod(worker, "open");                // queued
//   QMetaObject::invokeMethod(worker, [=] { worker->addPaths("HR", {"/srv/hr"}, {}); });
//
// Every slot runs on the worker's thread, one at a time (queued); a long run can be stopped
// from any thread with cancel(). After each change the worker sends the whole library as a
// LibrarySnapshot (small: rows, not text) and the folders to watch.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>

#include "engine/util/status.h"
#include "gui/worker_values.h"

namespace pw::rag {
class Library;
}

namespace pw::gui {

class IngestWorker : public QObject {
  Q_OBJECT
 public:
  explicit IngestWorker(QString db_path, QObject* parent = nullptr);
  ~IngestWorker() override;

  // Thread-safe: stops the current run before its next document.
  void cancel() { cancel_ = true; }
  void setThreads(int threads) { threads_ = threads; }

 public slots:
  void open();
  // watch_ticket comes back in the run's IngestSummary (AppController watches added folders
  // from the moment it asks, and needs to know when the library's own list takes over).
  void addPaths(const QString& collection, const QStringList& paths, const QStringList& passwords,
                qint64 watch_ticket = 0);
  void rescan(const QString& collection, const QString& path);  // a watched folder changed
  void rescanAll();
  void removePath(const QString& collection, const QString& path);
  void createCollection(const QString& name);
  void refresh();  // sends libraryChanged and watchListChanged

 signals:
  void opened();
  void openFailed(const pw::gui::UserError& error);
  void busyChanged(bool busy);
  void progress(const pw::gui::IngestProgressValue& progress);
  void documentFinished(const QString& path, const QString& status);
  void runFinished(const pw::gui::IngestSummary& summary);
  void failed(const pw::gui::UserError& error);
  void libraryChanged(const pw::gui::LibrarySnapshot& snapshot);
  void watchListChanged(const QStringList& folders);

 private:
  template <typename Run>
  void run(const QString& collection, Run&& body);
  UserError library_error(const QString& summary, const Error& e) const;

  QString db_path_;
  std::unique_ptr<rag::Library> library_;
  std::atomic<bool> cancel_{false};
  std::atomic<int> threads_{0};
  qint64 watch_ticket_ = 0;  // of the add being run (worker thread only)
};

}  // namespace pw::gui
