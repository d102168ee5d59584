// Values the workers (gui/ingest_worker.h, gui/engine_worker.h) send to the GUI thread by
// queued signals: copies, never pointers into a worker's data.
//
//   connect(ingest, &IngestWorker::libraryChanged, model, &LibraryModel::setSnapshot);
//   connect(engine, &EngineWorker::failed, window, [](qint64, const UserError& e) { show(e.summary, e.details); });
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include "gui/answer_values.h"

namespace pw::gui {

// A problem told to the user: one plain sentence, and the technical text for "Details".
struct UserError {
  QString summary;
  QString details;
};

struct DocumentEntry {
  qint64 id = 0;
  QString path;
  QString title;
  QString format;
  QString status;        // ingest::to_string(DocumentStatus): "ok", "encrypted", "needs_ocr", ...
  QString reason;        // plain-language reason when status != ok
  int pages = 0;
  qint64 chunks = 0;
  QString sha256;
  QVector<int> needs_ocr_pages;
};

struct CollectionEntry {
  qint64 id = 0;
  QString name;
  QStringList sources;   // folders and files added to it
  QVector<DocumentEntry> documents;
};

using LibrarySnapshot = QVector<CollectionEntry>;

struct IngestProgressValue {
  int done = 0;
  int total = 0;
  QString current_file;
  double elapsed_s = 0;
  double eta_s = -1;
};

struct IngestSummary {
  int added = 0;
  int replaced = 0;
  int removed = 0;
  int unchanged = 0;
  int problems = 0;        // documents that could not be read, roots that do not exist
  QStringList messages;    // one line per problem, naming the file
  QStringList encrypted;   // paths of PDFs that need a password
  QString collection;
  bool cancelled = false;
  qint64 watch_ticket = 0;  // an add's request number (AppController's folder watch), else 0
};

struct ChatEntry {
  qint64 id = 0;
  QString title;
  qint64 updated_at = 0;
};

struct ChatTurn {
  QString question;
  ShownAnswer answer;
};

}  // namespace pw::gui

Q_DECLARE_METATYPE(pw::gui::UserError)
Q_DECLARE_METATYPE(pw::gui::LibrarySnapshot)
Q_DECLARE_METATYPE(pw::gui::IngestProgressValue)
Q_DECLARE_METATYPE(pw::gui::IngestSummary)
Q_DECLARE_METATYPE(pw::gui::ChatEntry)
Q_DECLARE_METATYPE(pw::gui::ChatTurn)
