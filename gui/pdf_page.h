// Renders one PDF page with Poppler (poppler-qt6) and highlights a passage on it.
//
//   pw::gui::RenderedPage r = pw::gui::render_pdf_page(path, 3, passage_text, 600, devicePixelRatioF(), colour);
//   if (!r.error.isEmpty()) show_text_instead();
//   label->setPixmap(QPixmap::fromImage(r.image));     // r.highlighted: the passage was found
//
// Rendering a page takes tens of milliseconds; the source panel calls it once per click.
#pragma once

#include <QColor>
#include <QImage>
#include <QRectF>
#include <QString>
#include <QVector>

namespace pw::gui {

struct RenderedPage {
  QImage image;
  int page = 0;              // 1-based
  int page_count = 0;
  bool highlighted = false;  // the passage's words were found on the page
  QVector<QRectF> boxes;     // highlighted word boxes, in image pixels
  QString error;             // non-empty when the page could not be rendered
};

RenderedPage render_pdf_page(const QString& path, int page, const QString& passage, int width_px, double device_ratio,
                             const QColor& highlight);

}  // namespace pw::gui
