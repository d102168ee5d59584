// Problems with the library file told in plain words, the technical text kept for "Details".
// A full disk is named as such (the user can act on it); anything else keeps the caller's
// sentence. Used by the workers, so the words are the same wherever a write fails.
//
//   auto saved = store.add_message(...);
//   if (!saved) emit saveFailed(pw::gui::storage_error(tr("This chat could not be saved."), saved.error(), db_path));
#pragma once

#include <QString>

#include "engine/util/status.h"
#include "gui/worker_values.h"

namespace pw::gui {

// True for SQLite's "disk full" and the system's "No space left on device" / quota errors.
bool is_disk_full(const Error& error);

// `what_failed` ("Adding documents stopped.") and, for a full disk, what to do about it; the
// details name the library file and give the technical text.
UserError storage_error(const QString& what_failed, const Error& error, const QString& library_path);

}  // namespace pw::gui
