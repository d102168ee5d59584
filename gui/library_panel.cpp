#include "gui/library_panel.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "gui/library_model.h"
#include "gui/panel_parts.h"

namespace pw::gui {

namespace {

QPushButton* make_button(const QString& text, const char* name, const QString& description, QWidget* parent) {
  auto* b = new QPushButton(text, parent);
  b->setObjectName(name);
  b->setAccessibleName(QString(text).remove('&').remove(QChar(0x2026)));
  b->setAccessibleDescription(description);
  b->setToolTip(description);
  return b;
}

QStringList local_paths(const QMimeData* mime) {
  QStringList paths;
  if (!mime || !mime->hasUrls()) return paths;
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile()) paths << url.toLocalFile();
  return paths;
}

}  // namespace

QString progress_text(const IngestProgressValue& p) {
  QString text = p.total > 0 ? QObject::tr("Indexing %1 of %2").arg(std::min(p.done + 1, p.total)).arg(p.total)
                             : QObject::tr("Looking for documents\u2026");
  if (p.eta_s >= 0) {
    const int s = static_cast<int>(p.eta_s + 0.5);
    text += " \u00B7 " + (s < 60 ? QObject::tr("about %1 s left").arg(std::max(1, s))
                                 : QObject::tr("about %1 min left").arg((s + 30) / 60));
  }
  return text;
}

