#include "gui/answer_memo.h"

#include <QObject>
#include <QPageSize>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTextDocument>

#include "pagewise/version.h"

namespace pw::gui {

QString memo_markdown(const QVector<TurnState>& turns, const QHash<QString, QString>& shas, const QDateTime& when) {
  QString md = QObject::tr("# Answer memo") + "\n\n";
  md += QObject::tr("Date: %1").arg(when.toString(Qt::ISODate)) + "  \n";
  md += QObject::tr("Written with %1 %2").arg(PAGEWISE_NAME, PAGEWISE_VERSION) + "\n\n";
  int n = 0;
  for (const auto& t : turns) {
    if (t.phase != TurnState::Phase::Done && t.phase != TurnState::Phase::Stopped) continue;
    const ShownAnswer& a = t.answer;
    md += QString("## %1. %2\n\n").arg(++n).arg(t.question);
    md += QObject::tr("**Answer**") + "\n\n" + readable_answer(a, true) + "\n\n";
    QString how;
    if (a.mode == ShownAnswer::Mode::Generated)
      how = QObject::tr("Model: %1, quantization: %2")
                .arg(a.model.isEmpty() ? QObject::tr("unknown") : a.model,
                     a.quantization.isEmpty() ? QObject::tr("unknown") : a.quantization);
    else if (a.mode == ShownAnswer::Mode::Extractive)
      how = QObject::tr("Model: none (passages quoted from the documents)");
    else
      how = QObject::tr("Not found in the documents");
    md += QString("*%1. %2*\n\n").arg(how, basis_line(a));
    if (!a.sources.isEmpty()) {
      md += QObject::tr("**Sources**") + "\n\n";
      for (const auto& s : a.sources) {
        const QString page = s.page_end > s.page_start ? QObject::tr("pages %1\u2013%2").arg(s.page_start).arg(s.page_end)
                                                       : QObject::tr("page %1").arg(s.page_start);
        md += QString("[%1] **%2**, %3").arg(s.number).arg(s.title, page);
        if (!s.heading_path.isEmpty()) md += " \u2014 " + s.heading_path;
        md += "  \n";
        md += QObject::tr("File: %1").arg(s.path) + "  \n";
        md += QObject::tr("SHA-256: %1").arg(shas.value(s.path, QObject::tr("unknown (no longer in the library)"))) + "\n\n";
        QString quote = (s.highlight_text.isEmpty() ? s.snippet : s.highlight_text).simplified();
        if (quote.size() > 800) quote = quote.left(800) + QChar(0x2026);
        if (!quote.isEmpty()) md += "> " + quote + "\n\n";
      }
    }
  }
  return md;
}

QString write_memo_markdown(const QString& path, const QString& markdown) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return file.errorString();
  const QByteArray bytes = markdown.toUtf8();
  if (file.write(bytes) != bytes.size()) return file.errorString();
  if (!file.commit()) return file.errorString();
  return {};
}

QString write_memo_pdf(const QString& path, const QString& markdown) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return file.errorString();
  {
    QPdfWriter writer(&file);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(150);
    writer.setTitle(QObject::tr("Answer memo"));
    writer.setCreator(PAGEWISE_NAME);
    QTextDocument doc;
    doc.setMarkdown(markdown);
    doc.setPageSize(QSizeF(writer.width(), writer.height()));
    QFont font = doc.defaultFont();
    font.setPointSizeF(10.5);
    doc.setDefaultFont(font);
    doc.print(&writer);
  }
  if (!file.commit()) return file.errorString();
  return {};
}

}  // namespace pw::gui
