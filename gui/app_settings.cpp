#include "gui/app_settings.h"

#include <QDir>

#include "gui/model_catalog.h"
#include "rag/store/library_store.h"

namespace pw::gui {

AppSettings AppSettings::load(QSettings& s) {
  AppSettings a;
  a.threads = std::clamp(s.value("engine/threads", a.threads).toInt(), 0, 256);
  a.context = std::clamp(s.value("engine/context", a.context).toInt(), 512, 131072);
  a.temperature = std::clamp(s.value("engine/temperature", a.temperature).toDouble(), 0.0, 2.0);
  a.sources = std::clamp(s.value("answers/sources", a.sources).toInt(), 1, 20);
  a.embedding_model = s.value("search/embeddingModel").toString();
  a.data_folder = s.value("library/dataFolder").toString();
  a.current_model = s.value("models/current").toString();
  return a;
}

void AppSettings::save(QSettings& s) const {
  s.setValue("engine/threads", threads);
  s.setValue("engine/context", context);
  s.setValue("engine/temperature", temperature);
  s.setValue("answers/sources", sources);
  s.setValue("search/embeddingModel", embedding_model);
  s.setValue("library/dataFolder", data_folder);
  s.setValue("models/current", current_model);
  s.sync();
}

QString AppSettings::libraryPath() const {
  if (!data_folder.isEmpty()) return QDir(data_folder).filePath("library.sqlite3");
  return QString::fromStdString(rag::LibraryStore::default_path().string());
}

QString AppSettings::userModelFolder() {
  return QString::fromStdString(default_model_folders().front().string());
}

}  // namespace pw::gui
