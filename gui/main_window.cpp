#include "gui/main_window.h"

#include <QLabel>

#include "pagewise/version.h"

namespace pw::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName("mainWindow");
  setWindowTitle(PAGEWISE_NAME);
  setCentralWidget(new QLabel(tr("Pagewise"), this));
}

}  // namespace pw::gui
