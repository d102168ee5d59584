#include "gui/app_controller.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QThread>

#include "gui/answer_memo.h"
#include "gui/chat_panel.h"
#include "gui/ingest_worker.h"
#include "gui/library_model.h"
#include "gui/library_panel.h"
#include "gui/main_window.h"
#include "gui/quantize_worker.h"
#include "gui/settings_dialog.h"
#include "gui/sources_panel.h"

namespace pw::gui {

namespace {

const char* kDefaultCollection = "My documents";

void register_types() {
  qRegisterMetaType<ShownSource>();
  qRegisterMetaType<ShownAnswer>();
  qRegisterMetaType<UserError>();
  qRegisterMetaType<LibrarySnapshot>();
  qRegisterMetaType<IngestProgressValue>();
  qRegisterMetaType<IngestSummary>();
  qRegisterMetaType<ChatEntry>();
  qRegisterMetaType<ChatTurn>();
  qRegisterMetaType<QVector<ChatEntry>>();
  qRegisterMetaType<QVector<ChatTurn>>();
  qRegisterMetaType<AskRequest>();
  qRegisterMetaType<ModelSettings>();
  qRegisterMetaType<ModelEntry>();
  qRegisterMetaType<QVector<ModelEntry>>();
  qRegisterMetaType<AppSettings>();
  qRegisterMetaType<QVector<qint64>>();
}

}  // namespace

AppPaths AppPaths::from(const AppSettings& settings) {
  AppPaths p;
  p.library = settings.libraryPath();
  for (const auto& f : default_model_folders()) p.model_folders << QString::fromStdString(f.string());
  p.user_model_folder = AppSettings::userModelFolder();
  return p;
}

AppController::AppController(MainWindow* window, AppPaths paths, AppSettings settings, QObject* parent)
    : QObject(parent), window_(window), paths_(std::move(paths)), settings_(std::move(settings)) {
  register_types();
  library_model_ = new LibraryModel(this);
  window_->libraryPanel()->setModel(library_model_);
  watcher_ = new QFileSystemWatcher(this);
  rescan_timer_.setSingleShot(true);
  rescan_timer_.setInterval(1500);  // a copy of many files settles before the rescan
  connect(&rescan_timer_, &QTimer::timeout, this, &AppController::rescanChanged);
  connect(watcher_, &QFileSystemWatcher::directoryChanged, this, [this](const QString& folder) {
    changed_folders_.insert(folder);
    rescan_timer_.start();
  });

  ingest_thread_ = new QThread(this);
  ingest_thread_->setObjectName("ingestThread");
  ingest_ = new IngestWorker(paths_.library);
  ingest_->setThreads(std::max(1, QThread::idealThreadCount() - 1));
  ingest_->moveToThread(ingest_thread_);
  connect(ingest_thread_, &QThread::finished, ingest_, &QObject::deleteLater);

  engine_thread_ = new QThread(this);
  engine_thread_->setObjectName("engineThread");
  engine_ = new EngineWorker(paths_.library);
  engine_->moveToThread(engine_thread_);
  connect(engine_thread_, &QThread::finished, engine_, &QObject::deleteLater);

  quantize_thread_ = new QThread(this);
  quantize_thread_->setObjectName("quantizeThread");
  quantize_ = new QuantizeWorker;
  quantize_->moveToThread(quantize_thread_);
  connect(quantize_thread_, &QThread::finished, quantize_, &QObject::deleteLater);
  ChatPanel* chat = window_->chatPanel();
  connect(quantize_, &QuantizeWorker::progress, this, [chat](double fraction, const QString&) {
    chat->showCopyProgress(fraction);
    chat->setModelState(tr("Making a smaller copy\u2026 %1%").arg(static_cast<int>(fraction * 100 + 0.5)));
  });
  connect(quantize_, &QuantizeWorker::finished, this, [this, chat](const QString& path) {
    chat->showCopyProgress(-1);
    chat->setModelState(tr("The smaller copy %1 is ready; choose it in the model list.").arg(QFileInfo(path).fileName()));
    refreshModels();
    emit smallerCopyFinished(path);
  });
  connect(quantize_, &QuantizeWorker::failed, this, [this, chat](const UserError& error) {
    chat->showCopyProgress(-1);
    chat->setModelState(error.summary);
    showError(error);
    emit smallerCopyFinished({});
  });
  connect(quantize_, &QuantizeWorker::cancelled, this, [this, chat] {
    chat->showCopyProgress(-1);
    chat->setModelState(tr("The smaller copy was stopped; nothing was left behind."));
    emit smallerCopyFinished({});
  });
  connect(chat, &ChatPanel::smallerCopyRequested, this, &AppController::makeSmallerCopy);
  connect(chat, &ChatPanel::cancelCopyRequested, this, [this] { quantize_->cancel(); });

  connectIngest();
  connectEngine();
  connectWindow();
  ingest_thread_->start();
  engine_thread_->start();
  quantize_thread_->start(QThread::LowPriority);
  // The ingestion worker creates or migrates the library first; the engine's connection opens
  // it afterwards (two first opens of a new file at once would race on the schema).
  connect(ingest_, &IngestWorker::opened, engine_, &EngineWorker::open, Qt::QueuedConnection);
  QMetaObject::invokeMethod(ingest_, &IngestWorker::open, Qt::QueuedConnection);
  refreshModels();
}

AppController::~AppController() {
  ingest_->cancel();
  engine_->stop();
  quantize_->cancel();
  for (QThread* t : {ingest_thread_, engine_thread_, quantize_thread_}) t->quit();
  for (QThread* t : {ingest_thread_, engine_thread_, quantize_thread_}) t->wait();
}

void AppController::connectIngest() {
  LibraryPanel* panel = window_->libraryPanel();
  connect(engine_, &EngineWorker::opened, this, &AppController::libraryReady);
  connect(ingest_, &IngestWorker::openFailed, this, &AppController::showError);
  connect(ingest_, &IngestWorker::failed, this, &AppController::showError);
  connect(ingest_, &IngestWorker::libraryChanged, this, [this](const LibrarySnapshot& snapshot) {
    library_model_->setSnapshot(snapshot);
    window_->chatPanel()->setHasDocuments(library_model_->documentCount() > 0);
    QVector<QPair<qint64, QString>> collections;
    for (const auto& c : snapshot) collections.push_back({c.id, c.name});
    window_->chatPanel()->setCollections(collections);
  });
  connect(ingest_, &IngestWorker::watchListChanged, this, &AppController::watchFolders);
  connect(ingest_, &IngestWorker::busyChanged, this, [this, panel](bool busy) {
    indexing_ = busy;
    panel->setIndexing(busy);
  });
  connect(ingest_, &IngestWorker::progress, this, [this, panel](const IngestProgressValue& p) {
    panel->showProgress(p);
    library_model_->markIndexing(indexing_collection_, p.current_file);
  });
  connect(ingest_, &IngestWorker::runFinished, this, [this](const IngestSummary& summary) {
    // Added folders whose run is over: the library's next list (sent right after) decides.
    if (summary.watch_ticket != 0)
      for (auto& pending : pending_watch_)
        if (pending.ticket <= summary.watch_ticket) pending.settled = true;
    if (!summary.messages.isEmpty()) {
      const auto n = summary.messages.size();
      showError({n == 1 ? tr("1 document could not be read; the others were added.")
                        : tr("%1 documents could not be read; the others were added.").arg(n),
                 summary.messages.join('\n')});
    }
    for (const auto& path : summary.encrypted)
      if (!password_queue_.contains(path)) password_queue_ << path;
    if (!summary.encrypted.isEmpty()) password_collection_ = summary.collection;
    askForPassword();
    emit indexingFinished(summary);
  });
}

void AppController::connectEngine() {
  ChatPanel* chat = window_->chatPanel();
  SourcesPanel* sources = window_->sourcesPanel();
  connect(engine_, &EngineWorker::openFailed, this, &AppController::showError);
  connect(engine_, &EngineWorker::saveFailed, this, &AppController::showError);
  connect(engine_, &EngineWorker::sourcesFound, this, [chat, sources, this](qint64 id, const ShownAnswer& partial) {
    if (id != request_) return;
    chat->showSources(partial);
    sources->setSources(partial.sources);
  });
  connect(engine_, &EngineWorker::textArrived, this, [chat, this](qint64 id, const QString& piece) {
    if (id == request_) chat->appendText(piece);
  });
  connect(engine_, &EngineWorker::answered, this, [chat, sources, this](qint64 id, const ShownAnswer& answer) {
    if (id != request_) return;
    chat->finishAnswer(answer);
    sources->setSources(answer.sources);
    emit answerFinished(id);
  });
  connect(engine_, &EngineWorker::stopped, this, [chat, this](qint64 id, const ShownAnswer& partial) {
    if (id != request_) return;
    chat->stopAnswer(partial);
    emit answerFinished(id);
  });
  connect(engine_, &EngineWorker::failed, this, [chat, this](qint64 id, const UserError& error) {
    if (id != request_) return;
    chat->failAnswer(error);
    showError(error);
    emit answerFinished(id);
  });
  connect(engine_, &EngineWorker::chatSaved, this, [this](qint64, qint64 chat_id) { chat_id_ = chat_id; });
  connect(engine_, &EngineWorker::chatsListed, this,
          [this](const QVector<ChatEntry>& chats) { window_->libraryPanel()->setChats(chats, chat_id_); });
  connect(engine_, &EngineWorker::chatLoaded, this,
          [chat, sources, this](qint64 chat_id, const QVector<ChatTurn>& turns, const QVector<qint64>& collections) {
    chat_id_ = chat_id;
    chat->setCheckedCollections(collections);
    chat->setTurns(turns);
    sources->clear();
    if (!turns.isEmpty()) sources->setSources(turns.back().answer.sources);
  });
  connect(engine_, &EngineWorker::modelsListed, this, [chat, this](const QVector<ModelEntry>& models) {
    models_.assign(models.begin(), models.end());
    chat->setModels(models_, loaded_model_.isEmpty() ? settings_.current_model : loaded_model_);
    bool any = false;
    for (const auto& m : models_) any = any || (!m.is_embedding && m.error.empty());
    if (!any) {
      chat->setModelState(tr("No language model yet: search works, and answers quote your documents directly. A "
                             "model writes answers in its own words from the passages it finds; to add one, choose "
                             "File \u203a Import Model File\u2026 and pick a .gguf file."));
    }
    emit modelsRefreshed();
    // The model chosen last time is loaded again (if it is still there and fits).
    if (loaded_model_.isEmpty() && !settings_.current_model.isEmpty()) {
      for (const auto& m : models_)
        if (QString::fromStdString(m.path) == settings_.current_model && m.fits && m.error.empty())
          chooseModel(settings_.current_model);
    }
  });
  connect(engine_, &EngineWorker::modelLoaded, this, [chat, this](const QString& path, const QString& name, const QString& quant) {
    loaded_model_ = path;
    settings_.current_model = path;
    QSettings store;
    settings_.save(store);
    chat->setModelState(quant.isEmpty() ? tr("%1 is ready.").arg(name) : tr("%1 (%2) is ready.").arg(name, quant));
    emit modelReady(path);
  });
  connect(engine_, &EngineWorker::modelUnloaded, this, [chat, this] {
    loaded_model_.clear();
    chat->setModelState({});
    emit modelReady({});
  });
  connect(engine_, &EngineWorker::modelFailed, this, [chat, this](const QString& path, const UserError& error) {
    loaded_model_.clear();
    chat->setModels(models_, {});
    chat->setModelState(error.summary);
    showError(error);
    emit modelLoadFailed(path);
  });
  connect(engine_, &EngineWorker::modelImported, this, [this](const QString& path) {
    settings_.current_model = path;
    loaded_model_.clear();
    refreshModels();
  });
  connect(engine_, &EngineWorker::importFailed, this, &AppController::showError);
}

void AppController::connectWindow() {
  ChatPanel* chat = window_->chatPanel();
  LibraryPanel* library = window_->libraryPanel();
  SourcesPanel* sources = window_->sourcesPanel();
  connect(window_, &MainWindow::filesChosen, this, &AppController::addPaths);
  connect(window_, &MainWindow::folderChosen, this, [this](const QString& path) { addPaths({path}); });
  connect(window_, &MainWindow::preferencesRequested, this, &AppController::showSettings);
  connect(window_, &MainWindow::importModelRequested, this, &AppController::chooseModelFile);
  connect(chat, &ChatPanel::questionSubmitted, this, &AppController::ask);
  connect(chat, &ChatPanel::stopRequested, this, &AppController::stop);
  connect(chat, &ChatPanel::newChatRequested, this, &AppController::newChat);
  connect(chat, &ChatPanel::regenerateRequested, this, &AppController::regenerate);
  connect(chat, &ChatPanel::exportRequested, this, &AppController::chooseExportFile);
  connect(chat, &ChatPanel::modelChosen, this, &AppController::chooseModel);
  connect(chat, &ChatPanel::collectionsChosen, this, [this](const QVector<qint64>& ids) {
    // A saved chat keeps its choice; a new one gets it with its first answer.
    if (chat_id_ > 0)
      QMetaObject::invokeMethod(engine_, [w = engine_, id = chat_id_, ids] { w->setChatCollections(id, ids); },
                                Qt::QueuedConnection);
  });
  connect(chat, &ChatPanel::citationClicked, this, [this, sources](const ShownSource& s) {
    window_->revealSources();
    sources->showSource(s);
  });
  connect(library, &LibraryPanel::pathsDropped, this, &AppController::addPaths);
  connect(library, &LibraryPanel::newCollectionRequested, this, [this](const QString& name) {
    QMetaObject::invokeMethod(ingest_, [w = ingest_, name] { w->createCollection(name); }, Qt::QueuedConnection);
  });
  connect(library, &LibraryPanel::removeRequested, this, [this](const QString& collection, const QString& path) {
    QMetaObject::invokeMethod(ingest_, [w = ingest_, collection, path] { w->removePath(collection, path); },
                              Qt::QueuedConnection);
  });
  connect(library, &LibraryPanel::reindexRequested, this, [this](const QString& collection, const QString& path) {
    indexing_collection_ = collection;
    if (path.isEmpty())
      QMetaObject::invokeMethod(ingest_, [w = ingest_] { w->rescanAll(); }, Qt::QueuedConnection);
    else
      QMetaObject::invokeMethod(ingest_, [w = ingest_, collection, path] { w->rescan(collection, path); },
                                Qt::QueuedConnection);
  });
  connect(library, &LibraryPanel::unlockRequested, this, [this](const QString& collection, const QString& path) {
    password_collection_ = collection;
    if (!password_queue_.contains(path)) password_queue_.prepend(path);
    askForPassword();
  });
  connect(library, &LibraryPanel::cancelIndexingRequested, this, [this] { ingest_->cancel(); });
  connect(library, &LibraryPanel::chatChosen, this, [this](qint64 id) {
    if (window_->chatPanel()->busy() || id == chat_id_) return;
    QMetaObject::invokeMethod(engine_, [w = engine_, id] { w->loadChat(id); }, Qt::QueuedConnection);
  });
  connect(library, &LibraryPanel::deleteChatRequested, this, [this](qint64 id) {
    if (id == chat_id_) newChat();
    QMetaObject::invokeMethod(engine_, [w = engine_, id] { w->deleteChat(id); }, Qt::QueuedConnection);
  });
}

void AppController::addPaths(const QStringList& paths) {
  QString collection = window_->libraryPanel()->currentCollection();
  if (collection.isEmpty()) collection = tr(kDefaultCollection);
  addPathsTo(collection, paths);
}

void AppController::addPathsTo(const QString& collection, const QStringList& paths) {
  if (paths.isEmpty()) return;
  QStringList absolute;
  for (const auto& p : paths) absolute << QFileInfo(p).absoluteFilePath();
  indexing_collection_ = collection;
  window_->libraryPanel()->setIndexing(true);
  // Watch added folders now, before the worker lists them (see pending_watch_).
  const qint64 ticket = ++watch_ticket_;
  for (const auto& p : absolute)
    if (QFileInfo(p).isDir()) pending_watch_.insert(p, PendingWatch{collection, ticket, false});
  applyWatch();
  QMetaObject::invokeMethod(
      ingest_, [w = ingest_, collection, absolute, ticket] { w->addPaths(collection, absolute, {}, ticket); },
      Qt::QueuedConnection);
}

void AppController::ask(const QString& question) {
  ChatPanel* chat = window_->chatPanel();
  if (chat->busy()) return;
  last_question_ = question;
  AskRequest request;
  request.id = ++request_;
  request.chat_id = chat_id_;
  request.question = question;
  request.collections = chat->checkedCollections();
  request.sources = settings_.sources;
  request.temperature = settings_.temperature;
  request.extractive = loaded_model_.isEmpty();
  request.exact = chat->exactSearch();
  request.save = !request.exact;
  chat->beginAnswer(question);
  window_->sourcesPanel()->clear();
  QMetaObject::invokeMethod(engine_, [w = engine_, request] { w->ask(request); }, Qt::QueuedConnection);
}

void AppController::stop() { engine_->stop(); }

void AppController::newChat() {
  if (window_->chatPanel()->busy()) stop();
  ++request_;  // whatever is still arriving belongs to the old chat
  chat_id_ = 0;
  window_->chatPanel()->clearConversation();
  window_->chatPanel()->setCheckedCollections({});  // a new chat searches everything
  window_->sourcesPanel()->clear();
  QMetaObject::invokeMethod(engine_, [w = engine_] { w->listChats(); }, Qt::QueuedConnection);
}

void AppController::regenerate() {
  const QString question = window_->chatPanel()->lastQuestion();
  if (!question.isEmpty()) ask(question);
}

void AppController::chooseModel(const QString& path) {
  if (path == loaded_model_) return;
  if (path.isEmpty()) {
    QMetaObject::invokeMethod(engine_, [w = engine_] { w->unloadModel(); }, Qt::QueuedConnection);
    settings_.current_model.clear();
    QSettings store;
    settings_.save(store);
    return;
  }
  window_->chatPanel()->setModelState(tr("Loading %1\u2026").arg(QFileInfo(path).fileName()));
  ModelSettings m{path, settings_.threads, settings_.context};
  QMetaObject::invokeMethod(engine_, [w = engine_, m] { w->loadModel(m); }, Qt::QueuedConnection);
}

void AppController::makeSmallerCopy(const QString& model_path, const QString& target) {
  if (model_path.isEmpty()) return;
  const QString folder = paths_.user_model_folder;
  window_->chatPanel()->showCopyProgress(0);
  window_->chatPanel()->setModelState(tr("Making a smaller copy of %1\u2026").arg(QFileInfo(model_path).fileName()));
  QMetaObject::invokeMethod(quantize_, [w = quantize_, model_path, target, folder] { w->run(model_path, target, folder); },
                            Qt::QueuedConnection);
}

void AppController::refreshModels() {
  const QStringList folders = paths_.model_folders;
  const int context = settings_.context;
  QMetaObject::invokeMethod(engine_, [w = engine_, folders, context] { w->listModels(folders, context); },
                            Qt::QueuedConnection);
}

void AppController::importModel(const QString& path) {
  const QString folder = paths_.user_model_folder;
  window_->chatPanel()->setModelState(tr("Checking %1\u2026").arg(QFileInfo(path).fileName()));
  QMetaObject::invokeMethod(engine_, [w = engine_, path, folder] { w->importModel(path, folder); }, Qt::QueuedConnection);
}

void AppController::chooseModelFile() {
  auto* dialog = new QFileDialog(window_, tr("Import Model File"), QDir::homePath(), tr("GGUF models (*.gguf)"));
  dialog->setObjectName("importModelDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setFileMode(QFileDialog::ExistingFile);
  connect(dialog, &QFileDialog::fileSelected, this, &AppController::importModel);
  dialog->open();
}

void AppController::showSettings() {
  auto* dialog = window_->findChild<SettingsDialog*>("settingsDialog");
  if (dialog) dialog->deleteLater();
  dialog = new SettingsDialog(settings_, window_);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &SettingsDialog::settingsAccepted, this, &AppController::applySettings);
  dialog->open();
}

void AppController::applySettings(const AppSettings& settings) {
  const bool reload = settings.threads != settings_.threads || settings.context != settings_.context;
  settings_ = settings;
  QSettings store;
  settings_.save(store);
  if (reload && !loaded_model_.isEmpty()) {
    const QString path = loaded_model_;
    loaded_model_.clear();
    chooseModel(path);
  }
}

void AppController::chooseExportFile() {
  auto* dialog = new QFileDialog(window_, tr("Export Answer Memo"), QDir::homePath(),
                                 tr("PDF document (*.pdf);;Markdown (*.md)"));
  dialog->setObjectName("exportDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setAcceptMode(QFileDialog::AcceptSave);
  dialog->setDefaultSuffix("pdf");
  dialog->selectFile(tr("answer-memo-%1.pdf").arg(QDate::currentDate().toString(Qt::ISODate)));
  connect(dialog, &QFileDialog::fileSelected, this, &AppController::exportMemo);
  dialog->open();
}

void AppController::exportMemo(const QString& path) {
  QHash<QString, QString> shas;
  for (const auto& c : library_model_->snapshot())
    for (const auto& d : c.documents) shas.insert(d.path, d.sha256);
  const QString md = memo_markdown(window_->chatPanel()->turns(), shas, QDateTime::currentDateTime());
  const QString error = path.endsWith(".md", Qt::CaseInsensitive) ? write_memo_markdown(path, md) : write_memo_pdf(path, md);
  if (!error.isEmpty()) showError({tr("The answer memo could not be saved."), path + ": " + error});
}

void AppController::showError(const UserError& error) {
  emit errorShown(error);
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Pagewise"), error.summary, QMessageBox::Ok, window_);
  box->setObjectName("errorMessage");
  box->setAttribute(Qt::WA_DeleteOnClose);
  if (!error.details.isEmpty()) box->setDetailedText(error.details);
  box->setAccessibleName(tr("Problem"));
  box->setAccessibleDescription(error.summary);
  box->open();
}

void AppController::askForPassword() {
  if (password_queue_.isEmpty()) return;
  // One prompt at a time. An answered prompt may linger until its deferred delete, so only a
  // visible one counts.
  for (auto* open : window_->findChildren<QInputDialog*>("passwordDialog"))
    if (open->isVisible()) return;
  const QString path = password_queue_.takeFirst();
  auto* dialog = new QInputDialog(window_);
  dialog->setObjectName("passwordDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Password Needed"));
  // A password that was just tried and did not open the file: say so, then ask again.
  const bool retry = password_tried_.remove(path);
  dialog->setLabelText(retry ? tr("That password did not open \u201C%1\u201D. Check it (capital letters count) and "
                                  "try again:")
                                   .arg(QFileInfo(path).fileName())
                             : tr("\u201C%1\u201D is protected by a password. Enter it to add the document:")
                                   .arg(QFileInfo(path).fileName()));
  dialog->setAccessibleName(tr("Password needed"));
  dialog->setAccessibleDescription(dialog->labelText());
  dialog->setTextEchoMode(QLineEdit::Password);
  const QString collection = password_collection_.isEmpty() ? tr(kDefaultCollection) : password_collection_;
  connect(dialog, &QInputDialog::textValueSelected, this, [this, path, collection](const QString& password) {
    password_tried_.insert(path);
    indexing_collection_ = collection;
    QMetaObject::invokeMethod(
        ingest_, [w = ingest_, collection, path, password] { w->addPaths(collection, {path}, {password}); },
        Qt::QueuedConnection);
  });
  connect(dialog, &QDialog::finished, this, [this] { QTimer::singleShot(0, this, &AppController::askForPassword); });
  dialog->open();
}

void AppController::watchFolders(const QStringList& folders) {
  library_watch_ = folders;
  // The library's list after an added folder's run: it takes over (or the add failed).
  for (auto it = pending_watch_.begin(); it != pending_watch_.end();) it = it->settled ? pending_watch_.erase(it) : ++it;
  applyWatch();
}

// Changes only what differs, so a folder on both lists is never unwatched for a moment.
void AppController::applyWatch() {
  QSet<QString> wanted(library_watch_.begin(), library_watch_.end());
  for (auto it = pending_watch_.cbegin(); it != pending_watch_.cend(); ++it) wanted.insert(it.key());
  const QStringList current = watcher_->directories();
  QStringList drop, add;
  for (const QString& f : current)
    if (!wanted.contains(f)) drop << f;
  for (const QString& f : wanted)
    if (!current.contains(f)) add << f;
  if (!drop.isEmpty()) watcher_->removePaths(drop);
  if (!add.isEmpty()) watcher_->addPaths(add);  // a folder that is gone is skipped
}

QStringList AppController::watchedFolders() const {
  QStringList list = watcher_->directories();
  list.sort();
  return list;
}

void AppController::rescanChanged() {
  for (const QString& folder : changed_folders_) {
    QString collection = library_model_->collectionForPath(folder);
    if (collection.isEmpty() && pending_watch_.contains(folder)) collection = pending_watch_.value(folder).collection;
    if (collection.isEmpty()) continue;
    indexing_collection_ = collection;
    QMetaObject::invokeMethod(ingest_, [w = ingest_, collection, folder] { w->rescan(collection, folder); },
                              Qt::QueuedConnection);
  }
  changed_folders_.clear();
}

}  // namespace pw::gui
