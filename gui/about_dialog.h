// Help › About Pagewise: name, version, what it is, and the licence (GPL-3.0-or-later).
//
//   auto* about = new pw::gui::AboutDialog(window);   // objectName "aboutDialog"
//   about->open();                                    // window-modal, does not block
#pragma once

#include <QDialog>

namespace pw::gui {

class AboutDialog : public QDialog {
  Q_OBJECT
 public:
  explicit AboutDialog(QWidget* parent = nullptr);
};

}  // namespace pw::gui
