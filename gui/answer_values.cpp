#include "gui/answer_values.h"

#include <QObject>
#include <QRegularExpression>
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

QString heading_shown(const QString& heading_path) {
  QString shown = heading_path;
  return shown.replace(" > ", " \u203A ");
}

QString strip_heading(const QString& quote, const QString& heading_path) {
  const QString last = heading_path.section(" > ", -1).trimmed();
  const QString text = quote.trimmed();
  if (last.isEmpty() || !text.startsWith(last)) return quote;
  const QString rest = text.mid(last.size());
  // Only a whole heading: "4.2 Maximum daily dose The …", not "4.2 Maximum daily doses are …".
  if (!rest.isEmpty() && !rest.front().isSpace() && rest.front() != ':' && rest.front() != '.') return quote;
  QString out = rest;
  while (!out.isEmpty() && (out.front().isSpace() || out.front() == ':' || out.front() == '.')) out.remove(0, 1);
  return out.isEmpty() ? quote : out;
}

QString pages_text(const ShownSource& s) {
  return s.page_end > s.page_start ? QObject::tr("pages %1\u2013%2").arg(s.page_start).arg(s.page_end)
                                   : QObject::tr("page %1").arg(s.page_start);
}

QString readable_answer(const ShownAnswer& answer, bool markdown) {
  if (answer.mode != ShownAnswer::Mode::Extractive) return answer.text.trimmed();
  static const QRegularExpression marker(R"(\[(\d+)\]\s*$)");
  QStringList parts;
  for (const QString& raw : answer.text.split(QRegularExpression("\n\\s*\n"), Qt::SkipEmptyParts)) {
    QString paragraph = raw.trimmed();
    const auto m = marker.match(paragraph);
    const ShownSource* source = nullptr;
    if (m.hasMatch())
      for (const auto& s : answer.sources)
        if (s.number == m.captured(1).toInt()) source = &s;
    if (!source || source->heading_path.isEmpty()) {
      parts << paragraph;
      continue;
    }
    const QString body = strip_heading(paragraph.left(m.capturedStart()).trimmed(), source->heading_path);
    const QString where = heading_shown(source->heading_path) + " \u00B7 " + pages_text(*source);
    parts << (markdown ? QString("*%1*\n\n> %2 %3").arg(where, body, m.captured(0).trimmed())
                       : QString("%1\n\u201C%2\u201D %3").arg(where, body, m.captured(0).trimmed()));
  }
  return parts.join("\n\n");
}

QString answer_with_sources_text(const ShownAnswer& answer) {
  QString out = readable_answer(answer, false);
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

QString spoken_answer(const ShownAnswer& answer, int max_chars) {
  static const QRegularExpression markers(R"(\s*\[\d+(?:\s*,\s*\d+)*\])");
  static const QRegularExpression markup(R"((^|\n)\s*(#{1,6}|>|[-*\x{2022}])\s+|\*\*|`)");
  static const QRegularExpression space(R"(\s+)");
  QString text = answer.text;
  text.replace(markers, "");
  text.replace(markup, "\\1");
  text = text.replace(space, " ").trimmed();
  if (text.size() > max_chars) {
    qsizetype cut = text.lastIndexOf(' ', max_chars);
    if (cut < max_chars / 2) cut = max_chars;
    text = text.left(cut).trimmed() + "\u2026";
  }
  QString said = QObject::tr("Answer ready.") + " " + basis_line(answer);
  if (!said.endsWith('.')) said += '.';
  if (!text.isEmpty()) said += " " + text;
  return said;
}

}  // namespace pw::gui
