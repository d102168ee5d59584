// An "answer memo": a chat written down so it can be filed or checked later. For each
// question: the answer, then every quoted source with document, page, heading path and the
// document's SHA-256 (so a reader can prove which file version was cited), plus the model,
// its quantization and the date.
//
//   QString md = pw::gui::memo_markdown(turns, shas, QDateTime::currentDateTime());
//   QString error = pw::gui::write_memo_pdf("/tmp/memo.pdf", md);   // empty on success
#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>
#include <QVector>

#include "gui/transcript_html.h"

namespace pw::gui {

// shas: document path -> SHA-256 (lowercase hex), from the library.
QString memo_markdown(const QVector<TurnState>& turns, const QHash<QString, QString>& shas, const QDateTime& when);

// Writes `markdown` as a PDF (A4, via QPdfWriter). Returns an error message, empty on success.
QString write_memo_pdf(const QString& path, const QString& markdown);
// Writes the Markdown as UTF-8. Returns an error message, empty on success.
QString write_memo_markdown(const QString& path, const QString& markdown);

}  // namespace pw::gui
