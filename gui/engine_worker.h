// Answers questions off the GUI thread: owns its own connection to the library, the
// retriever and the language model (gui/model_runner.h) on its own QThread, and reports by
// queued signals carrying values.
//
//   auto* worker = new pw::gui::EngineWorker(db_path);   // then moveToThread, start (see IngestWorker)
//   connect(worker, &EngineWorker::sourcesFound, chat, &ChatPanel::showSources);   // within a second
//   connect(worker, &EngineWorker::textArrived, chat, &ChatPanel::appendText);     // streamed
//   connect(worker, &EngineWorker::answered, chat, &ChatPanel::finishAnswer);
//   QMetaObject::invokeMethod(worker, [=] { worker->ask(request); });
//   worker->stop();                                          // any thread: ends the generation
//
// Order for one request id: sourcesFound once, textArrived any number of times, then exactly
// one of answered / failed / stopped. Each answered question is saved in the library's chat
// (created on the first question, with the collections it searches) and chatSaved() tells
// which. A reopened chat (loadChat) comes back with sentence verdicts, heading paths, model,
// quantization and collections as they were.
#pragma once

#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>
#include <string>

#include "gui/model_catalog.h"
#include "gui/worker_values.h"

namespace pw::rag {
class LibraryStore;
class Retriever;
struct SearchFilter;
}  // namespace pw::rag

namespace pw::gui {

class ModelRunner;

inline constexpr size_t kExactSearchPassages = 50;

struct AskRequest {
  qint64 id = 0;                 // chosen by the caller, echoed in the signals
  qint64 chat_id = 0;            // 0: a new chat is created
  QString question;
  QVector<qint64> collections;   // empty: all
  int sources = 6;               // sources per answer
  bool extractive = false;       // no model even if one is loaded
  bool save = true;              // save question and answer in the chat
  bool exact = false;            // exact search: every matching passage, by words, no model, not saved
  double temperature = 0.2;
  int max_tokens = 512;
};

struct ModelSettings {
  QString path;
  int threads = 0;
  int context = 0;
};

class EngineWorker : public QObject {
  Q_OBJECT
 public:
  explicit EngineWorker(QString db_path, QObject* parent = nullptr);
  ~EngineWorker() override;

  // Thread-safe: the running generation stops before its next token.
  void stop() { cancel_ = true; }

 public slots:
  void open();
  void ask(const pw::gui::AskRequest& request);
  void loadModel(const pw::gui::ModelSettings& settings);
  void unloadModel();
  // Lists the GGUF files of `folders` (reads their headers) -> modelsListed.
  void listModels(const QStringList& folders, int context);
  // Checks that `source` loads as a language model, then copies it into `folder`.
  void importModel(const QString& source, const QString& folder);
  void listChats();
  void loadChat(qint64 chat_id);
  // The collections the chat searches (empty: all), kept with the chat.
  void setChatCollections(qint64 chat_id, const QVector<qint64>& collections);
  void deleteChat(qint64 chat_id);

 signals:
  void opened();
  void openFailed(const pw::gui::UserError& error);
  void sourcesFound(qint64 id, const pw::gui::ShownAnswer& partial);  // mode and sources, no text yet
  void textArrived(qint64 id, const QString& piece);
  void answered(qint64 id, const pw::gui::ShownAnswer& answer);
  void stopped(qint64 id, const pw::gui::ShownAnswer& partial);
  void failed(qint64 id, const pw::gui::UserError& error);
  void chatSaved(qint64 id, qint64 chat_id);
  // The chat or an answer could not be written to the library (a full disk, ...).
  void saveFailed(const pw::gui::UserError& error);
  void chatsListed(const QVector<pw::gui::ChatEntry>& chats);
  // `collections`: the ones the chat searches, empty for all.
  void chatLoaded(qint64 chat_id, const QVector<pw::gui::ChatTurn>& turns, const QVector<qint64>& collections);
  void modelLoaded(const QString& path, const QString& name, const QString& quantization);
  void modelUnloaded();
  void modelFailed(const QString& path, const pw::gui::UserError& error);
  void modelsListed(const QVector<pw::gui::ModelEntry>& models);
  void modelImported(const QString& path);
  void importFailed(const pw::gui::UserError& error);

 private:
  void save(const AskRequest& request, const ShownAnswer& answer);
  void exactSearch(const AskRequest& request, const std::string& question, const rag::SearchFilter& filter);

  QString db_path_;
  std::unique_ptr<rag::LibraryStore> store_;
  std::unique_ptr<rag::Retriever> retriever_;
  std::unique_ptr<ModelRunner> model_;
  std::atomic<bool> cancel_{false};
};

}  // namespace pw::gui

Q_DECLARE_METATYPE(pw::gui::AskRequest)
Q_DECLARE_METATYPE(pw::gui::ModelSettings)
Q_DECLARE_METATYPE(pw::gui::ModelEntry)
