// gui_screenshot_tour OUTPUT_DIR: drives the real app through its main states and saves a PNG
// of each (run by scripts/screenshots under Xvfb; README.md shows them):
//   01-first-run.png       empty library, no model: the welcome state
//   02-indexing.png        the second collection being indexed, the first one listed (progress, file)
//   03-answer-sources.png  an answer with its citation chips and the cited PDF page
//   04-settings.png        Edit › Preferences
//   05-library-details.png a document selected, its details pane
//   06-dark-answer.png     the answer of 03 after the system switched to a dark palette
//                          (as a desktop in dark mode does: the app follows the palette change)
// gui_screenshot_tour OUTPUT_DIR ANSWER_NAME saves only the answer of 03 under ANSWER_NAME
// (scripts/screenshots runs it at QT_SCALE_FACTOR=2 for 07-high-dpi-answer.png).
// Uses a temporary library and settings; never touches the user's. Exit code 1 on failure.
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPalette>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeView>

#include <cstdio>

#include "gui/app_controller.h"
#include "gui/chat_panel.h"
#include "gui/ingest_worker.h"
#include "gui/library_model.h"
#include "gui/main_window.h"
#include "gui/settings_dialog.h"
#include "gui/sources_panel.h"

namespace {

QString out_dir;
int failures = 0;

void save(QWidget* w, const QString& name) {
  const QString path = QDir(out_dir).filePath(name);
  if (!w->grab().save(path)) {
    std::fprintf(stderr, "could not save %s\n", qPrintable(path));
    ++failures;
  } else {
    std::printf("%s\n", qPrintable(path));
  }
}

void wait_until(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer t;
  t.start();
  QTimer tick;  // wakes the loop so the timeout is seen
  tick.start(50);
  while (!done() && t.elapsed() < timeout_ms) QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
  if (!done()) {
    std::fprintf(stderr, "timed out\n");
    ++failures;
  }
}

void settle(int ms) {
  QElapsedTimer t;
  t.start();
  QTimer tick;
  tick.start(10);
  while (t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
}

// A dark system palette like Breeze Dark's, as a desktop in dark mode hands it to Qt.
QPalette dark_palette() {
  QPalette p;
  const QColor window(0x31, 0x36, 0x3b), base(0x23, 0x26, 0x29), text(0xef, 0xf0, 0xf1), dim(0x7f, 0x8c, 0x8d);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Light, window.lighter(150));
  p.setColor(QPalette::Midlight, window.lighter(125));
  p.setColor(QPalette::Mid, window.darker(125));
  p.setColor(QPalette::Dark, window.darker(150));
  p.setColor(QPalette::Shadow, Qt::black);
  p.setColor(QPalette::Highlight, QColor(0x3d, 0xae, 0xe9));
  p.setColor(QPalette::HighlightedText, text);
  p.setColor(QPalette::Link, QColor(0x1d, 0x99, 0xf3));
  p.setColor(QPalette::LinkVisited, QColor(0x9b, 0x59, 0xb6));
  p.setColor(QPalette::ToolTipBase, window);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, dim);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, QColor(0x6e, 0x71, 0x75));
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: gui_screenshot_tour OUTPUT_DIR\n");
    return 2;
  }
  out_dir = QString::fromLocal8Bit(argv[1]);
  const QString answer_only = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
  QDir().mkpath(out_dir);
  QStandardPaths::setTestModeEnabled(true);
  QApplication::setOrganizationName("pagewise-screenshots");
  QApplication::setApplicationName("pagewise-screenshots");
  QApplication::setApplicationDisplayName("Pagewise");
  QSettings().clear();
  QTemporaryDir dir;
  QDir(dir.path()).mkpath("models");
  pw::gui::AppPaths paths;
  paths.library = dir.filePath("library.sqlite3");
  paths.model_folders = {dir.filePath("models")};
  paths.user_model_folder = dir.filePath("models");

  pw::gui::MainWindow window;
  pw::gui::AppController controller(&window, paths, pw::gui::AppSettings{});
  window.resize(1360, 820);
  window.show();
  bool ready = false, models = false;
  QObject::connect(&controller, &pw::gui::AppController::libraryReady, [&] { ready = true; });
  QObject::connect(&controller, &pw::gui::AppController::modelsRefreshed, [&] { models = true; });
  wait_until([&] { return ready && models; }, 10000);
  settle(300);
  if (answer_only.isEmpty()) save(&window, "01-first-run.png");

  // Indexing: the picture is taken at the first progress report with work left.
  const QString samples = QString(PAGEWISE_SOURCE_DIR) + "/resources/samples";
  QStringList files;
  for (const auto& f : QDir(samples).entryList({"*.pdf", "*.md"}, QDir::Files)) files << samples + "/" + f;
  bool shot = false, finished = false;
  QObject::connect(controller.ingestWorker(), &pw::gui::IngestWorker::progress, &window,
                   [&](const pw::gui::IngestProgressValue& p) {
                     // The second collection (two documents) being indexed, the first one done.
                     if (shot || !answer_only.isEmpty() || p.total < 2 || p.done >= p.total) return;
                     shot = true;
                     QCoreApplication::processEvents();
                     save(&window, "02-indexing.png");
                   });
  QObject::connect(&controller, &pw::gui::AppController::indexingFinished, [&] { finished = true; });
  controller.addPathsTo("Clinical guidelines", {files[2]});
  wait_until([&] { return finished; }, 30000);
  finished = false;
  controller.addPathsTo("HR policies", {files[0], files[1]});
  wait_until([&] { return finished; }, 30000);
  settle(300);
  if (!shot && answer_only.isEmpty()) {
    std::fprintf(stderr, "no indexing picture\n");
    ++failures;
  }

  // An answer, then a click on its first chip.
  auto* edit = window.findChild<QLineEdit*>("questionEdit");
  bool answered = false;
  QObject::connect(&controller, &pw::gui::AppController::answerFinished, [&] { answered = true; });
  edit->setText("What is the maximum daily dose of paracetamol?");
  window.findChild<QPushButton*>("askButton")->click();
  wait_until([&] { return answered; }, 15000);
  auto* chat = window.findChild<pw::gui::ChatPanel*>("chatPanel");
  if (!chat->turns().isEmpty() && !chat->turns().back().answer.sources.isEmpty()) {
    auto* sources = window.findChild<pw::gui::SourcesPanel*>("sourcesPanel");
    emit chat->citationClicked(chat->turns().back().answer.sources.front());
    wait_until([&] { return !sources->shownSource().path.isEmpty() && !sources->rendering(); }, 5000);
  } else {
    std::fprintf(stderr, "no answer with sources\n");
    ++failures;
  }
  settle(300);
  if (!answer_only.isEmpty()) {
    save(&window, answer_only);
    return failures == 0 ? 0 : 1;
  }
  save(&window, "03-answer-sources.png");

  controller.showSettings();
  settle(300);
  if (auto* dialog = window.findChild<pw::gui::SettingsDialog*>("settingsDialog")) {
    save(dialog, "04-settings.png");
    dialog->reject();
  } else {
    ++failures;
  }

  auto* tree = window.findChild<QTreeView*>("libraryTree");
  if (auto* c = controller.libraryModel()->collectionItem("HR policies"); c && c->rowCount() > 0) {
    tree->setCurrentIndex(c->child(0)->index());
    tree->setFocus();
  }
  settle(300);
  save(&window, "05-library-details.png");

  // The desktop switches to dark mode: the same answer, every panel in the dark palette.
  if (auto* c = controller.libraryModel()->collectionItem("Clinical guidelines"); c && c->rowCount() > 0)
    tree->setCurrentIndex(c->child(0)->index());
  QApplication::setPalette(dark_palette());
  settle(500);
  save(&window, "06-dark-answer.png");
  return failures == 0 ? 0 : 1;
}
