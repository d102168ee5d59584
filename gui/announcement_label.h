// The chat's status line, which is also where screen readers hear what happened ("Answer
// ready: …"). Its accessible role is Notification, and announce() tells the accessibility
// bridge three ways, so every platform's screen reader gets it:
//   - the text becomes the line's accessible name and description (NameChanged,
//     DescriptionChanged: AT-SPI "object:property-change:accessible-name/-description");
//   - ObjectShow on a Notification (AT-SPI "object:state-changed:showing" with role
//     "notification", which Orca speaks as a notification);
//   - Alert (UI Automation and macOS announce it; Qt 6.4's AT-SPI bridge ignores it).
//
//   auto* status = new pw::gui::AnnouncementLabel(this);   // objectName "answerStatus"
//   status->setText(tr("2 passages from 1 document"));      // shown, not announced
//   status->announce(tr("Answer ready: …"));                 // announced, the shown text stays
#pragma once

#include <QLabel>

namespace pw::gui {

class AnnouncementLabel : public QLabel {
  Q_OBJECT
 public:
  explicit AnnouncementLabel(QWidget* parent = nullptr);

  void announce(const QString& text);
  // The last text announced (empty before the first).
  QString announcement() const { return announcement_; }

 private:
  QString announcement_;
};

}  // namespace pw::gui
