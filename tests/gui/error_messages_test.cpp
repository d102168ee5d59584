// The app's errors as a user meets them, through the real widgets (QT_QPA_PLATFORM=offscreen):
// a damaged PDF from the corpus is listed as damaged with the reason on hover and in the
// details pane; a full disk while adding documents or saving a chat gives a plain message
// that says the disk is full, with a "details" section naming the library file, and nothing
// already in the library is lost.
//
// The full disk is real as far as the app can tell: SQLite's own VFS seam (a VFS registered as
// the default, wrapping the system one) answers writes with SQLITE_FULL, as SQLite does when
// write() fails with ENOSPC. The store, the library and the workers run unchanged.
#include <QtTest>

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeView>

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

#include "gui/app_controller.h"
#include "gui/chat_panel.h"
#include "gui/library_model.h"
#include "gui/main_window.h"
#include "tests/gui/gui_test_helpers.h"

namespace {

using pw::gui_test::find;
using pw::gui_test::samples_dir;
using pw::gui_test::shared;

// --- A disk that fills up on demand: the system VFS with xWrite answering SQLITE_FULL. ---
std::atomic<bool> g_disk_full{false};
sqlite3_vfs* g_system_vfs = nullptr;
sqlite3_vfs g_full_vfs;
// The unix VFS has several method tables (the database file and its WAL/journal differ);
// each gets a copy whose xWrite fails while the disk is "full".
constexpr int kTables = 4;
const sqlite3_io_methods* g_system_methods[kTables] = {};
sqlite3_io_methods g_full_methods[kTables];

template <int I>
int full_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  if (g_disk_full) return SQLITE_FULL;
  return g_system_methods[I]->xWrite(file, data, amount, offset);
}

template <int I>
void make_table(const sqlite3_io_methods* system) {
  g_system_methods[I] = system;
  g_full_methods[I] = *system;
  g_full_methods[I].xWrite = full_write<I>;
}

// Opens through the system VFS into the same file object, then swaps in the table with our
// xWrite. Files are opened on the workers' threads: the tables are filled under a lock.
int full_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  static std::mutex lock;
  const int rc = g_system_vfs->xOpen(g_system_vfs, name, file, flags, out_flags);
  if (rc != SQLITE_OK || !file->pMethods) return rc;
  std::lock_guard guard(lock);
  for (int i = 0; i < kTables; ++i) {
    if (!g_system_methods[i]) {
      switch (i) {
        case 0: make_table<0>(file->pMethods); break;
        case 1: make_table<1>(file->pMethods); break;
        case 2: make_table<2>(file->pMethods); break;
        default: make_table<3>(file->pMethods); break;
      }
    }
    if (g_system_methods[i] == file->pMethods) {
      file->pMethods = &g_full_methods[i];
      return rc;
    }
  }
  return rc;  // more tables than expected: this file writes normally
}

void install_filling_disk() {
  g_system_vfs = sqlite3_vfs_find(nullptr);
  QVERIFY(g_system_vfs);
  std::memcpy(&g_full_vfs, g_system_vfs, sizeof(sqlite3_vfs));
  g_full_vfs.zName = "pagewise-test-full-disk";
  g_full_vfs.pNext = nullptr;
  g_full_vfs.xOpen = full_open;
  QCOMPARE(sqlite3_vfs_register(&g_full_vfs, 1), SQLITE_OK);  // the default from now on
}

// The warning box the app shows (object name "errorMessage"), once it is visible.
QMessageBox* wait_for_error_box(int timeout_ms = 20000) {
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < timeout_ms) {
    for (QWidget* w : QApplication::topLevelWidgets())
      if (auto* box = qobject_cast<QMessageBox*>(w); box && box->objectName() == "errorMessage" && box->isVisible())
        return box;
    QTest::qWait(20);
  }
  return nullptr;
}

void close_error_boxes() {
  for (QWidget* w : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(w); box && box->objectName() == "errorMessage") box->close();
  QTest::qWait(10);
}

}  // namespace

class ErrorMessagesTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    install_filling_disk();
    pw::gui_test::prepare_fresh_library(dir_, "pagewise-gui-errors-test", paths_);
    if (QTest::currentTestFailed()) return;
    pw::gui_test::open_app(paths_, {1300, 800}, window_, app_);
  }

  void cleanupTestCase() {
    g_disk_full = false;
    delete app_;
    delete window_;
  }

  void cleanup() {
    g_disk_full = false;
    close_error_boxes();
  }

  void aDamagedPdfIsListedAsDamagedWithTheReason() {
    const QString broken = shared("corpus/pdfs/hostile/truncated_or_not_pdf/qpdf_issue-141a.pdf");
    QVERIFY2(QFile::exists(broken), qPrintable(broken));
    QSignalSpy finished(app_, &pw::gui::AppController::indexingFinished);
    app_->addPathsTo("Damaged", {broken, samples_dir() + "/northwind-it-quick-reference.md"});
    QVERIFY(finished.wait(30000));
    QTRY_VERIFY(app_->libraryModel()->collectionItem("Damaged"));
    QStandardItem* doc = app_->libraryModel()->documentItem(broken);
    QVERIFY(doc);
    QCOMPARE(doc->data(pw::gui::LibraryModel::StatusRole).toString(), QString("damaged"));
    // The reason on hover: the state in words and why.
    QVERIFY2(doc->toolTip().contains("Damaged: ") && doc->toolTip().size() > QString("Damaged: ").size() + broken.size(),
             qPrintable(doc->toolTip()));
    // ... and in the details pane when selected.
    auto* tree = find<QTreeView>(*window_, "libraryTree");
    tree->setCurrentIndex(doc->index());
    auto* details = find<QLabel>(*window_, "documentDetails");
    QTRY_VERIFY(details->text().contains("State: Damaged"));
    const QString reason = doc->toolTip().section("Damaged: ", 1);
    QVERIFY2(details->text().contains(reason.toHtmlEscaped()), qPrintable(details->text() + " | " + reason));
    // Plain words on hover; the PDF reader's own message only under "Technical details".
    QVERIFY2(!doc->toolTip().contains("(error:"), qPrintable(doc->toolTip()));
    QVERIFY2(details->text().contains("Technical details: May not be a PDF file"), qPrintable(details->text()));
    // The good document of the same run was added.
    QStandardItem* good = app_->libraryModel()->documentItem(samples_dir() + "/northwind-it-quick-reference.md");
    QVERIFY(good);
    QCOMPARE(good->data(pw::gui::LibraryModel::StatusRole).toString(), QString("ok"));
  }

  void aFullDiskWhileAddingDocumentsSaysSoWithDetails() {
    QSignalSpy finished(app_, &pw::gui::AppController::indexingFinished);
    QSignalSpy shown(app_, &pw::gui::AppController::errorShown);
    g_disk_full = true;
    app_->addPathsTo("HR policies", {samples_dir() + "/northwind-employee-handbook.pdf"});
    QVERIFY(finished.wait(30000));
    QMessageBox* box = wait_for_error_box();
    QVERIFY(box);
    // Plain words first: what stopped and what to do. No SQLite jargon in the message itself.
    QVERIFY2(box->text().contains("disk is full") && box->text().contains("Free some space"), qPrintable(box->text()));
    QVERIFY2(!box->text().contains("SQLITE") && !box->text().contains("sqlite3"), qPrintable(box->text()));
    // The details section: the library file and the technical reason.
    QVERIFY2(box->detailedText().contains(paths_.library) && box->detailedText().contains("disk full"),
             qPrintable(box->detailedText()));
    QVERIFY(box->findChild<QAbstractButton*>());  // "Show Details…" and OK
    // The window keeps working, and once there is space again the same document goes in.
    g_disk_full = false;
    close_error_boxes();
    finished.clear();
    app_->addPathsTo("HR policies", {samples_dir() + "/northwind-employee-handbook.pdf"});
    QVERIFY(finished.wait(30000));
    QStandardItem* doc = app_->libraryModel()->documentItem(samples_dir() + "/northwind-employee-handbook.pdf");
    QTRY_VERIFY(doc = app_->libraryModel()->documentItem(samples_dir() + "/northwind-employee-handbook.pdf"));
    QCOMPARE(doc->data(pw::gui::LibraryModel::StatusRole).toString(), QString("ok"));
    // What was in the library before the full disk is still there.
    QVERIFY(app_->libraryModel()->documentItem(samples_dir() + "/northwind-it-quick-reference.md"));
  }

  void aFullDiskWhileSavingAChatSaysSoAndKeepsTheAnswer() {
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    QSignalSpy done(app_, &pw::gui::AppController::answerFinished);
    g_disk_full = true;
    QTest::keyClicks(edit, "How long must passwords be?");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(done.wait(30000));
    QMessageBox* box = wait_for_error_box();
    QVERIFY(box);
    QVERIFY2(box->text().contains("could not be saved") && box->text().contains("disk is full"), qPrintable(box->text()));
    QVERIFY2(box->detailedText().contains(paths_.library), qPrintable(box->detailedText()));
    // The answer is still on screen.
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    QVERIFY(!chat->turns().isEmpty());
    QCOMPARE(chat->turns().back().phase, pw::gui::TurnState::Phase::Done);
    QVERIFY(!chat->turns().back().answer.sources.isEmpty());
  }

 private:
  QTemporaryDir dir_;
  pw::gui::AppPaths paths_;
  pw::gui::MainWindow* window_ = nullptr;
  pw::gui::AppController* app_ = nullptr;
};

QTEST_MAIN(ErrorMessagesTest)
#include "error_messages_test.moc"
