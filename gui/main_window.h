// The Pagewise main window: library (left), chat (centre), sources (right).
//
//   pw::gui::MainWindow w;  w.show();
#pragma once

#include <QMainWindow>

namespace pw::gui {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace pw::gui
