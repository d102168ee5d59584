// The main window under QT_QPA_PLATFORM=offscreen: widgets found by object name, menus with
// shortcuts and accessible names, the question line, the View toggles, the About dialog,
// and a clean quit.
#include <QtTest>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>

#include "gui/app_icon.h"
#include "gui/main_window.h"
#include "pagewise/version.h"

namespace {

// All label texts below `root`, joined, for "is this text shown" checks.
QString label_texts(const QWidget* root) {
  QStringList texts;
  for (const auto* label : root->findChildren<QLabel*>()) texts << label->text();
  return texts.join('\n');
}

template <typename T>
T* find(const QObject& root, const char* name) {
  auto* found = root.findChild<T*>(name);
  if (!found) qWarning("no %s named '%s'", T::staticMetaObject.className(), name);
  return found;
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    window_ = new pw::gui::MainWindow;
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
  }

  void cleanup() {
    delete window_;
    window_ = nullptr;
  }

  void panelsSitInASplitterInOrder() {
    QCOMPARE(window_->objectName(), QString("mainWindow"));
    auto* splitter = find<QSplitter>(*window_, "mainSplitter");
    QVERIFY(splitter);
    QCOMPARE(splitter->count(), 3);
    QCOMPARE(splitter->widget(0)->objectName(), QString("libraryPanel"));
    QCOMPARE(splitter->widget(1)->objectName(), QString("chatPanel"));
    QCOMPARE(splitter->widget(2)->objectName(), QString("sourcesPanel"));
    // The chat gets the most room.
    const auto sizes = splitter->sizes();
    QVERIFY(sizes[1] > sizes[0] && sizes[1] > sizes[2]);
    for (const char* name : {"libraryPanel", "chatPanel", "sourcesPanel"}) {
      auto* panel = find<QWidget>(*window_, name);
      QVERIFY(panel);
      QVERIFY(panel->isVisible());
      QVERIFY2(!panel->accessibleName().isEmpty(), name);
    }
  }

  void panelsShowHeadingsAndEmptyState() {
    QVERIFY(label_texts(find<QWidget>(*window_, "libraryPanel")).contains("Library"));
    QVERIFY(label_texts(find<QWidget>(*window_, "sourcesPanel")).contains("Sources"));
    QVERIFY(label_texts(find<QWidget>(*window_, "chatPanel")).contains("Add documents to start"));
  }

  void askIsEnabledOnlyWithAQuestionAndReportsIt() {
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    auto* ask = find<QPushButton>(*window_, "askButton");
    QVERIFY(edit && ask);
    QVERIFY(!edit->accessibleName().isEmpty());
    QVERIFY(!ask->accessibleName().isEmpty());
    QVERIFY(!ask->isEnabled());
    QSignalSpy asked(window_, &pw::gui::MainWindow::questionAsked);
    QTest::keyClicks(edit, "   ");
    QVERIFY(!ask->isEnabled());  // blanks are not a question
    edit->clear();
    QTest::keyClicks(edit, "How many days can I carry over?");
    QVERIFY(ask->isEnabled());
    QTest::mouseClick(ask, Qt::LeftButton);
    QCOMPARE(asked.count(), 1);
    QCOMPARE(asked.at(0).at(0).toString(), QString("How many days can I carry over?"));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(asked.count(), 2);
  }

