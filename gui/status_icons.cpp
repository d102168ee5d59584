#include "gui/status_icons.h"

#include <QHash>
#include <QIconEngine>
#include <QObject>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace pw::gui {

namespace {

// Draws the state's badge into a square of `s` device pixels at the painter's origin.
void draw(QPainter& p, const QString& status, double s) {
  p.setRenderHint(QPainter::Antialiasing);
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
}

// Paints the badge at exactly the device pixels asked for: at a device pixel ratio of 2 a
// 16 px icon is drawn on 32 x 32 pixels, never a 16 px picture scaled up (blurred).
class StatusIconEngine : public QIconEngine {
 public:
  explicit StatusIconEngine(QString status) : status_(std::move(status)) {}

  void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State) override {
    const double side = std::min(rect.width(), rect.height());
    painter->save();
    painter->translate(rect.x() + (rect.width() - side) / 2.0, rect.y() + (rect.height() - side) / 2.0);
    if (mode == QIcon::Disabled) painter->setOpacity(0.45);
    draw(*painter, status_, side);
    painter->restore();
  }

  QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override {
    return scaledPixmap(size, mode, state, 1.0);
  }

  // Qt 6.4's QIcon::pixmap(size, ratio) asks for `size` already in device pixels (the
  // logical size times `scale`) and derives the ratio from what comes back.
  QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state, qreal scale) override {
    QPixmap pm(size);
    pm.fill(Qt::transparent);
    {
      QPainter p(&pm);
      paint(&p, QRect(QPoint(0, 0), pm.size()), mode, state);
    }
    pm.setDevicePixelRatio(scale);
    return pm;
  }

  QSize actualSize(const QSize& size, QIcon::Mode, QIcon::State) override {
    const int side = std::min(size.width(), size.height());
    return {side, side};
  }

  QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override {
    return {{16, 16}, {20, 20}, {24, 24}, {32, 32}, {48, 48}, {64, 64}};
  }

  QIconEngine* clone() const override { return new StatusIconEngine(status_); }
  QString key() const override { return QStringLiteral("pagewise-status"); }

 private:
  QString status_;
};

}  // namespace

QIcon status_icon(const QString& status) {
  static QHash<QString, QIcon> cache;
  auto it = cache.find(status);
  if (it != cache.end()) return *it;
  QIcon icon(new StatusIconEngine(status));
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
