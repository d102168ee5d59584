// Icons for a document's state in the library (drawn, so they follow the palette and stay
// sharp at any scale: every size from 16 to 64 px is painted), and the words for each state.
//
//   item->setIcon(pw::gui::status_icon("needs_ocr"));
//   item->setToolTip(pw::gui::status_label("needs_ocr") + ": " + reason);
#pragma once

#include <QIcon>
#include <QString>

namespace pw::gui {

// status: "ok", "indexing", "needs_ocr", "encrypted", "damaged", "unsupported", "unreadable",
// "too_large" (anything else is drawn as damaged).
QIcon status_icon(const QString& status);
QString status_label(const QString& status);   // "Indexed", "Needs OCR", ...
QString status_explanation(const QString& status);  // what it means and what to do

}  // namespace pw::gui
