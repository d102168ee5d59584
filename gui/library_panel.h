// The library panel (left of the main window): collections and their documents with a
// status icon each (reason on hover, everything in the details pane below), buttons to add
// files or folders (or drop them on the panel), remove and re-index, the indexing progress
// with its estimated time left, and the saved chats.
//
//   auto* library = new pw::gui::LibraryPanel(splitter);   // objectName "libraryPanel"
//   library->setModel(model);                                // LibraryModel, owned by the caller
//   connect(library, &LibraryPanel::pathsDropped, controller, &AppController::addPaths);
//
// The panel only shows and reports; the AppController does the work (IngestWorker).
// Object names: libraryTree, addFilesButton, addFolderButton, newCollectionButton,
// removeButton, reindexButton, unlockButton, documentDetails, indexProgress, indexStatus,
// cancelIndexButton, chatList, deleteChatButton, libraryEmptyHint.
#pragma once

#include <QFrame>
#include <QVector>

#include "gui/worker_values.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTreeView;
class QWidget;

namespace pw::gui {

class LibraryModel;

class LibraryPanel : public QFrame {
  Q_OBJECT
 public:
  explicit LibraryPanel(QWidget* parent = nullptr);

  void setModel(LibraryModel* model);
  // The collection new documents go to: the selected one (or the selected document's).
  QString currentCollection() const;
  QTreeView* tree() const { return tree_; }

  void showProgress(const IngestProgressValue& progress);
  void setIndexing(bool indexing);
  void setChats(const QVector<ChatEntry>& chats, qint64 current);

 signals:
  void addFilesRequested();
  void addFolderRequested();
  void pathsDropped(const QStringList& paths);
  void newCollectionRequested(const QString& name);
  void removeRequested(const QString& collection, const QString& path);
  void reindexRequested(const QString& collection, const QString& path);  // empty path: the whole library
  void unlockRequested(const QString& collection, const QString& path);
  void cancelIndexingRequested();
  void chatChosen(qint64 chat_id);
  void deleteChatRequested(qint64 chat_id);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void selectionChanged();
  void askCollectionName();
  void removeSelected();

  LibraryModel* model_ = nullptr;
  QTreeView* tree_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* details_ = nullptr;
  QPushButton* remove_ = nullptr;
  QPushButton* reindex_ = nullptr;
  QPushButton* unlock_ = nullptr;
  QWidget* progress_box_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* progress_label_ = nullptr;
  QListWidget* chats_ = nullptr;
  QPushButton* delete_chat_ = nullptr;
};

// "Indexing 3 of 12 · about 2 min left"
QString progress_text(const IngestProgressValue& progress);

}  // namespace pw::gui
