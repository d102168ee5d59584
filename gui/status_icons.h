// Icons for a document's state in the library, and the words for each state. The icons are
// drawn by a QIconEngine at the device pixels asked for, so they stay sharp at any size and
// any device pixel ratio (QT_SCALE_FACTOR=2, a 4K screen): no bitmap is ever scaled up.
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
