// The library as a two-level item model for the tree in the library panel: collections, and
// under each its documents with a status icon, the reason on hover, and the details the
// panel's details pane shows. Lives on the GUI thread; fed by IngestWorker's snapshots.
//
//   auto* model = new pw::gui::LibraryModel(this);
//   connect(ingest, &IngestWorker::libraryChanged, model, &LibraryModel::setSnapshot);
//   connect(ingest, &IngestWorker::progress, model, [=](auto& p) { model->markIndexing(collection, p.current_file); });
#pragma once

#include <QStandardItemModel>

#include "gui/worker_values.h"

namespace pw::gui {

class LibraryModel : public QStandardItemModel {
  Q_OBJECT
 public:
  enum Role {
    KindRole = Qt::UserRole + 1,  // "collection" or "document"
    IdRole,                       // collection or document id
    PathRole,                     // document path
    StatusRole,                   // document status ("ok", "indexing", ...)
    CollectionRole,               // the collection's name (on both levels)
    DetailsRole,                  // rich text for the details pane
  };

  explicit LibraryModel(QObject* parent = nullptr);

  void setSnapshot(const pw::gui::LibrarySnapshot& snapshot);
  const LibrarySnapshot& snapshot() const { return snapshot_; }

  // Shows `path` as being indexed in `collection` (a new row until the next snapshot).
  void markIndexing(const QString& collection, const QString& path);

  int documentCount() const;
  QStandardItem* collectionItem(const QString& name) const;
  QStandardItem* documentItem(const QString& path) const;

  // The collection a changed folder belongs to: the one with a source at or above `path`.
  QString collectionForPath(const QString& path) const;

 private:
  LibrarySnapshot snapshot_;
};

QString document_details_html(const DocumentEntry& document, const QString& collection);

}  // namespace pw::gui
