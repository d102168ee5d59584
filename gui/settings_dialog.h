// Edit › Preferences: threads, context length, temperature, sources per answer, embedding
// model and data folder. Opened with open() (no nested event loop); `accepted` carries the
// new values.
//
//   auto* d = new pw::gui::SettingsDialog(current, window);
//   connect(d, &SettingsDialog::settingsAccepted, controller, &AppController::applySettings);
//   d->open();
//
// Object names: settingsDialog, threadsSpin, contextSpin, temperatureSpin, sourcesSpin,
// embeddingModelEdit, dataFolderEdit, settingsButtons.
#pragma once

#include <QDialog>

#include "gui/app_settings.h"

class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace pw::gui {

class SettingsDialog : public QDialog {
  Q_OBJECT
 public:
  SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr);
  AppSettings values() const;

 signals:
  void settingsAccepted(const pw::gui::AppSettings& settings);

 private:
  AppSettings base_;
  QSpinBox* threads_ = nullptr;
  QSpinBox* context_ = nullptr;
  QDoubleSpinBox* temperature_ = nullptr;
  QSpinBox* sources_ = nullptr;
  QLineEdit* embedding_ = nullptr;
  QLineEdit* data_folder_ = nullptr;
};

}  // namespace pw::gui

