#include "gui/app_icon.h"

#include <QFile>

namespace pw::gui {

QIcon app_icon() {
  QIcon icon;
  for (int size : {16, 22, 24, 32, 48, 64, 128, 256}) {
    const QString path = QStringLiteral(":/icons/hicolor/%1x%1/org.pagewise.Pagewise.png").arg(size);
    if (QFile::exists(path)) icon.addFile(path, QSize(size, size));
  }
  if (icon.isNull()) icon = QIcon::fromTheme(QStringLiteral("org.pagewise.Pagewise"));
  return icon;
}

}  // namespace pw::gui
