// The Pagewise application icon, from the PNGs compiled into the program (resources/icons).
//
//   QApplication::setWindowIcon(pw::gui::app_icon());
#pragma once

#include <QIcon>

namespace pw::gui {

// Every committed size (16..256 px); falls back to the installed theme icon when the
// compiled-in resources are missing.
QIcon app_icon();

}  // namespace pw::gui
