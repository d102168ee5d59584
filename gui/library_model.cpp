#include "gui/library_model.h"

#include <QDir>
#include <QFileInfo>

#include "gui/status_icons.h"

namespace pw::gui {

namespace {

// A stored reason is a plain sentence, sometimes followed by the reader's own words in
// "(error: …)": the sentence is what the user reads, the rest goes under "Technical details".
std::pair<QString, QString> split_reason(const QString& reason) {
  const qsizetype at = reason.indexOf(" (error: ");
  if (at < 0) return {reason, {}};
  QString technical = reason.mid(at + 9);
  if (technical.endsWith(')')) technical.chop(1);
  return {reason.left(at), technical};
}

QStandardItem* make_document_item(const DocumentEntry& d, const QString& collection) {
  auto* item = new QStandardItem(status_icon(d.status), d.title.isEmpty() ? QFileInfo(d.path).fileName() : d.title);
  item->setEditable(false);
  item->setData("document", LibraryModel::KindRole);
  item->setData(d.id, LibraryModel::IdRole);
  item->setData(d.path, LibraryModel::PathRole);
  item->setData(d.status, LibraryModel::StatusRole);
  item->setData(collection, LibraryModel::CollectionRole);
  item->setData(document_details_html(d, collection), LibraryModel::DetailsRole);
  QString tip = status_label(d.status);
  if (!d.reason.isEmpty()) tip += ": " + split_reason(d.reason).first;
  else if (d.status != "ok") tip += ": " + status_explanation(d.status);
  item->setToolTip(QString("%1\n%2").arg(d.path, tip));
  // Screen readers read the state with the name.
  item->setData(QString("%1, %2").arg(item->text(), status_label(d.status)), Qt::AccessibleTextRole);
  item->setData(tip, Qt::AccessibleDescriptionRole);
  return item;
}

}  // namespace

LibraryModel::LibraryModel(QObject* parent) : QStandardItemModel(parent) {
  setHorizontalHeaderLabels({tr("Documents")});
}

QString document_details_html(const DocumentEntry& d, const QString& collection) {
  QString html = QString("<p><b>%1</b></p><p>").arg(d.title.toHtmlEscaped());
  html += QObject::tr("State: %1").arg(status_label(d.status).toHtmlEscaped()) + "<br>";
  const auto [plain, technical] = split_reason(d.reason);
  const QString reason = plain.isEmpty() ? status_explanation(d.status) : plain;
  if (!reason.isEmpty()) html += reason.toHtmlEscaped() + "<br>";
  if (d.status != "ok" && !plain.isEmpty() && !status_explanation(d.status).isEmpty())
    html += status_explanation(d.status).toHtmlEscaped() + "<br>";
  if (!technical.isEmpty())
    html += "<small>" + QObject::tr("Technical details: %1").arg(technical.toHtmlEscaped()) + "</small><br>";
  if (!d.needs_ocr_pages.isEmpty()) {
    QStringList pages;
    for (int p : d.needs_ocr_pages) pages << QString::number(p);
    html += QObject::tr("Pages without text: %1").arg(pages.join(", ")) + "<br>";
  }
  html += "</p><p>";
  html += QObject::tr("Collection: %1").arg(collection.toHtmlEscaped()) + "<br>";
  if (d.pages > 0) html += QObject::tr("Pages: %1").arg(d.pages) + "<br>";
  if (d.chunks > 0) html += QObject::tr("Passages: %1").arg(d.chunks) + "<br>";
  if (!d.format.isEmpty()) html += QObject::tr("Format: %1").arg(d.format.toUpper().toHtmlEscaped()) + "<br>";
  html += QObject::tr("File: %1").arg(QDir::toNativeSeparators(d.path).toHtmlEscaped()) + "</p>";
  return html;
}

void LibraryModel::setSnapshot(const LibrarySnapshot& snapshot) {
  snapshot_ = snapshot;
  removeRows(0, rowCount());
  for (const auto& c : snapshot) {
    auto* item = new QStandardItem(c.name);
    item->setEditable(false);
    QFont font = item->font();
    font.setBold(true);
    item->setFont(font);
    item->setData("collection", KindRole);
    item->setData(c.id, IdRole);
    item->setData(c.name, CollectionRole);
    item->setToolTip((c.documents.size() == 1 ? tr("1 document") : tr("%1 documents").arg(c.documents.size())));
    item->setData(QString("<p><b>%1</b></p><p>%2</p><p>%3</p>")
                      .arg(c.name.toHtmlEscaped(), item->toolTip(),
                           c.sources.isEmpty() ? QString() : tr("Added: %1").arg(c.sources.join(", ").toHtmlEscaped())),
                  DetailsRole);
    for (const auto& d : c.documents) item->appendRow(make_document_item(d, c.name));
    appendRow(item);
  }
}

void LibraryModel::markIndexing(const QString& collection, const QString& path) {
  if (path.isEmpty()) return;
  if (QStandardItem* doc = documentItem(path)) {
    doc->setIcon(status_icon("indexing"));
    doc->setData("indexing", StatusRole);
    return;
  }
  QStandardItem* parent = collectionItem(collection);
  if (!parent) return;
  DocumentEntry d;
  d.path = path;
  d.title = QFileInfo(path).fileName();
  d.status = "indexing";
  parent->appendRow(make_document_item(d, collection));
}

int LibraryModel::documentCount() const {
  int n = 0;
  for (const auto& c : snapshot_) n += static_cast<int>(c.documents.size());
  return n;
}

QStandardItem* LibraryModel::collectionItem(const QString& name) const {
  for (int r = 0; r < rowCount(); ++r)
    if (item(r)->data(CollectionRole).toString() == name) return item(r);
  return nullptr;
}

QStandardItem* LibraryModel::documentItem(const QString& path) const {
  for (int r = 0; r < rowCount(); ++r) {
    QStandardItem* c = item(r);
    for (int i = 0; i < c->rowCount(); ++i)
      if (c->child(i)->data(PathRole).toString() == path) return c->child(i);
  }
  return nullptr;
}

QString LibraryModel::collectionForPath(const QString& path) const {
  QString best;
  qsizetype best_len = -1;
  for (const auto& c : snapshot_) {
    for (const auto& s : c.sources) {
      const bool under = path == s || path.startsWith(s.endsWith('/') ? s : s + '/');
      const bool file_folder = QFileInfo(s).absolutePath() == path;  // a watched file's folder
      if ((under || file_folder) && s.size() > best_len) {
        best = c.name;
        best_len = s.size();
      }
    }
  }
  return best;
}

}  // namespace pw::gui
