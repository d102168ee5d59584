// Preferences persist (QT_QPA_PLATFORM=offscreen): changed in the dialog through its real
// widgets (Edit › Preferences…, Ctrl+,), they are saved with QSettings, read back as the app
// reads them at its next start, and shown again when the dialog reopens.
#include <QtTest>

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "gui/app_controller.h"
#include "gui/app_settings.h"
#include "gui/main_window.h"
#include "gui/settings_dialog.h"
#include "tests/gui/gui_test_helpers.h"

namespace {

using pw::gui_test::find;

pw::gui::SettingsDialog* open_preferences(pw::gui::MainWindow& window) {
  find<QAction>(window, "preferencesAction")->trigger();
  pw::gui::SettingsDialog* dialog = nullptr;
  QElapsedTimer clock;
  clock.start();
  while (!dialog && clock.elapsed() < 5000) {
    for (auto* d : window.findChildren<pw::gui::SettingsDialog*>("settingsDialog"))
      if (d->isVisible()) dialog = d;
    if (!dialog) QTest::qWait(10);
  }
  return dialog;
}

}  // namespace

class PreferencesTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    pw::gui_test::prepare_fresh_library(dir_, "pagewise-gui-preferences-test", paths_);
  }

  void changedPreferencesAreSavedAndShownAgain() {
    {
      pw::gui::MainWindow window;
      pw::gui::AppController app(&window, paths_, pw::gui::AppSettings{});
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      auto* dialog = open_preferences(window);
      QVERIFY(dialog);
      find<QSpinBox>(*dialog, "threadsSpin")->setValue(3);
      find<QSpinBox>(*dialog, "contextSpin")->setValue(2048);
      find<QDoubleSpinBox>(*dialog, "temperatureSpin")->setValue(0.7);
      find<QSpinBox>(*dialog, "sourcesSpin")->setValue(4);
      find<QLineEdit>(*dialog, "embeddingModelEdit")->setText(dir_.filePath("models/embed.gguf"));
      find<QLineEdit>(*dialog, "dataFolderEdit")->setText(dir_.filePath("data"));
      QPointer<pw::gui::SettingsDialog> open = dialog;  // deleted when closed
      QTest::mouseClick(find<QDialogButtonBox>(*dialog, "settingsButtons")->button(QDialogButtonBox::Ok), Qt::LeftButton);
      QTRY_VERIFY(!open || !open->isVisible());
    }
    // What the next start reads (gui/main.cpp loads them the same way).
    QSettings store;
    const auto saved = pw::gui::AppSettings::load(store);
    QCOMPARE(saved.threads, 3);
    QCOMPARE(saved.context, 2048);
    QCOMPARE(saved.temperature, 0.7);
    QCOMPARE(saved.sources, 4);
    QCOMPARE(saved.embedding_model, dir_.filePath("models/embed.gguf"));
    QCOMPARE(saved.data_folder, dir_.filePath("data"));
    QCOMPARE(saved.libraryPath(), dir_.filePath("data") + "/library.sqlite3");

    // A new window with the saved settings shows them in its Preferences.
    pw::gui::MainWindow window;
    pw::gui::AppController app(&window, paths_, saved);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* dialog = open_preferences(window);
    QVERIFY(dialog);
    QCOMPARE(find<QSpinBox>(*dialog, "threadsSpin")->value(), 3);
    QCOMPARE(find<QSpinBox>(*dialog, "contextSpin")->value(), 2048);
    QCOMPARE(find<QDoubleSpinBox>(*dialog, "temperatureSpin")->value(), 0.7);
    QCOMPARE(find<QSpinBox>(*dialog, "sourcesSpin")->value(), 4);
    QCOMPARE(find<QLineEdit>(*dialog, "dataFolderEdit")->text(), dir_.filePath("data"));
    dialog->reject();
  }

 private:
  QTemporaryDir dir_;
  pw::gui::AppPaths paths_;
};

QTEST_MAIN(PreferencesTest)
#include "preferences_test.moc"
