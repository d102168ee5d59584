// What the GUI tests share: widgets found by object name, the sample documents and fixture
// paths, and a citation chip clicked the way a user clicks it.
//
//   auto* box = pw::gui_test::find<QLineEdit>(window, "questionBox");
//   QVERIFY(pw::gui_test::click_chip(pw::gui_test::find<QTextBrowser>(window, "transcript"), 0, 1));
//   pw::gui_test::open_app(dir_, "pagewise-gui-test", {1100, 700}, window_, app_);  // in initTestCase
//   if (QTest::currentTestFailed()) return;
//
// Header-only and Qt-only: it belongs to tests/gui and nothing outside it includes it.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QObject>
#include <QSettings>
#include <QSignalSpy>
#include <QSize>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>

#include "gui/app_controller.h"
#include "gui/main_window.h"

namespace pw::gui_test {

// A fresh library for one test program: settings in Qt's test location under `app_name`,
// cleared; `paths` point at a library and a model folder ("models", created) in `dir`. Fails the
// running test (QVERIFY) otherwise: callers check QTest::currentTestFailed().
inline void prepare_fresh_library(const QTemporaryDir& dir, const char* app_name, gui::AppPaths& paths) {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName("pagewise-test");
  QCoreApplication::setApplicationName(app_name);
  QSettings().clear();
  QVERIFY(dir.isValid());
  QVERIFY(QDir(dir.path()).mkpath("models"));
  paths.library = dir.filePath("library.sqlite3");
  paths.model_folders = {dir.filePath("models")};
  paths.user_model_folder = dir.filePath("models");
}

// The app as a user starts it on `paths`, with one engine thread (on a loaded 2-core machine a
// pool's threads wait for each other). The window is resized to `size` when it is valid, shown,
// and the call returns once it is exposed and the library is ready (QVERIFY otherwise).
inline void open_app(const gui::AppPaths& paths, QSize size, gui::MainWindow*& window, gui::AppController*& app) {
  window = new gui::MainWindow;
  gui::AppSettings settings;
  settings.threads = 1;
  app = new gui::AppController(window, paths, settings);
  QSignalSpy ready(app, &gui::AppController::libraryReady);
  if (size.isValid()) window->resize(size);
  window->show();
  QVERIFY(QTest::qWaitForWindowExposed(window));
  // On X11 the window takes a while to be exposed: the library may be ready by then.
  QVERIFY(!ready.isEmpty() || ready.wait(10000));
}

// Both of the above, for tests that need nothing else of the paths.
inline void open_app(const QTemporaryDir& dir, const char* app_name, QSize size, gui::MainWindow*& window,
                     gui::AppController*& app) {
  gui::AppPaths paths;
  prepare_fresh_library(dir, app_name, paths);
  if (QTest::currentTestFailed()) return;
  open_app(paths, size, window, app);
}

// The child of `root` of type T named `name`; warns (and returns null) when there is none, so
// a renamed widget fails the test with its name in the log.
template <typename T>
T* find(const QObject& root, const char* name) {
  auto* found = root.findChild<T*>(name);
  if (!found) qWarning("no %s named '%s'", T::staticMetaObject.className(), name);
  return found;
}

inline QString samples_dir() { return QString(PAGEWISE_SOURCE_DIR) + "/resources/samples"; }
inline QString shared(const QString& rel) { return QDir::cleanPath(QString(PAGEWISE_SHARED_DIR) + "/" + rel); }
inline QString stories_model() { return shared("fixtures/models/stories260K.gguf"); }

// Clicks the [n] chip of turn `turn` in the transcript like a user: finds the link's text
// position, scrolls it into view and clicks its rectangle. False when there is no such chip.
inline bool click_chip(QTextBrowser* browser, int turn, int number) {
  const QString href = QString("cite:%1:%2").arg(turn).arg(number);
  for (QTextBlock block = browser->document()->begin(); block.isValid(); block = block.next()) {
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment f = it.fragment();
      if (!f.isValid() || f.charFormat().anchorHref() != href) continue;
      QTextCursor cursor(browser->document());
      cursor.setPosition(f.position() + f.length() / 2);
      browser->setTextCursor(cursor);
      browser->ensureCursorVisible();
      QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, browser->cursorRect(cursor).center());
      return true;
    }
  }
  return false;
}

}  // namespace pw::gui_test
