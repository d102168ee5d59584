#include "gui/user_errors.h"

#include <QDir>
#include <QObject>

namespace pw::gui {

bool is_disk_full(const Error& error) {
  if (error.code() != ErrorCode::Io) return false;
  const QString text = QString::fromStdString(error.describe());
  return text.contains("disk full", Qt::CaseInsensitive) || text.contains("No space left", Qt::CaseInsensitive) ||
         text.contains("quota exceeded", Qt::CaseInsensitive);
}

UserError storage_error(const QString& what_failed, const Error& error, const QString& library_path) {
  UserError out;
  out.summary = what_failed;
  if (is_disk_full(error))
    out.summary += " " + QObject::tr("The disk is full. Free some space on it, or choose another data folder in "
                                     "Preferences, then try again. Nothing already in your library was lost.");
  out.details = QObject::tr("Library: %1").arg(QDir::toNativeSeparators(library_path)) + "\n" +
                QString::fromStdString(error.describe());
  return out;
}

}  // namespace pw::gui
