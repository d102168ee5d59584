// What the chat and the source panel show of an answer, as Qt values that travel by queued
// signals from the EngineWorker's thread to the GUI thread (copied, never shared).
//
//   connect(worker, &EngineWorker::sourcesFound, chat, [](qint64 id, const ShownAnswer& a) { ... a.sources ... });
//   for (const ShownSource& s : answer.sources) chip(s.number, s.title, s.page_start);
//
// Filled by gui/answer_conversion.h from the core's answer (rag/answer) or, for an exact
// search, from retrieval passages. Keep it plain data.
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace pw::gui {

struct ShownSource {
  int number = 0;                // cited as [number]
  qint64 chunk_id = 0;
  qint64 document_id = 0;
  QString path;
  QString title;
  QString heading_path;          // "Leave policy > 4.2 Carry-over"
  int page_start = 0;
  int page_end = 0;
  QString text;                  // the passage
  QString snippet;               // the sentences that best match the question
  int highlight_page = 0;        // the page to open
  QString highlight_text;        // the text to highlight on that page (from the stored page text)
  bool cited = false;
};

struct ShownSentence {
  QString text;                  // without citation markers
  bool supported = true;
  QStringList unsupported_facts; // e.g. "5 mg" not found in the cited sources
};

struct ShownAnswer {
  enum class Mode { Generated, Extractive, NotFound };
  Mode mode = Mode::NotFound;
  QString question;
  QString text;                  // Markdown with [n] citation markers
  QVector<ShownSentence> sentences;
  QVector<ShownSource> sources;
  QString model;                 // empty without a language model
  QString quantization;
  double seconds = 0;
};

// "2 passages from 1 document", or that nothing was found.
QString basis_line(const ShownAnswer& answer);

// What a screen reader says when an answer is finished: "Answer ready. 2 passages from 1
// document. The maximum daily dose …", the answer as plain text (no [n], no Markdown marks),
// cut at a word after about `max_chars` characters.
QString spoken_answer(const ShownAnswer& answer, int max_chars = 400);

// The heading path as shown ("Leave policy › 3.2 Annual leave").
QString heading_shown(const QString& heading_path);
// `quote` without a leading copy of the heading path's last heading ("4.2 Maximum daily dose
// The maximum …" -> "The maximum …"): the heading is shown on its own line instead.
QString strip_heading(const QString& quote, const QString& heading_path);
// "page 2", "pages 2–3".
QString pages_text(const ShownSource& source);
// The answer for reading outside the window (memo, clipboard): an extractive answer's quotes
// each under their heading path and page on a line of their own; other answers as written.
// `markdown`: the heading line in italics and the quote as "> "; else plain text.
QString readable_answer(const ShownAnswer& answer, bool markdown);

// The answer as plain text with its numbered sources underneath (Copy answer).
QString answer_with_sources_text(const ShownAnswer& answer);

}  // namespace pw::gui

Q_DECLARE_METATYPE(pw::gui::ShownSource)
Q_DECLARE_METATYPE(pw::gui::ShownAnswer)