LibraryPanel::LibraryPanel(QWidget* parent) : QFrame(parent) {
  setObjectName("libraryPanel");
  setAccessibleName(tr("Library"));
  setAccessibleDescription(tr("The documents in your library"));
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(14, 14, 10, 14);
  layout->setSpacing(8);
  auto* heading = make_heading(tr("Library"), this);
  heading->setObjectName("libraryHeading");
  layout->addWidget(heading);

  auto* add_row = new QHBoxLayout;
  auto* add_files = make_button(tr("Add Files\u2026"), "addFilesButton", tr("Add PDF, text or Markdown files"), this);
  auto* add_folder = make_button(tr("Add Folder\u2026"), "addFolderButton",
                                 tr("Add every document in a folder; the folder is watched for changes"), this);
  add_row->addWidget(add_files);
  add_row->addWidget(add_folder);
  layout->addLayout(add_row);

  hint_ = make_hint(tr("No documents yet.\n\nUse Add Files\u2026 or Add Folder\u2026, or drop documents here. "
                       "PDF, text and Markdown documents are read."),
                    this);
  hint_->setObjectName("libraryEmptyHint");
  layout->addWidget(hint_);

  tree_ = new QTreeView(this);
  tree_->setObjectName("libraryTree");
  tree_->setAccessibleName(tr("Collections and documents"));
  tree_->setAccessibleDescription(tr("Each document shows whether it is indexed; select one to see details"));
  tree_->setHeaderHidden(true);
  tree_->setUniformRowHeights(true);
  tree_->setSelectionMode(QAbstractItemView::SingleSelection);
  tree_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layout->addWidget(tree_, 3);

  auto* row = new QHBoxLayout;
  auto* new_collection = make_button(tr("New\u2026"), "newCollectionButton", tr("Create a new collection"), this);
  remove_ = make_button(tr("&Remove"), "removeButton",
                        tr("Remove the selected document or collection source from the library (files stay on disk)"), this);
  reindex_ = make_button(tr("Re-&index"), "reindexButton", tr("Read the selected document, or the whole library, again"), this);
  unlock_ = make_button(tr("Unlock\u2026"), "unlockButton", tr("Enter the password of an encrypted document"), this);
  for (auto* b : {new_collection, remove_, reindex_, unlock_}) row->addWidget(b);
  row->addStretch(1);
  layout->addLayout(row);
  unlock_->setVisible(false);
  remove_->setEnabled(false);

  details_ = new QLabel(this);
  details_->setObjectName("documentDetails");
  details_->setAccessibleName(tr("Document details"));
  details_->setAccessibleDescription(tr("Status, pages, size and the reason for any problem of the selected document"));
  details_->setWordWrap(true);
  details_->setTextFormat(Qt::RichText);
  details_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  details_->setFocusPolicy(Qt::StrongFocus);
  details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  details_->setFrameShape(QFrame::StyledPanel);
  details_->setMargin(6);
  details_->setMinimumHeight(details_->fontMetrics().lineSpacing() * 4);
  layout->addWidget(details_, 1);

  progress_box_ = new QWidget(this);
  auto* pl = new QVBoxLayout(progress_box_);
  pl->setContentsMargins(0, 0, 0, 0);
  progress_label_ = new QLabel(progress_box_);
  progress_label_->setObjectName("indexStatus");
  progress_label_->setWordWrap(true);
  // Two lines (what and how long, then the file) without pushing the bar around.
  progress_label_->setMinimumHeight(progress_label_->fontMetrics().lineSpacing() * 2 + 4);
  auto* bar_row = new QHBoxLayout;
  progress_ = new QProgressBar(progress_box_);
  progress_->setObjectName("indexProgress");
  progress_->setAccessibleName(tr("Indexing progress"));
  progress_->setTextVisible(false);
  auto* cancel = make_button(tr("Stop"), "cancelIndexButton", tr("Stop indexing (documents read so far stay)"), progress_box_);
  bar_row->addWidget(progress_, 1);
  bar_row->addWidget(cancel);
  pl->addWidget(progress_label_);
  pl->addLayout(bar_row);
  progress_box_->setVisible(false);
  layout->addWidget(progress_box_);

  auto* chats_heading = make_heading(tr("Chats"), this);
  chats_heading->setObjectName("chatsHeading");
  layout->addWidget(chats_heading);
  chats_ = new QListWidget(this);
  chats_->setObjectName("chatList");
  chats_->setAccessibleName(tr("Saved chats"));
  chats_->setAccessibleDescription(tr("Open a saved chat with Enter or a click"));
  // Long titles are cut with "…" (the whole title is the tooltip), never scrolled sideways.
  chats_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  chats_->setTextElideMode(Qt::ElideRight);
  layout->addWidget(chats_, 2);
  delete_chat_ = make_button(tr("Delete Chat"), "deleteChatButton", tr("Delete the selected chat"), this);
  delete_chat_->setEnabled(false);
  layout->addWidget(delete_chat_, 0, Qt::AlignLeft);
  setMinimumWidth(220);

  connect(add_files, &QPushButton::clicked, this, &LibraryPanel::addFilesRequested);
  connect(add_folder, &QPushButton::clicked, this, &LibraryPanel::addFolderRequested);
  connect(new_collection, &QPushButton::clicked, this, &LibraryPanel::askCollectionName);
  connect(remove_, &QPushButton::clicked, this, &LibraryPanel::removeSelected);
  connect(cancel, &QPushButton::clicked, this, &LibraryPanel::cancelIndexingRequested);
  connect(reindex_, &QPushButton::clicked, this, [this] {
    const QModelIndex i = tree_->currentIndex();
    if (i.isValid() && i.data(LibraryModel::KindRole) == "document")
      emit reindexRequested(i.data(LibraryModel::CollectionRole).toString(), i.data(LibraryModel::PathRole).toString());
    else
      emit reindexRequested({}, {});
  });
  connect(unlock_, &QPushButton::clicked, this, [this] {
    const QModelIndex i = tree_->currentIndex();
    if (i.isValid())
      emit unlockRequested(i.data(LibraryModel::CollectionRole).toString(), i.data(LibraryModel::PathRole).toString());
  });
  connect(chats_, &QListWidget::itemActivated, this,
          [this](QListWidgetItem* item) { emit chatChosen(item->data(Qt::UserRole).toLongLong()); });
  connect(chats_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { emit chatChosen(item->data(Qt::UserRole).toLongLong()); });
  connect(chats_, &QListWidget::currentItemChanged, this,
          [this](QListWidgetItem* item) { delete_chat_->setEnabled(item != nullptr); });
  connect(delete_chat_, &QPushButton::clicked, this, [this] {
    if (auto* item = chats_->currentItem()) emit deleteChatRequested(item->data(Qt::UserRole).toLongLong());
  });
}