  void menusHaveShortcutsAndNames() {
    QStringList titles;
    for (QAction* a : window_->menuBar()->actions()) titles << a->text();
    QCOMPARE(titles, QStringList({"&File", "&Edit", "&View", "&Chat", "&Help"}));
    const QList<std::pair<const char*, QKeySequence>> expected = {
        {"addFilesAction", QKeySequence(QKeySequence::Open)},
        {"addFolderAction", QKeySequence("Ctrl+Shift+O")},
        {"quitAction", QKeySequence("Ctrl+Q")},
        {"copyAction", QKeySequence(QKeySequence::Copy)},
        {"preferencesAction", QKeySequence("Ctrl+,")},
        {"showLibraryAction", QKeySequence("Ctrl+Shift+L")},
        {"showSourcesAction", QKeySequence("Ctrl+Shift+S")},
        {"aboutAction", QKeySequence("F1")},
    };
    for (const auto& [name, keys] : expected) {
      auto* action = find<QAction>(*window_, name);
      QVERIFY2(action, name);
      QCOMPARE(action->shortcut(), keys);
      QVERIFY2(!action->statusTip().isEmpty(), name);
    }
    for (const char* name : {"fileMenu", "editMenu", "viewMenu", "chatMenu", "helpMenu"}) {
      auto* menu = find<QMenu>(*window_, name);
      QVERIFY2(menu, name);
      QVERIFY2(!menu->accessibleName().isEmpty(), name);
    }
    // Add Files, Add Folder, separator, Import Model File, separator, Quit
    QCOMPARE(find<QMenu>(*window_, "fileMenu")->actions().size(), 6);
    const QList<std::pair<const char*, QKeySequence>> chat_keys = {
        {"newChatAction", QKeySequence("Ctrl+N")},
        {"stopAction", QKeySequence(Qt::Key_Escape)},
        {"focusQuestionAction", QKeySequence("Ctrl+L")},
    };
    for (const auto& [name, keys] : chat_keys) {
      auto* action = find<QAction>(*window_, name);
      QVERIFY2(action, name);
      QCOMPARE(action->shortcut(), keys);
    }
  }

  void viewActionsHideAndShowSidePanels() {
    auto* library = find<QWidget>(*window_, "libraryPanel");
    auto* sources = find<QWidget>(*window_, "sourcesPanel");
    auto* show_library = find<QAction>(*window_, "showLibraryAction");
    auto* show_sources = find<QAction>(*window_, "showSourcesAction");
    QVERIFY(show_library->isChecked() && show_sources->isChecked());
    show_library->trigger();
    QVERIFY(!library->isVisible());
    QVERIFY(sources->isVisible());
    show_sources->trigger();
    QVERIFY(!sources->isVisible());
    show_library->trigger();
    show_sources->trigger();
    QVERIFY(library->isVisible() && sources->isVisible());
  }

  void shortcutTogglesLibraryFromTheKeyboard() {
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_));
    auto* library = find<QWidget>(*window_, "libraryPanel");
    QTest::keySequence(window_, QKeySequence("Ctrl+Shift+L"));
    QVERIFY(!library->isVisible());
    QTest::keySequence(window_, QKeySequence("Ctrl+Shift+L"));
    QVERIFY(library->isVisible());
  }

  void preferencesIsReported() {
    QSignalSpy spy(window_, &pw::gui::MainWindow::preferencesRequested);
    find<QAction>(*window_, "preferencesAction")->trigger();
    QCOMPARE(spy.count(), 1);
  }

  void copyCopiesTheSelectedQuestionText() {
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    edit->setText("annual leave");
    edit->setFocus();
    edit->selectAll();
    QApplication::clipboard()->clear();
    find<QAction>(*window_, "copyAction")->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QString("annual leave"));
  }

  void aboutOpensWithVersionAndLicenceAndCloses() {
    find<QAction>(*window_, "aboutAction")->trigger();
    auto* about = find<QDialog>(*window_, "aboutDialog");
    QVERIFY(about);
    QVERIFY(QTest::qWaitForWindowExposed(about));
    QVERIFY(about->isVisible());
    const QString text = label_texts(about);
    QVERIFY2(text.contains(PAGEWISE_VERSION), qPrintable(text));
    QVERIFY2(text.contains("GPL-3.0-or-later"), qPrintable(text));
    auto* close = find<QPushButton>(*about, "aboutCloseButton");
    QVERIFY(close);
    QTest::mouseClick(close, Qt::LeftButton);
    QTRY_VERIFY(!about->isVisible());
    // Opening it again reuses the same dialog.
    window_->showAbout();
    QCOMPARE(window_->findChildren<QDialog*>("aboutDialog").size(), 1);
    QVERIFY(about->isVisible());
    about->reject();
    QVERIFY(!about->isVisible());
  }

  void appIconIsCompiledIn() {
    const QIcon icon = pw::gui::app_icon();
    QVERIFY(!icon.isNull());
    QVERIFY(icon.availableSizes().contains(QSize(256, 256)));
    QVERIFY(icon.availableSizes().contains(QSize(16, 16)));
  }

  void quitClosesTheWindow() {
    QVERIFY(window_->isVisible());
    find<QAction>(*window_, "quitAction")->trigger();
    QVERIFY(!window_->isVisible());
  }

 private:
  pw::gui::MainWindow* window_ = nullptr;
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
