// The whole app under QT_QPA_PLATFORM=offscreen, the everyday tasks beyond the main flow
// (gui_app_flow_test): documents dropped on the library, a password-protected PDF, the
// collections a chat searches (kept with the chat), copy answer with sources, regenerate, the
// keyboard shortcuts, "Open in viewer" (the request the desktop receives is captured),
// "Import model file…", switching models, a model that fails to load, the finished answer
// announced to screen readers, and every control named, described, reachable by Tab and
// visibly focused.
#include <QtTest>

#include <QAccessible>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeView>

#include "gui/app_controller.h"
#include "gui/chat_panel.h"
#include "gui/library_model.h"
#include "gui/library_panel.h"
#include "gui/main_window.h"
#include "gui/sources_panel.h"
#include "tests/gui/gui_test_helpers.h"

namespace {

using pw::gui_test::click_chip;
using pw::gui_test::find;
using pw::gui_test::samples_dir;
using pw::gui_test::shared;
using pw::gui_test::stories_model;

QString locked_pdf() { return shared("corpus/pdfs/hostile/encrypted_user_password/qpdf_c-r4.pdf"); }  // "user2"


// The top-level widget of `T` named `name` once it is shown (dialogs opened with open()).
template <typename T>
T* wait_for_dialog(const char* name, int timeout_ms = 10000) {
  T* found = nullptr;
  QElapsedTimer clock;
  clock.start();
  while (!found && clock.elapsed() < timeout_ms) {
    for (QWidget* w : QApplication::topLevelWidgets())
      if (auto* d = qobject_cast<T*>(w); d && d->objectName() == name && d->isVisible()) found = d;
    if (!found) QTest::qWait(20);
  }
  return found;
}

// Captures what the app hands to the desktop (QDesktopServices::openUrl).
class UrlCatcher : public QObject {
  Q_OBJECT
 public:
  QList<QUrl> urls;
 public slots:
  void open(const QUrl& url) { urls << url; }
};

// Screen-reader events the app sends (QAccessible::installUpdateHandler).
QStringList g_alerts;
QAccessible::UpdateHandler g_previous_handler = nullptr;
void record_accessibility(QAccessibleEvent* event) {
  if (event->type() == QAccessible::Alert) {
    if (QAccessibleInterface* iface = event->accessibleInterface())
      g_alerts << iface->text(QAccessible::Name) + " | " + iface->text(QAccessible::Description);
  }
  if (g_previous_handler) g_previous_handler(event);
}

}  // namespace

class AppTasksTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    pw::gui_test::open_app(dir_, "pagewise-gui-tasks-test", {1300, 800}, window_, app_);
    if (QTest::currentTestFailed()) return;
    QVERIFY(QDir(dir_.path()).mkpath("elsewhere"));
  }

  // Dialogs of the previous test took the activation; on a desktop the main window gets it back
  // when they close, the offscreen platform needs telling.
  void init() {
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_));
  }

  void cleanupTestCase() {
    delete app_;
    delete window_;
  }

  void droppingFilesAndFoldersOnTheLibraryAddsThem() {
    auto* panel = find<pw::gui::LibraryPanel>(*window_, "libraryPanel");
    const QPoint centre = panel->rect().center();
    // Something that is not a local file is refused at the door.
    {
      QMimeData web;
      web.setUrls({QUrl("https://example.org/a.pdf")});
      QDragEnterEvent enter(centre, Qt::CopyAction, &web, Qt::LeftButton, Qt::NoModifier);
      QApplication::sendEvent(panel, &enter);
      QVERIFY(!enter.isAccepted());
    }
    // A file, and a folder holding a Markdown document: both land in the default collection.
    const QString folder = dir_.filePath("dropped");
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::copy(samples_dir() + "/northwind-it-quick-reference.md", folder + "/it.md"));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(samples_dir() + "/paediatric-analgesia-guideline.pdf"), QUrl::fromLocalFile(folder)});
    QSignalSpy finished(app_, &pw::gui::AppController::indexingFinished);
    QDragEnterEvent enter(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(panel, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(centre), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(panel, &drop);
    QVERIFY(finished.wait(30000));
    const auto summary = finished.at(0).at(0).value<pw::gui::IngestSummary>();
    QCOMPARE(summary.added, 2);
    QCOMPARE(summary.problems, 0);
    QTRY_VERIFY(app_->libraryModel()->collectionItem("My documents"));
    QCOMPARE(app_->libraryModel()->collectionItem("My documents")->rowCount(), 2);
  }

  void aPasswordProtectedPdfAsksForItsPassword() {
    QVERIFY(QFile::exists(locked_pdf()));
    QSignalSpy finished(app_, &pw::gui::AppController::indexingFinished);
    app_->addPathsTo("Locked", {locked_pdf()});
    QVERIFY(finished.wait(30000));
    const auto summary = finished.at(0).at(0).value<pw::gui::IngestSummary>();
    QVERIFY2(summary.encrypted.contains(locked_pdf()), qPrintable(summary.encrypted.join(", ") + " | " + summary.messages.join(", ")));

    // The prompt names the file and hides what is typed. Cancel: the document stays listed as
    // encrypted, with the reason, and can be unlocked later.
    auto* prompt = wait_for_dialog<QInputDialog>("passwordDialog");
    QVERIFY(prompt);
    QVERIFY2(prompt->labelText().contains("qpdf_c-r4.pdf"), qPrintable(prompt->labelText()));
    QCOMPARE(prompt->textEchoMode(), QLineEdit::Password);
    prompt->reject();
    QTRY_VERIFY(app_->libraryModel()->collectionItem("Locked"));
    QStandardItem* doc = app_->libraryModel()->collectionItem("Locked")->child(0);
    QVERIFY(doc);
    QCOMPARE(doc->data(pw::gui::LibraryModel::StatusRole).toString(), QString("encrypted"));
    QVERIFY(!doc->toolTip().isEmpty());

    auto* tree = find<QTreeView>(*window_, "libraryTree");
    tree->setCurrentIndex(doc->index());
    auto* unlock = find<QPushButton>(*window_, "unlockButton");
    QTRY_VERIFY(unlock->isVisible() && unlock->isEnabled());
    QTest::mouseClick(unlock, Qt::LeftButton);

    // A wrong password: asked again, saying so.
    prompt = wait_for_dialog<QInputDialog>("passwordDialog");
    QVERIFY(prompt);
    finished.clear();
    prompt->setTextValue("not-the-password");
    prompt->accept();
    QVERIFY(finished.wait(30000));
    prompt = wait_for_dialog<QInputDialog>("passwordDialog");
    QVERIFY(prompt);
    QVERIFY2(prompt->labelText().contains("did not open"), qPrintable(prompt->labelText()));

    // The right one: the document is indexed with all its pages.
    finished.clear();
    prompt->setTextValue("user2");
    prompt->accept();
    QVERIFY(finished.wait(30000));
    QTRY_COMPARE(app_->libraryModel()->collectionItem("Locked")->child(0)->data(pw::gui::LibraryModel::StatusRole).toString(),
                 QString("ok"));
    QTest::qWait(50);
    QVERIFY(!wait_for_dialog<QInputDialog>("passwordDialog", 200));
  }

  void theCollectionsAChatSearchesAreKeptWithIt() {
    QStandardItem* locked = app_->libraryModel()->collectionItem("Locked");
    QVERIFY(locked);
    qint64 locked_id = 0;
    for (const auto& c : app_->libraryModel()->snapshot())
      if (c.name == "Locked") locked_id = c.id;
    QVERIFY(locked_id > 0);

    // Only "My documents" for this chat: untick "Locked" in the chat's collection menu.
    auto* button = find<QToolButton>(*window_, "collectionsButton");
    QAction* locked_action = nullptr;
    for (QAction* a : button->menu()->actions())
      if (a->text() == "Locked") locked_action = a;
    QVERIFY(locked_action);
    locked_action->trigger();
    QVERIFY(!locked_action->isChecked());
    QCOMPARE(button->text(), QString("1 collection"));

    QSignalSpy done(app_, &pw::gui::AppController::answerFinished);
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    QTest::keyClicks(edit, "How long are passwords?");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(done.wait(15000));
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    QVERIFY(!chat->turns().back().answer.sources.isEmpty());
    for (const auto& s : chat->turns().back().answer.sources) QVERIFY2(!s.path.endsWith("qpdf_c-r4.pdf"), qPrintable(s.path));
    QTRY_VERIFY(app_->currentChat() > 0);
    const qint64 chat_id = app_->currentChat();

    // A new chat searches everything; reopening the first brings its choice back.
    QTest::keySequence(window_, QKeySequence("Ctrl+N"));
    QCOMPARE(button->text(), QString("All collections"));
    QVERIFY(chat->checkedCollections().isEmpty());
    auto* list = find<QListWidget>(*window_, "chatList");
    QTRY_VERIFY(list->count() >= 1);
    emit list->itemClicked(list->item(0));
    QTRY_COMPARE(app_->currentChat(), chat_id);
    QTRY_COMPARE(chat->turns().size(), 1);
    QVERIFY(!chat->checkedCollections().isEmpty());
    QVERIFY(!chat->checkedCollections().contains(locked_id));
    QVERIFY(!locked_action->isChecked());

    // Changing the choice of a saved chat is saved too.
    locked_action->trigger();
    QVERIFY(chat->checkedCollections().isEmpty());
    QTest::keySequence(window_, QKeySequence("Ctrl+N"));
    locked_action->trigger();  // unticked in the new (unsaved) chat: must not leak into the old one
    QTRY_VERIFY(list->count() >= 1);
    emit list->itemClicked(list->item(0));
    QTRY_COMPARE(app_->currentChat(), chat_id);
    QTRY_VERIFY(chat->checkedCollections().isEmpty());
    QVERIFY(locked_action->isChecked());
  }

  void copyRegenerateAndTheKeyboardShortcuts() {
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    QTest::keySequence(window_, QKeySequence("Ctrl+N"));
    QCOMPARE(chat->turns().size(), 0);
    // Ctrl+L, type, Enter: the keyboard alone asks.
    QTest::keySequence(window_, QKeySequence("Ctrl+L"));
    QWidget* focused = QApplication::focusWidget();
    QCOMPARE(focused, find<QWidget>(*window_, "questionEdit"));
    QSignalSpy done(app_, &pw::gui::AppController::answerFinished);
    QTest::keyClicks(focused, "What is the maximum daily dose of paracetamol?");
    QTest::keyClick(focused, Qt::Key_Return);
    QVERIFY(done.wait(15000));
    QCOMPARE(chat->turns().size(), 1);
    const pw::gui::ShownAnswer first = chat->turns().back().answer;
    QVERIFY(!first.sources.isEmpty());

    // Esc with nothing running changes nothing.
    QTest::keyClick(window_, Qt::Key_Escape);
    QCOMPARE(chat->turns().back().phase, pw::gui::TurnState::Phase::Done);

    // Copy Answer: question, answer and the numbered sources with document and page.
    QApplication::clipboard()->clear();
    QTest::mouseClick(find<QPushButton>(*window_, "copyAnswerButton"), Qt::LeftButton);
    const QString copied = QApplication::clipboard()->text();
    QVERIFY2(copied.contains("maximum daily dose of paracetamol"), qPrintable(copied));
    QVERIFY2(copied.contains("60 mg/kg"), qPrintable(copied));
    QVERIFY2(copied.contains("[1]") && copied.contains(first.sources[0].title), qPrintable(copied));
    QVERIFY2(copied.contains(QString("page %1").arg(first.sources[0].page_start)) ||
                 copied.contains(QString("pages %1").arg(first.sources[0].page_start)),
             qPrintable(copied));
    QApplication::clipboard()->clear();
    QTest::keySequence(window_, QKeySequence("Ctrl+Shift+C"));
    QCOMPARE(QApplication::clipboard()->text(), copied);

    // Regenerate (button, then Ctrl+R) answers the same question again.
    done.clear();
    QTest::mouseClick(find<QPushButton>(*window_, "regenerateButton"), Qt::LeftButton);
    QVERIFY(done.wait(15000));
    QCOMPARE(chat->turns().size(), 2);
    QCOMPARE(chat->turns()[1].question, chat->turns()[0].question);
    QVERIFY(chat->turns()[1].answer.text.contains("60 mg/kg"));
    done.clear();
    QTest::keySequence(window_, QKeySequence("Ctrl+R"));
    QVERIFY(done.wait(15000));
    QCOMPARE(chat->turns().size(), 3);
  }

  void openInViewerHandsTheFileToTheDesktop() {
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    QVERIFY(!chat->turns().isEmpty());
    const int turn = static_cast<int>(chat->turns().size()) - 1;
    const pw::gui::ShownSource cited = chat->turns()[turn].answer.sources[0];
    QVERIFY(click_chip(find<QTextBrowser>(*window_, "transcript"), turn, 1));
    auto* sources = find<pw::gui::SourcesPanel>(*window_, "sourcesPanel");
    QTRY_COMPARE(sources->shownSource().path, cited.path);
    auto* open = find<QPushButton>(*window_, "openInViewerButton");
    QTRY_VERIFY(open->isVisible() && open->isEnabled());
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler("file", &catcher, "open");
    QTest::mouseClick(open, Qt::LeftButton);
    QDesktopServices::unsetUrlHandler("file");
    QCOMPARE(catcher.urls.size(), 1);
    QCOMPARE(catcher.urls[0], QUrl::fromLocalFile(cited.path));
  }

  void importModelFileChecksTheFileThenCopiesIt() {
    // Something that is not a model: a plain message, the technical reason under Details.
    const QString bogus = dir_.filePath("elsewhere/notes.gguf");
    {
      QFile f(bogus);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("this is not a model");
    }
    QAction* import = find<QAction>(*window_, "importModelAction");
    QVERIFY(import);
    QSignalSpy errors(app_, &pw::gui::AppController::errorShown);
    import->trigger();
    auto* dialog = wait_for_dialog<QFileDialog>("importModelDialog");
    QVERIFY(dialog);
    dialog->selectFile(bogus);
    static_cast<QDialog*>(dialog)->accept();  // public there; QFileDialog::accept runs
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 10000);
    const auto error = errors.at(0).at(0).value<pw::gui::UserError>();
    QVERIFY2(error.summary.contains("notes.gguf") && error.summary.contains("not a model"), qPrintable(error.summary));
    QVERIFY(!error.details.isEmpty());
    auto* box = wait_for_dialog<QMessageBox>("errorMessage");
    QVERIFY(box);
    QCOMPARE(box->text(), error.summary);
    QCOMPARE(box->detailedText(), error.details);
    box->accept();
    QVERIFY(!QFile::exists(dir_.filePath("models/notes.gguf")));

    // The stories260K fixture: checked, copied into the model folder, listed and loaded.
    const QString outside = dir_.filePath("elsewhere/stories260K.gguf");
    QVERIFY(QFile::copy(stories_model(), outside));
    QSignalSpy ready(app_, &pw::gui::AppController::modelReady);
    import->trigger();
    dialog = wait_for_dialog<QFileDialog>("importModelDialog");
    QVERIFY(dialog);
    dialog->selectFile(outside);
    static_cast<QDialog*>(dialog)->accept();  // public there; QFileDialog::accept runs
    QVERIFY(ready.wait(30000));
    const QString imported = dir_.filePath("models/stories260K.gguf");
    QCOMPARE(ready.at(0).at(0).toString(), imported);
    QVERIFY(QFile::exists(imported));
    QCOMPARE(QFileInfo(imported).size(), QFileInfo(outside).size());
    auto* combo = find<QComboBox>(*window_, "modelCombo");
    QCOMPARE(combo->currentData().toString(), imported);
    QVERIFY(find<QLabel>(*window_, "modelNote")->text().contains("ready"));
  }

  void switchingModelsChangesHowAnswersAreWritten() {
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    auto* combo = find<QComboBox>(*window_, "modelCombo");
    QSignalSpy done(app_, &pw::gui::AppController::answerFinished);
    QTest::keySequence(window_, QKeySequence("Ctrl+N"));
    QTest::keyClicks(edit, "When is ibuprofen given?");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(done.wait(60000));
    QCOMPARE(chat->turns().back().answer.mode, pw::gui::ShownAnswer::Mode::Generated);
    QVERIFY(!chat->turns().back().answer.model.isEmpty());

    // Back to "No model" from the keyboard: answers quote the documents again.
    QSignalSpy ready(app_, &pw::gui::AppController::modelReady);
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Home);
    QVERIFY(ready.wait(10000));
    QCOMPARE(ready.at(0).at(0).toString(), QString());
    QVERIFY(app_->loadedModel().isEmpty());
    done.clear();
    QTest::keyClicks(edit, "When is ibuprofen given?");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(done.wait(15000));
    QCOMPARE(chat->turns().back().answer.mode, pw::gui::ShownAnswer::Mode::Extractive);
    QVERIFY(chat->turns().back().answer.model.isEmpty());

    // And the model again: generated once more.
    ready.clear();
    QTest::keyClick(combo, Qt::Key_Down);
    QVERIFY(ready.wait(30000));
    QCOMPARE(ready.at(0).at(0).toString(), dir_.filePath("models/stories260K.gguf"));
  }

  void savedAnswersReopenWithTheirVerdictsAndHeadings() {
    // The generated answer of the last chat, reopened from the list, is the same answer:
    // text, sentence verdicts (flags and reasons), sources with heading paths, model.
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    const QVector<pw::gui::TurnState> before = chat->turns();
    QVERIFY(before.size() >= 2);
    const qint64 id = app_->currentChat();
    QVERIFY(id > 0);
    QTest::keySequence(window_, QKeySequence("Ctrl+N"));
    auto* list = find<QListWidget>(*window_, "chatList");
    QListWidgetItem* item = nullptr;
    QTRY_VERIFY(list->count() > 0);
    for (int i = 0; i < list->count(); ++i)
      if (list->item(i)->data(Qt::UserRole).toLongLong() == id) item = list->item(i);
    QVERIFY(item);
    emit list->itemClicked(item);
    QTRY_COMPARE(chat->turns().size(), before.size());
    bool any_heading = false;
    for (qsizetype t = 0; t < before.size(); ++t) {
      const auto& a = before[t].answer;
      const auto& b = chat->turns()[t].answer;
      QCOMPARE(b.text, a.text);
      QCOMPARE(b.mode, a.mode);
      QCOMPARE(b.model, a.model);
      QCOMPARE(b.quantization, a.quantization);
      QCOMPARE(b.sentences.size(), a.sentences.size());
      for (qsizetype i = 0; i < a.sentences.size(); ++i) {
        QCOMPARE(b.sentences[i].text, a.sentences[i].text);
        QCOMPARE(b.sentences[i].supported, a.sentences[i].supported);
        QCOMPARE(b.sentences[i].unsupported_facts, a.sentences[i].unsupported_facts);
      }
      QCOMPARE(b.sources.size(), a.sources.size());
      for (qsizetype i = 0; i < a.sources.size(); ++i) {
        QCOMPARE(b.sources[i].heading_path, a.sources[i].heading_path);
        any_heading = any_heading || !a.sources[i].heading_path.isEmpty();
      }
    }
    QVERIFY(any_heading);  // the guideline's sections have headings
  }

  void aModelThatFailsToLoadSaysSoWithDetails() {
    QFile whole(stories_model());
    QVERIFY(whole.open(QIODevice::ReadOnly));
    const QByteArray bytes = whole.readAll();
    // A cut-short download: found damaged while listing, shown greyed out with the reason.
    const QString truncated = dir_.filePath("models/cut-short.gguf");
    // A file whose header reads fine but whose tokenizer is missing (the key renamed, same
    // length so every offset stays): it fails only when loaded.
    const QString broken = dir_.filePath("models/no-tokenizer.gguf");
    {
      QFile f(truncated);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(bytes.left(bytes.size() * 3 / 4));
      QByteArray renamed = bytes;
      const qsizetype at = renamed.indexOf("tokenizer.ggml.tokens");
      QVERIFY(at > 0);
      renamed[at + qsizetype(sizeof("tokenizer.ggml.tokens")) - 2] = 'z';
      QFile g(broken);
      QVERIFY(g.open(QIODevice::WriteOnly));
      g.write(renamed);
    }
    QSignalSpy listed(app_, &pw::gui::AppController::modelsRefreshed);
    app_->refreshModels();
    QVERIFY(listed.wait(10000));
    auto* combo = find<QComboBox>(*window_, "modelCombo");
    auto enabled = [&](int row) { return bool(combo->model()->flags(combo->model()->index(row, 0)) & Qt::ItemIsEnabled); };

    const int cut = combo->findData(truncated);
    QVERIFY2(cut > 0, "the cut-short model is listed");
    QVERIFY(!enabled(cut));
    QVERIFY(combo->itemText(cut).contains("damaged"));
    QVERIFY2(combo->itemData(cut, Qt::ToolTipRole).toString().contains("damaged"),
             qPrintable(combo->itemData(cut, Qt::ToolTipRole).toString()));

    const int row = combo->findData(broken);
    QVERIFY2(row > 0, "the model without tokenizer is listed");
    QVERIFY(enabled(row));
    QSignalSpy failed(app_, &pw::gui::AppController::modelLoadFailed);
    QSignalSpy errors(app_, &pw::gui::AppController::errorShown);
    combo->setCurrentIndex(row);
    emit combo->activated(row);
    QVERIFY(failed.wait(30000));
    QCOMPARE(failed.at(0).at(0).toString(), broken);
    QTRY_VERIFY(errors.count() >= 1);
    const auto error = errors.back().at(0).value<pw::gui::UserError>();
    QVERIFY2(error.summary.contains("no-tokenizer.gguf") && error.summary.contains("could not be loaded"),
             qPrintable(error.summary));
    QVERIFY(!error.details.isEmpty());
    auto* box = wait_for_dialog<QMessageBox>("errorMessage");
    QVERIFY(box);
    QCOMPARE(box->text(), error.summary);
    QCOMPARE(box->detailedText(), error.details);
    box->accept();
    // The app carries on without a model: the note says what happened, answers quote.
    QVERIFY(app_->loadedModel().isEmpty());
    QVERIFY(combo->currentData().toString() != broken);
    QCOMPARE(find<QLabel>(*window_, "modelNote")->text(), error.summary);
    QVERIFY(QFile::remove(truncated));
    QVERIFY(QFile::remove(broken));
  }

  void theFinishedAnswerIsAnnouncedToScreenReaders() {
    g_alerts.clear();
    // As when a screen reader is running (offscreen has no accessibility bridge of its own).
    QAccessible::setActive(true);
    g_previous_handler = QAccessible::installUpdateHandler(record_accessibility);
    QSignalSpy done(app_, &pw::gui::AppController::answerFinished);
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    QTest::keySequence(window_, QKeySequence("Ctrl+N"));
    QTest::keyClicks(edit, "How long are passwords?");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(done.wait(60000));
    const bool bridge = QAccessible::isActive();  // false where the platform has no accessibility bridge
    QAccessible::installUpdateHandler(g_previous_handler);
    QAccessible::setActive(false);
    // What the screen reader reads with the alert: the answer status's description.
    const QString said = find<QLabel>(*window_, "answerStatus")->accessibleDescription();
    QVERIFY2(said.startsWith("Answer ready.") && said.contains("from"), qPrintable(said));
    if (bridge) {
      bool announced = false;
      for (const auto& a : g_alerts) announced = announced || a.contains(said);
      QVERIFY2(announced, qPrintable(g_alerts.join("\n")));
    } else {
      qInfo("no accessibility bridge on this platform: %lld alert event(s) seen", static_cast<long long>(g_alerts.size()));
    }
  }

  void everyControlIsNamedDescribedAndReachableByTab() {
    // The window with an answer and its source open: every visible control a user can reach
    // has an accessible name and a description (for the screen reader), and Tab reaches it.
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    QVERIFY(!chat->turns().isEmpty());
    QVERIFY(click_chip(find<QTextBrowser>(*window_, "transcript"), static_cast<int>(chat->turns().size()) - 1, 1));
    auto* sources = find<pw::gui::SourcesPanel>(*window_, "sourcesPanel");
    QTRY_VERIFY(!sources->shownSource().path.isEmpty() && !sources->rendering());
    auto* tree = find<QTreeView>(*window_, "libraryTree");
    tree->setCurrentIndex(app_->libraryModel()->collectionItem("My documents")->child(0)->index());

    QStringList missing;
    QList<QWidget*> controls;
    for (QWidget* w : window_->findChildren<QWidget*>()) {
      if (w->window() != window_ || !w->isVisible() || !(w->focusPolicy() & Qt::TabFocus)) continue;
      if (w->focusProxy()) continue;  // the proxy is the control
      controls << w;
      QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
      const QString who = QString("%1 (%2)").arg(w->objectName(), w->metaObject()->className());
      if (!iface) {
        missing << who + ": no accessible interface";
        continue;
      }
      if (iface->text(QAccessible::Name).trimmed().isEmpty()) missing << who + ": no name";
      if (iface->text(QAccessible::Description).trimmed().isEmpty()) missing << who + ": no description";
    }
    QVERIFY(controls.size() >= 15);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join("\n")));

    // Tab from the question box goes round every enabled control and comes back.
    QWidget* start = find<QWidget>(*window_, "questionEdit");
    window_->activateWindow();
    start->setFocus(Qt::TabFocusReason);
    QTRY_COMPARE(QApplication::focusWidget(), start);
    QSet<QWidget*> reached;
    for (int i = 0; i < 200; ++i) {
      QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
      QWidget* now = QApplication::focusWidget();
      if (now == start) break;
      reached.insert(now);
    }
    QCOMPARE(QApplication::focusWidget(), start);
    QStringList unreachable;
    for (QWidget* w : controls)
      if (w != start && w->isEnabled() && !reached.contains(w)) unreachable << w->objectName() + " (" + w->metaObject()->className() + ")";
    QVERIFY2(unreachable.isEmpty(), qPrintable("not reached by Tab: " + unreachable.join(", ")));
  }

  void focusIsVisible() {
    // A focused control looks different from an unfocused one (the focus frame is drawn).
    for (const char* name : {"newChatButton", "questionEdit", "modelCombo", "addFilesButton", "libraryTree"}) {
      auto* w = find<QWidget>(*window_, name);
      QVERIFY(w);
      if (!w->isVisible()) continue;
      find<QWidget>(*window_, "transcript")->setFocus(Qt::OtherFocusReason);
      QTRY_VERIFY(!w->hasFocus());
      const QImage plain = w->grab().toImage();
      w->setFocus(Qt::TabFocusReason);
      QTRY_VERIFY(w->hasFocus());
      const QImage focused = w->grab().toImage();
      QVERIFY2(plain != focused, name);
    }
  }

 private:
  QTemporaryDir dir_;
  pw::gui::MainWindow* window_ = nullptr;
  pw::gui::AppController* app_ = nullptr;
};

QTEST_MAIN(AppTasksTest)
#include "app_tasks_test.moc"