void LibraryPanel::setModel(LibraryModel* model) {
  model_ = model;
  tree_->setModel(model);
  auto refresh = [this] {
    tree_->expandAll();
    hint_->setVisible(model_->rowCount() == 0);
    selectionChanged();
  };
  connect(model, &QAbstractItemModel::modelReset, this, refresh);
  connect(model, &QAbstractItemModel::rowsInserted, this, refresh);
  connect(model, &QAbstractItemModel::rowsRemoved, this, refresh);
  connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this, &LibraryPanel::selectionChanged);
  refresh();
}

QString LibraryPanel::currentCollection() const {
  const QModelIndex i = tree_->currentIndex();
  if (i.isValid()) return i.data(LibraryModel::CollectionRole).toString();
  if (model_ && model_->rowCount() > 0) return model_->item(0)->data(LibraryModel::CollectionRole).toString();
  return {};
}

void LibraryPanel::selectionChanged() {
  const QModelIndex i = tree_->currentIndex();
  const bool document = i.isValid() && i.data(LibraryModel::KindRole) == "document";
  remove_->setEnabled(document);
  unlock_->setVisible(document && i.data(LibraryModel::StatusRole) == "encrypted");
  reindex_->setToolTip(document ? tr("Read the selected document again") : tr("Read every document of the library again"));
  details_->setText(i.isValid() ? i.data(LibraryModel::DetailsRole).toString()
                                : tr("Select a document to see its details."));
}

void LibraryPanel::askCollectionName() {
  // Not exec(): no nested event loop; the answer arrives by signal.
  auto* dialog = new QInputDialog(this);
  dialog->setObjectName("newCollectionDialog");
  dialog->setWindowTitle(tr("New Collection"));
  dialog->setLabelText(tr("Name of the collection (for example \u201CHR policies\u201D):"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString& name) {
    if (!name.trimmed().isEmpty()) emit newCollectionRequested(name.trimmed());
  });
  dialog->open();
}

void LibraryPanel::removeSelected() {
  const QModelIndex i = tree_->currentIndex();
  if (!i.isValid() || i.data(LibraryModel::KindRole) != "document") return;
  emit removeRequested(i.data(LibraryModel::CollectionRole).toString(), i.data(LibraryModel::PathRole).toString());
}

void LibraryPanel::showProgress(const IngestProgressValue& p) {
  progress_box_->setVisible(true);
  if (p.total > 0) {
    progress_->setRange(0, p.total);
    progress_->setValue(p.done);
  } else {
    progress_->setRange(0, 0);
  }
  QString text = progress_text(p);
  if (!p.current_file.isEmpty()) text += "\n" + QFileInfo(p.current_file).fileName();
  progress_label_->setText(text);
  progress_->setAccessibleDescription(progress_text(p));
}

void LibraryPanel::setIndexing(bool indexing) {
  progress_box_->setVisible(indexing);
  if (indexing) {
    progress_->setRange(0, 0);
    progress_label_->setText(tr("Looking for documents\u2026"));
  }
}

void LibraryPanel::setChats(const QVector<ChatEntry>& chats, qint64 current) {
  chats_->clear();
  for (const auto& c : chats) {
    auto* item = new QListWidgetItem(c.title, chats_);
    item->setData(Qt::UserRole, c.id);
    item->setToolTip(c.title);
    if (c.id == current) chats_->setCurrentItem(item);
  }
}

void LibraryPanel::dragEnterEvent(QDragEnterEvent* event) {
  if (!local_paths(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void LibraryPanel::dropEvent(QDropEvent* event) {
  const QStringList paths = local_paths(event->mimeData());
  if (paths.isEmpty()) return;
  event->acceptProposedAction();
  emit pathsDropped(paths);
}

}  // namespace pw::gui
