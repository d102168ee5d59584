// The user's settings, kept with QSettings (~/.config/pagewise/pagewise.conf):
//
//   pw::gui::AppSettings s = pw::gui::AppSettings::load(settings);   // defaults for missing keys
//   s.temperature = 0.3;
//   s.save(settings);
//
// Keys (stored; do not rename): engine/threads, engine/context, engine/temperature,
// answers/sources, search/embeddingModel, library/dataFolder, models/current.
#pragma once

#include <QMetaType>
#include <QSettings>
#include <QString>

namespace pw::gui {

struct AppSettings {
  int threads = 0;            // 0: one per physical core
  int context = 4096;         // tokens the model reads at once
  double temperature = 0.2;   // low: answers follow the sources
  int sources = 6;            // sources per answer
  QString embedding_model;    // path of an embedding GGUF; empty: keyword search only
  QString data_folder;        // where library.sqlite3 lives; empty: the default
  QString current_model;      // path of the language model last chosen; empty: none

  static AppSettings load(QSettings& settings);
  void save(QSettings& settings) const;

  // data_folder/library.sqlite3, or the library's default place.
  QString libraryPath() const;
  // The user's model folder: ~/.local/share/pagewise/models.
  static QString userModelFolder();
};

}  // namespace pw::gui

Q_DECLARE_METATYPE(pw::gui::AppSettings)
