#include "gui/announcement_label.h"

#include <QAccessible>
#include <QAccessibleWidget>

namespace pw::gui {

namespace {

// The line's accessible side: a notification whose name is the last announcement (what the
// screen reader speaks), falling back to the shown text.
class AnnouncementAccessible : public QAccessibleWidget {
 public:
  explicit AnnouncementAccessible(AnnouncementLabel* label) : QAccessibleWidget(label, QAccessible::Notification) {}

  QString text(QAccessible::Text t) const override {
    auto* label = static_cast<AnnouncementLabel*>(widget());
    if (t == QAccessible::Name) return label->announcement().isEmpty() ? label->text() : label->announcement();
    if (t == QAccessible::Description) return label->accessibleDescription();
    return QAccessibleWidget::text(t);
  }
};

QAccessibleInterface* announcement_factory(const QString& class_name, QObject* object) {
  if (class_name == QLatin1String("pw::gui::AnnouncementLabel") && object && object->isWidgetType())
    return new AnnouncementAccessible(static_cast<AnnouncementLabel*>(object));
  return nullptr;
}

}  // namespace

AnnouncementLabel::AnnouncementLabel(QWidget* parent) : QLabel(parent) {
  static const bool installed = [] {
    QAccessible::installFactory(announcement_factory);
    return true;
  }();
  (void)installed;
}

void AnnouncementLabel::announce(const QString& text) {
  announcement_ = text;
  setAccessibleDescription(text);  // sends DescriptionChanged
  QAccessibleEvent name(this, QAccessible::NameChanged);
  QAccessible::updateAccessibility(&name);
  if (isVisible()) {
    QAccessibleEvent shown(this, QAccessible::ObjectShow);
    QAccessible::updateAccessibility(&shown);
  }
  QAccessibleEvent alert(this, QAccessible::Alert);
  QAccessible::updateAccessibility(&alert);
}

}  // namespace pw::gui
