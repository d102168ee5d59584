#include "gui/page_highlight.h"

#include <QRegularExpression>

namespace pw::gui {

QString normalise_word(const QString& word) {
  QString out;
  out.reserve(word.size());
  for (QChar c : word)
    if (c.isLetterOrNumber()) out += c.toLower();
  return out;
}

QVector<int> match_passage_words(const QStringList& page_words, const QString& passage) {
  static const QRegularExpression space(R"(\s+)");
  QStringList wanted;
  for (const QString& w : passage.split(space, Qt::SkipEmptyParts)) {
    QString n = normalise_word(w);
    if (!n.isEmpty()) wanted << n;
  }
  QStringList page;
  QVector<int> page_index;  // page[i] came from page_words[page_index[i]]
  for (int i = 0; i < page_words.size(); ++i) {
    QString n = normalise_word(page_words[i]);
    if (n.isEmpty()) continue;
    page << n;
    page_index << i;
  }
  if (wanted.isEmpty() || page.isEmpty()) return {};

  // Greedy alignment from every start where the first few words agree; keep the longest.
  // A page word may be a hyphenated half ("carry-" + "over" in the text layer vs "carryover").
  const int anchor = static_cast<int>(std::min<qsizetype>(3, wanted.size()));
  QVector<int> best;
  for (int start = 0; start < page.size(); ++start) {
    QVector<int> hit;
    int w = 0, p = start, misses = 0;
    while (w < wanted.size() && p < page.size()) {
      if (page[p] == wanted[w]) {
        hit << page_index[p];
        ++w, ++p;
        misses = 0;
      } else if (p + 1 < page.size() && page[p] + page[p + 1] == wanted[w]) {
        hit << page_index[p] << page_index[p + 1];
        ++w, p += 2;
        misses = 0;
      } else if (w < anchor && hit.size() < anchor) {
        break;  // the start must match exactly
      } else if (++misses > 3) {
        break;
      } else if (p + 1 < page.size() && page[p + 1] == wanted[w]) {
        ++p;  // an extra word on the page (a running header, a footnote mark)
      } else {
        ++w;  // a word of the passage missing on the page
      }
    }
    if (hit.size() > best.size()) best = hit;
    if (w >= wanted.size()) break;
  }
  if (best.size() < std::min<qsizetype>(3, wanted.size())) return {};
  return best;
}

}  // namespace pw::gui
