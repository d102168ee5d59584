// Connects the main window to the work: an IngestWorker and an EngineWorker, each on its own
// QThread, talking by queued signals that carry values. The controller lives on the GUI
// thread and owns every item model; it never waits for a worker while the app runs.
//
//   pw::gui::MainWindow window;
//   pw::gui::AppController app(&window, pw::gui::AppPaths::from(settings), settings);
//   window.show();                      // documents, questions, models, settings all work now
//
// Shutdown (destructor): both workers are told to stop (cancel flags), then their threads
// are joined; a document being saved is finished first (ingestion is crash-safe anyway).
#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <vector>

#include "gui/app_settings.h"
#include "gui/engine_worker.h"
#include "gui/model_catalog.h"
#include "gui/worker_values.h"

class QFileSystemWatcher;
class QThread;

namespace pw::gui {

class IngestWorker;
class LibraryModel;
class QuantizeWorker;
class MainWindow;

struct AppPaths {
  QString library;               // the library database file
  QStringList model_folders;     // searched for *.gguf
  QString user_model_folder;     // where imported models go
  static AppPaths from(const AppSettings& settings);
};

class AppController : public QObject {
  Q_OBJECT
 public:
  AppController(MainWindow* window, AppPaths paths, AppSettings settings, QObject* parent = nullptr);
  ~AppController() override;

  LibraryModel* libraryModel() const { return library_model_; }
  const std::vector<ModelEntry>& models() const { return models_; }
  QString loadedModel() const { return loaded_model_; }
  qint64 currentChat() const { return chat_id_; }
  bool indexing() const { return indexing_; }
  // The folders watched for changes now (sorted).
  QStringList watchedFolders() const;
  const AppSettings& settings() const { return settings_; }
  // The workers (tests watch their signals; never call their slots directly from here).
  EngineWorker* engineWorker() const { return engine_; }
  IngestWorker* ingestWorker() const { return ingest_; }

 public slots:
  void addPaths(const QStringList& paths);
  void addPathsTo(const QString& collection, const QStringList& paths);
  void ask(const QString& question);
  void stop();
  void newChat();
  void regenerate();
  void chooseModel(const QString& path);   // empty: no model
  void refreshModels();
  void importModel(const QString& path);
  void showSettings();
  void applySettings(const pw::gui::AppSettings& settings);
  void exportMemo(const QString& path);    // .pdf or .md by the extension
  void makeSmallerCopy(const QString& model_path, const QString& target);  // "Q4_K_M", ...

 signals:
  void libraryReady();
  void indexingFinished(const pw::gui::IngestSummary& summary);
  void answerFinished(qint64 request);       // answered, stopped or failed
  void modelsRefreshed();
  void modelReady(const QString& path);      // "" when unloaded
  void modelLoadFailed(const QString& path);
  void errorShown(const pw::gui::UserError& error);
  void smallerCopyFinished(const QString& path);  // "" when it failed or was stopped

 private:
  void connectIngest();
  void connectEngine();
  void connectWindow();
  void showError(const UserError& error);
  void askForPassword();
  void watchFolders(const QStringList& folders);
  void applyWatch();
  void rescanChanged();
  void chooseExportFile();
  void chooseModelFile();

  MainWindow* window_;
  AppPaths paths_;
  AppSettings settings_;
  QThread* ingest_thread_ = nullptr;
  QThread* engine_thread_ = nullptr;
  IngestWorker* ingest_ = nullptr;
  EngineWorker* engine_ = nullptr;
  QThread* quantize_thread_ = nullptr;
  QuantizeWorker* quantize_ = nullptr;
  LibraryModel* library_model_ = nullptr;
  QFileSystemWatcher* watcher_ = nullptr;
  QTimer rescan_timer_;
  QSet<QString> changed_folders_;
  // The watched folders: the library's list (watchListChanged) and the folders being added,
  // watched from the moment the user adds them, before the worker lists them: a file copied
  // in after the listing and before the library's new list arrives would otherwise be missed
  // (seen as a flaky AppFlowTest::aWatchedFolderUpdatesByItself under load). An added folder
  // stays here until the library's list after its add arrives (`settled`: its run finished).
  struct PendingWatch {
    QString collection;
    qint64 ticket = 0;
    bool settled = false;
  };
  QStringList library_watch_;
  QHash<QString, PendingWatch> pending_watch_;
  qint64 watch_ticket_ = 0;
  QString indexing_collection_;
  bool indexing_ = false;
  QStringList password_queue_;     // encrypted documents waiting for a password
  QString password_collection_;
  QSet<QString> password_tried_;   // a password was just given for these (a wrong one asks again)
  qint64 request_ = 0;
  qint64 chat_id_ = 0;
  QString last_question_;
  std::vector<ModelEntry> models_;
  QString loaded_model_;
};

}  // namespace pw::gui
