#include "gui/answer_values.h"

#include <QObject>
#include <QSet>

namespace pw::gui {

QString basis_line(const ShownAnswer& answer) {
  if (answer.mode == ShownAnswer::Mode::NotFound || answer.sources.isEmpty())
    return answer.sources.isEmpty() ? QObject::tr("Nothing was found in your documents.")
                                    : QObject::tr("Not found in your documents; the closest passages are shown.");
  QSet<QString> documents;
  for (const auto& s : answer.sources) documents.insert(s.path);
  const int passages = static_cast<int>(answer.sources.size());
  const int docs = static_cast<int>(documents.size());
  const QString p = passages == 1 ? QObject::tr("1 passage") : QObject::tr("%1 passages").arg(passages);
  const QString d = docs == 1 ? QObject::tr("1 document") : QObject::tr("%1 documents").arg(docs);
  return QObject::tr("%1 from %2").arg(p, d);
}

QString answer_with_sources_text(const ShownAnswer& answer) {
  QString out = answer.text.trimmed();
  if (!answer.sources.isEmpty()) {
    out += "\n\n" + QObject::tr("Sources:");
    for (const auto& s : answer.sources) {
      QString page = s.page_end > s.page_start ? QObject::tr("pages %1\u2013%2").arg(s.page_start).arg(s.page_end)
                                               : QObject::tr("page %1").arg(s.page_start);
      out += QString("\n[%1] %2, %3").arg(s.number).arg(s.title, page);
      if (!s.heading_path.isEmpty()) out += " \u2014 " + s.heading_path;
    }
  }
  return out;
}

}  // namespace pw::gui
