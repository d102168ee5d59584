// Where a cited passage is on a rendered PDF page: the passage's words are looked up in the
// page's word boxes (Poppler's text layer) and the boxes that match are highlighted.
// Comparison ignores case, punctuation and hyphenation at line ends, because the stored
// text was normalised during ingestion and the text layer is raw.
//
//   QVector<int> hit = pw::gui::match_passage_words(box_words, passage_text);  // indices into box_words
//   for (int i : hit) painter.fillRect(boxes[i], colour);
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace pw::gui {

// Lower-case letters and digits only ("Carry-over," -> "carryover"); empty for punctuation.
QString normalise_word(const QString& word);

// The indices of `page_words` that make up `passage` (its longest run of words matching in
// order, allowing a few words in between to differ). Empty when fewer than 3 words (or the
// whole passage when shorter) match.
QVector<int> match_passage_words(const QStringList& page_words, const QString& passage);

}  // namespace pw::gui
