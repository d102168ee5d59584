// The chat transcript as HTML for a QTextBrowser: each question, the passages found (shown
// as soon as they arrive), the answer rendered from Markdown with [n] citations as clickable
// chips ("cite:<turn>:<n>" links), sentences the evidence check flagged marked with a tooltip,
// and a line saying what the answer is based on. No widgets: tests check the HTML directly.
//
//   pw::gui::TranscriptColors colors = pw::gui::colors_from(palette());
//   browser->setHtml(pw::gui::transcript_html(turns, colors));
//   connect(browser, &QTextBrowser::anchorClicked, [](const QUrl& u) { auto c = parse_citation_link(u); ... });
#pragma once

#include <QPalette>
#include <QString>
#include <QUrl>
#include <QVector>
#include <optional>

#include "gui/answer_values.h"

namespace pw::gui {

struct TurnState {
  enum class Phase { Searching, Reading, Streaming, Done, Stopped, Failed };
  QString question;
  ShownAnswer answer;       // sources first, text as it streams in
  Phase phase = Phase::Searching;
  QString error;            // Failed: the plain-language message
};

struct TranscriptColors {
  QString text, muted, chip_bg, chip_text, flag_bg, quote_bar, card_bg;
};

TranscriptColors colors_from(const QPalette& palette);

// Minimal Markdown to HTML: paragraphs, line breaks, "#" headings, "-"/"*" and "1." lists,
// "> " quotes, **bold**, *italic*, `code`. Text is escaped first; [n] markers become chips
// linking to "cite:<turn>:<n>" when n is one of `sources`; sentences in `flagged` are marked.
QString markdown_to_html(const QString& markdown, int turn, const QVector<int>& sources,
                         const QVector<ShownSentence>& flagged, const TranscriptColors& colors);

// An extractive answer: each quoted passage under its own heading line ("4. Paracetamol ›
// 4.2 Maximum daily dose · page 2"), the heading taken off the front of the quote so the two
// never run together, the quote marked with a bar and its [n] chip.
QString quoted_passages_html(const ShownAnswer& answer, int turn, const TranscriptColors& colors);
QString turn_html(const TurnState& turn, int index, const TranscriptColors& colors);
QString transcript_html(const QVector<TurnState>& turns, const TranscriptColors& colors);

struct CitationLink {
  int turn = 0;
  int number = 0;
};
std::optional<CitationLink> parse_citation_link(const QUrl& url);

}  // namespace pw::gui
