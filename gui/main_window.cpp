#include "gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QKeySequence>
#include <QMenuBar>
#include <QMetaObject>
#include <QSplitter>

#include "gui/about_dialog.h"
#include "gui/chat_panel.h"
#include "gui/library_panel.h"
#include "gui/sources_panel.h"
#include "pagewise/version.h"

namespace pw::gui {

namespace {

QAction* make_action(QObject* parent, const char* object_name, const QString& text, const QKeySequence& shortcut,
                     const QString& tip) {
  auto* action = new QAction(text, parent);
  action->setObjectName(object_name);
  action->setShortcut(shortcut);
  action->setStatusTip(tip);
  action->setToolTip(tip);
  return action;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName("mainWindow");
  setWindowTitle(PAGEWISE_NAME);
  setAccessibleName(PAGEWISE_NAME);
  resize(1200, 760);
  setMinimumSize(760, 480);

  splitter_ = new QSplitter(Qt::Horizontal, this);
  splitter_->setObjectName("mainSplitter");
  splitter_->setAccessibleName(tr("Library, chat and sources"));
  splitter_->setChildrenCollapsible(false);
  library_ = new LibraryPanel(splitter_);
  chat_ = new ChatPanel(splitter_);
  sources_ = new SourcesPanel(splitter_);
  splitter_->addWidget(library_);
  splitter_->addWidget(chat_);
  splitter_->addWidget(sources_);
  splitter_->setStretchFactor(0, 0);
  splitter_->setStretchFactor(1, 1);
  splitter_->setStretchFactor(2, 0);
  splitter_->setSizes({260, 640, 300});
  setCentralWidget(splitter_);

  createMenus();
  connect(chat_, &ChatPanel::questionSubmitted, this, &MainWindow::questionAsked);
  connect(chat_, &ChatPanel::addFilesRequested, this, &MainWindow::chooseFiles);
  connect(library_, &LibraryPanel::addFilesRequested, this, &MainWindow::chooseFiles);
  connect(library_, &LibraryPanel::addFolderRequested, this, &MainWindow::chooseFolder);
}

void MainWindow::createMenus() {
  // File
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->setObjectName("fileMenu");
  file->setAccessibleName(tr("File"));
  auto* add_files = make_action(this, "addFilesAction", tr("Add &Files\u2026"), QKeySequence::Open,
                                tr("Add PDF, text or Markdown files to the library"));
  auto* add_folder = make_action(this, "addFolderAction", tr("Add F&older\u2026"),
                                 QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                                 tr("Add every document in a folder to the library"));
  auto* import_model = make_action(this, "importModelAction", tr("&Import Model File\u2026"), QKeySequence(),
                                   tr("Add a language model (a .gguf file) to Pagewise"));
  auto* quit = make_action(this, "quitAction", tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), tr("Quit Pagewise"));
  quit->setMenuRole(QAction::QuitRole);
  file->addAction(add_files);
  file->addAction(add_folder);
  file->addSeparator();
  file->addAction(import_model);
  file->addSeparator();
  file->addAction(quit);
  connect(add_files, &QAction::triggered, this, &MainWindow::chooseFiles);
  connect(add_folder, &QAction::triggered, this, &MainWindow::chooseFolder);
  connect(quit, &QAction::triggered, this, &QWidget::close);
  connect(import_model, &QAction::triggered, this, &MainWindow::importModelRequested);

  // Edit
  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->setObjectName("editMenu");
  edit->setAccessibleName(tr("Edit"));
  auto* copy = make_action(this, "copyAction", tr("&Copy"), QKeySequence::Copy, tr("Copy the selected text"));
  // Ctrl+, is the common Preferences shortcut; Qt's QKeySequence::Preferences is empty on most Linux desktops.
  auto* preferences = make_action(this, "preferencesAction", tr("&Preferences\u2026"),
                                  QKeySequence(Qt::CTRL | Qt::Key_Comma), tr("Change Pagewise settings"));
  preferences->setMenuRole(QAction::PreferencesRole);
  edit->addAction(copy);
  edit->addSeparator();
  edit->addAction(preferences);
  connect(copy, &QAction::triggered, this, &MainWindow::copySelection);
  connect(preferences, &QAction::triggered, this, &MainWindow::preferencesRequested);

  // View: the side panels can be hidden to give the chat more room.
  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->setObjectName("viewMenu");
  view->setAccessibleName(tr("View"));
  auto* show_library = make_action(this, "showLibraryAction", tr("Show &Library"),
                                   QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L), tr("Show or hide the library panel"));
  auto* show_sources = make_action(this, "showSourcesAction", tr("Show &Sources"),
                                   QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), tr("Show or hide the sources panel"));
  for (auto* action : {show_library, show_sources}) {
    action->setCheckable(true);
    action->setChecked(true);
    view->addAction(action);
  }
  connect(show_library, &QAction::toggled, library_, &QWidget::setVisible);
  connect(show_sources, &QAction::toggled, sources_, &QWidget::setVisible);
  show_sources_ = show_sources;

  // Chat: new chat, stop, focus the question, copy, regenerate, export (the panel's actions).
  QMenu* chat = menuBar()->addMenu(tr("&Chat"));
  chat->setObjectName("chatMenu");
  chat->setAccessibleName(tr("Chat"));
  for (QAction* a : chat_->chatActions()) chat->addAction(a);

  // Help
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->setObjectName("helpMenu");
  help->setAccessibleName(tr("Help"));
  auto* about = make_action(this, "aboutAction", tr("&About Pagewise"), QKeySequence(Qt::Key_F1),
                            tr("Version and licence of Pagewise"));
  about->setMenuRole(QAction::AboutRole);
  help->addAction(about);
  connect(about, &QAction::triggered, this, &MainWindow::showAbout);

  // Shortcuts work even while a menu bar is hidden or a panel has focus.
  for (auto* action : {add_files, add_folder, quit, copy, preferences, show_library, show_sources, about})
    addAction(action);
}

void MainWindow::revealSources() {
  if (!sources_->isVisible()) show_sources_->setChecked(true);
}

void MainWindow::showAbout() {
  auto* dialog = findChild<AboutDialog*>("aboutDialog", Qt::FindDirectChildrenOnly);
  if (!dialog) dialog = new AboutDialog(this);
  dialog->open();
}

// File dialogs open with open(), not exec(): no nested event loop, the window keeps painting.
void MainWindow::chooseFiles() {
  auto* dialog = new QFileDialog(this, tr("Add Files"), QDir::homePath(),
                                 tr("Documents (*.pdf *.txt *.md *.markdown);;PDF files (*.pdf);;All files (*)"));
  dialog->setObjectName("addFilesDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setFileMode(QFileDialog::ExistingFiles);
  connect(dialog, &QFileDialog::filesSelected, this, [this](const QStringList& paths) {
    if (!paths.isEmpty()) emit filesChosen(paths);
  });
  dialog->open();
}

void MainWindow::chooseFolder() {
  auto* dialog = new QFileDialog(this, tr("Add Folder"), QDir::homePath());
  dialog->setObjectName("addFolderDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setFileMode(QFileDialog::Directory);
  dialog->setOption(QFileDialog::ShowDirsOnly);
  connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
    if (!path.isEmpty()) emit folderChosen(path);
  });
  dialog->open();
}

void MainWindow::copySelection() {
  // Text widgets (line edits, text views) have a copy() slot; others have nothing to copy.
  QWidget* focus = QApplication::focusWidget();
  if (focus && focus->metaObject()->indexOfMethod("copy()") >= 0)
    QMetaObject::invokeMethod(focus, "copy", Qt::DirectConnection);
}

}  // namespace pw::gui
