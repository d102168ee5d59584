#include "gui/panel_parts.h"

#include <QApplication>
#include <QEvent>
#include <QPalette>

namespace pw::gui {

namespace {

// Re-applies a scaled application font when the application font changes: a font set on a
// widget no longer follows the application's, so the scaled one is computed again.
class FontFollower : public QObject {
 public:
  FontFollower(QWidget* widget, double scale, bool bold)
      : QObject(widget), widget_(widget), scale_(scale), bold_(bold) {
    apply(widget);
    // A widget with its own font is not told when the application font changes (its font
    // does not change); its parent, which follows the application font, is.
    widget->installEventFilter(this);
    if (QWidget* parent = widget->parentWidget()) parent->installEventFilter(this);
  }

  bool eventFilter(QObject* watched, QEvent* event) override {
    const bool own = watched == widget_ && event->type() == QEvent::ApplicationFontChange;
    const bool parents = watched != widget_ && event->type() == QEvent::FontChange;
    if (own || parents) apply(widget_);
    return false;
  }

 private:
  void apply(QWidget* w) const {
    QFont font = w->parentWidget() ? w->parentWidget()->font() : QApplication::font(w);
    font.setBold(bold_);
    if (font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() * scale_);
    else font.setPixelSize(static_cast<int>(font.pixelSize() * scale_ + 0.5));
    w->setFont(font);
  }
  QWidget* widget_;
  double scale_;
  bool bold_;
};

}  // namespace

void follow_app_font(QWidget* widget, double scale, bool bold) { new FontFollower(widget, scale, bold); }

QLabel* make_heading(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  follow_app_font(label, 1.2, true);
  label->setAccessibleName(text);
  return label;
}

QLabel* make_hint(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  label->setForegroundRole(QPalette::PlaceholderText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

}  // namespace pw::gui
