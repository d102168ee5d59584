// The Pagewise main window: library (left), chat (centre) and sources (right) in a
// QSplitter, with the File, Edit, View and Help menus.
//
//   pw::gui::MainWindow w;
//   QObject::connect(&w, &pw::gui::MainWindow::filesChosen, library, &Library::add);
//   w.show();
//
// The window only lays out widgets and reports what the user asked for through its
// signals; the work (ingesting, answering, settings) belongs to whoever connects to them.
// Object names (tests and accessibility tools find widgets by them; do not rename):
//   mainWindow, mainSplitter, libraryPanel, chatPanel, sourcesPanel, questionEdit, askButton,
//   fileMenu, editMenu, viewMenu, helpMenu, addFilesAction, addFolderAction, quitAction,
//   copyAction, preferencesAction, showLibraryAction, showSourcesAction, aboutAction, aboutDialog,
//   chatMenu (the chat panel's actions), importModelAction.
#pragma once

#include <QMainWindow>
#include <QStringList>

class QAction;
class QSplitter;

namespace pw::gui {

class ChatPanel;
class LibraryPanel;
class SourcesPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Opens Help › About (window-modal, returns at once).
  void showAbout();

  LibraryPanel* libraryPanel() const { return library_; }
  ChatPanel* chatPanel() const { return chat_; }
  SourcesPanel* sourcesPanel() const { return sources_; }
  // Makes sure the sources panel is visible (a citation was clicked).
  void revealSources();

 signals:
  void filesChosen(const QStringList& paths);   // File › Add Files…
  void folderChosen(const QString& path);       // File › Add Folder…
  void preferencesRequested();                  // Edit › Preferences…
  void questionAsked(const QString& question);  // Ask button or Enter in the question line
  void importModelRequested();                   // File › Import Model File…

 private:
  void createMenus();
  void chooseFiles();
  void chooseFolder();
  void copySelection();

  QSplitter* splitter_ = nullptr;
  LibraryPanel* library_ = nullptr;
  ChatPanel* chat_ = nullptr;
  SourcesPanel* sources_ = nullptr;
  QAction* show_sources_ = nullptr;
};

}  // namespace pw::gui
