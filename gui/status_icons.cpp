#include "gui/status_icons.h"

#include <QHash>
#include <QObject>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace pw::gui {

namespace {

QPixmap paint(const QString& status, int size) {
  QPixmap pm(size, size);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  const double s = size;
  const QRectF circle(s * 0.06, s * 0.06, s * 0.88, s * 0.88);
  QColor fill;
  if (status == "ok") fill = QColor(46, 139, 87);
  else if (status == "indexing") fill = QColor(52, 120, 200);
  else if (status == "needs_ocr") fill = QColor(214, 140, 0);
  else if (status == "encrypted") fill = QColor(120, 90, 170);
  else fill = QColor(200, 50, 50);
  p.setPen(Qt::NoPen);
  p.setBrush(fill);
  p.drawEllipse(circle);
  QPen pen(Qt::white, std::max(1.5, s * 0.11), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
  p.setPen(pen);
  p.setBrush(Qt::NoBrush);
  if (status == "ok") {
    QPainterPath tick;
    tick.moveTo(s * 0.28, s * 0.52);
    tick.lineTo(s * 0.44, s * 0.68);
    tick.lineTo(s * 0.72, s * 0.34);
    p.drawPath(tick);
  } else if (status == "indexing") {
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::white);
    for (double x : {0.3, 0.5, 0.7}) p.drawEllipse(QPointF(s * x, s * 0.5), s * 0.07, s * 0.07);
  } else if (status == "needs_ocr") {
    p.drawLine(QPointF(s * 0.5, s * 0.25), QPointF(s * 0.5, s * 0.56));
    p.drawPoint(QPointF(s * 0.5, s * 0.74));
  } else if (status == "encrypted") {
    p.drawArc(QRectF(s * 0.36, s * 0.22, s * 0.28, s * 0.3), 0, 180 * 16);
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::white);
    p.drawRoundedRect(QRectF(s * 0.3, s * 0.42, s * 0.4, s * 0.32), s * 0.05, s * 0.05);
  } else {
    p.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67));
    p.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67));
  }
  return pm;
}

}  // namespace

QIcon status_icon(const QString& status) {
  static QHash<QString, QIcon> cache;
  auto it = cache.find(status);
  if (it != cache.end()) return *it;
  QIcon icon;
  for (int size : {16, 20, 24, 32, 48, 64}) icon.addPixmap(paint(status, size));
  cache.insert(status, icon);
  return icon;
}

QString status_label(const QString& status) {
  if (status == "ok") return QObject::tr("Indexed");
  if (status == "indexing") return QObject::tr("Indexing");
  if (status == "needs_ocr") return QObject::tr("Needs OCR");
  if (status == "encrypted") return QObject::tr("Encrypted");
  if (status == "damaged") return QObject::tr("Damaged");
  if (status == "unsupported") return QObject::tr("Not supported");
  if (status == "unreadable") return QObject::tr("Cannot be read");
  if (status == "too_large") return QObject::tr("Too large");
  return QObject::tr("Problem");
}

QString status_explanation(const QString& status) {
  if (status == "ok") return QObject::tr("The text was read and can be searched.");
  if (status == "indexing") return QObject::tr("Pagewise is reading this document now.");
  if (status == "needs_ocr")
    return QObject::tr("Some pages are images without text (scans). Those pages cannot be searched until the "
                       "document is run through text recognition (OCR).");
  if (status == "encrypted")
    return QObject::tr("The document is protected by a password. Choose Unlock\u2026 to enter it.");
  if (status == "damaged") return QObject::tr("The file is damaged; nothing usable could be read from it.");
  if (status == "unsupported") return QObject::tr("Pagewise does not read this kind of file.");
  if (status == "unreadable") return QObject::tr("The file could not be opened (permissions or a disk problem).");
  if (status == "too_large") return QObject::tr("The document took too long or too much memory to read.");
  return {};
}

}  // namespace pw::gui
