#include "gui/pdf_page.h"

#include <QObject>
#include <QPainter>
#include <poppler-qt6.h>

#include "gui/page_highlight.h"

namespace pw::gui {

RenderedPage render_pdf_page(const QString& path, int page_number, const QString& passage, int width_px,
                             double device_ratio, const QColor& highlight) {
  RenderedPage out;
  out.page = page_number;
  std::unique_ptr<Poppler::Document> doc = Poppler::Document::load(path);
  if (!doc) {
    out.error = QObject::tr("The file could not be opened (it may have been moved or deleted).");
    return out;
  }
  if (doc->isLocked()) {
    out.error = QObject::tr("The document is protected by a password, so its page cannot be shown here.");
    return out;
  }
  out.page_count = doc->numPages();
  if (page_number < 1 || page_number > out.page_count) {
    out.error = QObject::tr("Page %1 is not in the document (it has %2 pages).").arg(page_number).arg(out.page_count);
    return out;
  }
  doc->setRenderHint(Poppler::Document::Antialiasing);
  doc->setRenderHint(Poppler::Document::TextAntialiasing);
  std::unique_ptr<Poppler::Page> page = doc->page(page_number - 1);
  if (!page) {
    out.error = QObject::tr("Page %1 could not be read.").arg(page_number);
    return out;
  }
  const QSizeF points = page->pageSizeF();
  if (points.width() <= 0) {
    out.error = QObject::tr("Page %1 has no size.").arg(page_number);
    return out;
  }
  const double ratio = device_ratio > 0 ? device_ratio : 1.0;
  const double dpi = 72.0 * width_px * ratio / points.width();
  out.image = page->renderToImage(dpi, dpi);
  if (out.image.isNull()) {
    out.error = QObject::tr("Page %1 could not be drawn.").arg(page_number);
    return out;
  }

  if (!passage.trimmed().isEmpty()) {
    auto boxes = page->textList();
    QStringList words;
    for (const auto& b : boxes) words << b->text();
    const QVector<int> hit = match_passage_words(words, passage);
    const double scale = dpi / 72.0;
    if (!hit.isEmpty()) {
      QPainter painter(&out.image);
      painter.setCompositionMode(QPainter::CompositionMode_Multiply);
      QColor fill = highlight;
      fill.setAlpha(255);
      for (int i : hit) {
        const QRectF r = boxes[static_cast<size_t>(i)]->boundingBox();
        const QRectF px(r.x() * scale - 1, r.y() * scale - 1, r.width() * scale + 2, r.height() * scale + 2);
        painter.fillRect(px, fill);
        out.boxes << px;
      }
      out.highlighted = true;
    }
  }
  out.image.setDevicePixelRatio(ratio);
  return out;
}

}  // namespace pw::gui
