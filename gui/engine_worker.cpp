#include "gui/engine_worker.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QRegularExpression>

#include <filesystem>

#include "engine/util/log.h"
#include "gui/answer_conversion.h"
#include "gui/model_runner.h"
#include "gui/user_errors.h"
#include "rag/retrieval/retriever.h"
#include "rag/store/library_store.h"

namespace pw::gui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString q(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

ShownAnswer without_text(ShownAnswer a) {
  a.text.clear();
  a.sentences.clear();
  return a;
}

// Marks the sources the text cites as [n].
void mark_cited(ShownAnswer& a) {
  static const QRegularExpression marker(R"(\[(\d+)\])");
  for (auto& s : a.sources) s.cited = false;
  for (auto it = marker.globalMatch(a.text); it.hasNext();) {
    const int n = it.next().captured(1).toInt();
    for (auto& s : a.sources)
      if (s.number == n) s.cited = true;
  }
}

#ifdef PAGEWISE_GUI_ANSWER_PIPELINE
// The answer pipeline's view of our model runner.
class RunnerGenerator : public rag::TextGenerator {
 public:
  explicit RunnerGenerator(ModelRunner& runner) : runner_(runner) {}
  Status generate(const rag::GenerationRequest& request, const std::function<void(std::string_view)>& on_piece,
                  const std::atomic<bool>* cancel) override {
    std::vector<chat::ChatMessage> messages;
    for (const auto& m : request.messages) messages.push_back({m.role, m.content});
    return runner_.generate(messages, {request.max_tokens, request.temperature}, on_piece, cancel);
  }
  std::string model_name() const override { return runner_.name(); }
  std::string quantization() const override { return runner_.quantization(); }
  int context_tokens() const override { return runner_.context_tokens(); }
  int count_tokens(std::string_view text) const override { return static_cast<int>(runner_.count_tokens(text)); }

 private:
  ModelRunner& runner_;
};
#endif

}  // namespace

EngineWorker::EngineWorker(QString db_path, QObject* parent) : QObject(parent), db_path_(std::move(db_path)) {}
EngineWorker::~EngineWorker() = default;

void EngineWorker::open() {
  auto store = rag::LibraryStore::open(std::filesystem::path(db_path_.toStdString()));
  if (!store) {
    emit openFailed({tr("The library could not be opened."), q(store.error().describe())});
    return;
  }
  store_ = std::make_unique<rag::LibraryStore>(std::move(*store));
  retriever_ = std::make_unique<rag::Retriever>(*store_);
  emit opened();
  listChats();
}

void EngineWorker::ask(const AskRequest& request) {
  cancel_ = false;
  if (!store_) {
    emit failed(request.id, {tr("The library is not open, so there is nothing to search."), db_path_});
    return;
  }
  QElapsedTimer timer;
  timer.start();
  const std::string question = request.question.toStdString();
  rag::SearchFilter filter;
  for (qint64 id : request.collections) filter.collection_ids.push_back(id);
  ShownAnswer shown;
  if (request.exact) {
    exactSearch(request, question, filter);
    return;
  }

#ifdef PAGEWISE_GUI_ANSWER_PIPELINE
  std::unique_ptr<RunnerGenerator> generator;
  if (model_ && !request.extractive) generator = std::make_unique<RunnerGenerator>(*model_);
  rag::AnswerPipeline pipeline(*store_, *retriever_, generator.get());
  rag::AnswerOptions options;
  options.filter = filter;
  options.max_sources = static_cast<size_t>(request.sources);
  options.retrieve_k = std::max<size_t>(8, options.max_sources);
  options.temperature = request.temperature;
  options.answer_tokens = request.max_tokens;
  options.extractive = request.extractive;
  ShownAnswer partial;
  partial.question = request.question;
  rag::AnswerEvents events;
  events.on_sources = [&](rag::AnswerMode mode, const std::vector<rag::AnswerSource>& sources) {
    partial.mode = mode == rag::AnswerMode::Generated    ? ShownAnswer::Mode::Generated
                   : mode == rag::AnswerMode::Extractive ? ShownAnswer::Mode::Extractive
                                                         : ShownAnswer::Mode::NotFound;
    for (const auto& s : sources) partial.sources.push_back(from_core_source(s, *store_));
    emit sourcesFound(request.id, partial);
  };
  events.on_text = [&](std::string_view piece) {
    partial.text += q(piece);
    emit textArrived(request.id, q(piece));
  };
  events.cancel = &cancel_;
  auto answer = pipeline.answer(question, options, events);
  if (!answer) {
    if (answer.error().code() == ErrorCode::Cancelled) {
      mark_cited(partial);
      emit stopped(request.id, partial);
      return;
    }
    emit failed(request.id, {tr("The question could not be answered."), q(answer.error().describe())});
    return;
  }
  shown = from_core_answer(*answer, *store_);
#else
  auto result = retriever_->search({.query = question,
                                    .k = static_cast<size_t>(std::max(8, request.sources)),
                                    .filter = filter,
                                    .mode = rag::RetrievalMode::Auto});
  if (!result) {
    emit failed(request.id, {tr("Searching your documents failed."), q(result.error().describe())});
    return;
  }
  shown = extractive_answer(request.question, *result, *store_, static_cast<size_t>(request.sources), 3);
  if (model_ && !request.extractive && shown.mode != ShownAnswer::Mode::NotFound) {
    ShownAnswer partial = without_text(shown);
    partial.mode = ShownAnswer::Mode::Generated;
    partial.model = q(model_->name());
    partial.quantization = q(model_->quantization());
    std::string text;
    // Room for the answer first (a third of the context at most), the sources in the rest.
    const int context = model_->context_tokens();
    const int answer_tokens = std::max(16, std::min(request.max_tokens, context / 3));
    const auto messages = grounded_messages(
        partial, request.question, 1500, [this](std::string_view t) { return model_->count_tokens(t); },
        static_cast<size_t>(std::max(0, context - answer_tokens)));
    emit sourcesFound(request.id, partial);
    Status status = model_->generate(messages, {answer_tokens, request.temperature},
                                     [&](std::string_view piece) {
                                       text += piece;
                                       emit textArrived(request.id, q(piece));
                                     },
                                     &cancel_);
    partial.text = q(text);
    mark_cited(partial);
    if (!status) {
      if (status.error().code() == ErrorCode::Cancelled) {
        emit stopped(request.id, partial);
        return;
      }
      emit failed(request.id, {tr("The model could not write an answer."), q(status.error().describe())});
      return;
    }
    shown = partial;
  } else {
    emit sourcesFound(request.id, without_text(shown));
    emit textArrived(request.id, shown.text);
  }
#endif
  shown.seconds = static_cast<double>(timer.elapsed()) / 1000.0;
  if (request.save) save(request, shown);
  emit answered(request.id, shown);
}

void EngineWorker::exactSearch(const AskRequest& request, const std::string& question, const rag::SearchFilter& filter) {
  // Every passage that contains the question's words, best first: no verdict, no model.
  auto result = retriever_->search(
      {.query = question, .k = kExactSearchPassages, .filter = filter, .mode = rag::RetrievalMode::Lexical});
  if (!result) {
    emit failed(request.id, {tr("Searching your documents failed."), q(result.error().describe())});
    return;
  }
  ShownAnswer shown;
  shown.question = request.question;
  shown.mode = result->passages.empty() ? ShownAnswer::Mode::NotFound : ShownAnswer::Mode::Extractive;
  QStringList lines;
  for (size_t i = 0; i < result->passages.size(); ++i) {
    ShownSource s = shown_source(result->passages[i], static_cast<int>(i) + 1, *store_);
    s.snippet = q(best_sentences(result->passages[i].text, question, 2));
    s.cited = true;
    lines << QString("- %1 [%2]").arg(s.snippet).arg(s.number);
    shown.sources.push_back(s);
  }
  shown.text = shown.sources.isEmpty() ? tr("No passage contains these words.")
                                       : tr("Every passage that matches, best first:") + "\n\n" + lines.join('\n');
  emit sourcesFound(request.id, without_text(shown));
  emit answered(request.id, shown);
}

void EngineWorker::save(const AskRequest& request, const ShownAnswer& answer) {
  qint64 chat_id = request.chat_id;
  if (chat_id == 0) {
    QString title = request.question.simplified();
    if (title.size() > 70) title = title.left(69) + QChar(0x2026);
    auto created = store_->create_chat(title.toStdString());
    if (!created) {
      pw::log::warn("chat not saved: {}", created.error().describe());
      emit saveFailed(storage_error(tr("This chat could not be saved; the answer is still shown."), created.error(), db_path_));
      return;
    }
    chat_id = *created;
    // The collections this chat searches are kept with it (empty: all).
    std::vector<int64_t> ids(request.collections.begin(), request.collections.end());
    if (auto status = store_->set_chat_collections(chat_id, ids); !status)
      pw::log::warn("chat collections not saved: {}", status.error().describe());
  }
  auto user = store_->add_message(chat_id, "user", request.question.toStdString());
  rag::MessageRecord m;
  m.role = "assistant";
  m.content = answer.text.toStdString();
  m.model = answer.model.toStdString();
  m.quantization = answer.quantization.toStdString();
  for (const auto& s : answer.sources) {
    rag::MessageSource source;
    source.number = s.number;
    if (s.chunk_id) source.chunk_id = s.chunk_id;
    if (s.document_id) source.document_id = s.document_id;
    source.document_path = s.path.toStdString();
    source.document_title = s.title.toStdString();
    source.page_start = s.highlight_page > 0 ? s.highlight_page : s.page_start;
    source.page_end = std::max(source.page_start, s.page_end);
    source.excerpt = s.highlight_text.toStdString();
    source.heading_path = s.heading_path.toStdString();
    m.sources.push_back(std::move(source));
  }
  for (const auto& s : answer.sentences) {
    rag::MessageSentence sentence{s.text.toStdString(), s.supported, {}};
    for (const auto& f : s.unsupported_facts) sentence.unsupported_facts.push_back(f.toStdString());
    m.sentences.push_back(std::move(sentence));
  }
  auto assistant = store_->add_message(chat_id, m);
  if (!user || !assistant) {
    const Error& e = !user ? user.error() : assistant.error();
    pw::log::warn("chat message not saved: {}", e.describe());
    emit saveFailed(storage_error(tr("This answer could not be saved with the chat; it is still shown."), e, db_path_));
  }
  emit chatSaved(request.id, chat_id);
  listChats();
}

void EngineWorker::loadModel(const ModelSettings& settings) {
  model_.reset();  // free the old model's memory before mapping the new one
  auto runner = ModelRunner::load(std::filesystem::path(settings.path.toStdString()),
                                  {.threads = settings.threads, .context = settings.context});
  if (!runner) {
    emit modelFailed(settings.path, {tr("The model “%1” could not be loaded.").arg(QFileInfo(settings.path).fileName()),
                                     q(runner.error().describe())});
    return;
  }
  model_ = std::move(*runner);
  emit modelLoaded(settings.path, q(model_->name()), q(model_->quantization()));
}

void EngineWorker::unloadModel() {
  model_.reset();
  emit modelUnloaded();
}

void EngineWorker::listModels(const QStringList& folders, int context) {
  std::vector<std::filesystem::path> paths;
  for (const auto& f : folders) paths.emplace_back(f.toStdString());
  const auto found = scan_models(paths, available_memory_bytes(), static_cast<uint32_t>(std::max(0, context)));
  emit modelsListed(QVector<ModelEntry>(found.begin(), found.end()));
}

void EngineWorker::importModel(const QString& source, const QString& folder) {
  const std::filesystem::path from(source.toStdString());
  const QString name = QFileInfo(source).fileName();
  // Loading checks the header, every tensor's place and type, the architecture and the tokenizer.
  auto model = model::Model::load(from);
  if (!model) {
    emit importFailed({tr("“%1” is not a model Pagewise can use.").arg(name), q(model.error().describe())});
    return;
  }
  if (auto tokenizer = tokenizer::Tokenizer::from_gguf((*model)->file()); !tokenizer) {
    emit importFailed({tr("“%1” has no usable tokenizer.").arg(name), q(tokenizer.error().describe())});
    return;
  }
  model->reset();
  std::error_code ec;
  const std::filesystem::path dir(folder.toStdString());
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path target = dir / from.filename();
  const std::filesystem::path partial = dir / (from.filename().string() + ".part");
  if (std::filesystem::exists(target, ec)) {
    emit importFailed({tr("A model named “%1” is already in your model folder.").arg(name), q(target.string())});
    return;
  }
  // Copy beside the target, then rename: a full disk never leaves a half model in the list.
  std::filesystem::copy_file(from, partial, std::filesystem::copy_options::overwrite_existing, ec);
  if (!ec) std::filesystem::rename(partial, target, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    emit importFailed({tr("“%1” could not be copied into your model folder (is the disk full?).").arg(name),
                       q(target.string() + ": " + ec.message())});
    return;
  }
  emit modelImported(q(target.string()));
}

void EngineWorker::listChats() {
  if (!store_) return;
  auto chats = store_->list_chats();
  if (!chats) return;
  QVector<ChatEntry> list;
  for (const auto& c : *chats) list.push_back({c.id, q(c.title), c.updated_at});
  emit chatsListed(list);
}

void EngineWorker::loadChat(qint64 chat_id) {
  if (!store_) return;
  auto messages = store_->messages(chat_id);
  if (!messages) return;
  QVector<ChatTurn> turns;
  for (const auto& m : *messages) {
    if (m.role == "user") {
      ChatTurn turn;
      turn.question = q(m.content);
      turn.answer.question = turn.question;
      turns.push_back(turn);
    } else if (m.role == "assistant" && !turns.isEmpty()) {
      ShownAnswer& a = turns.back().answer;
      a.text = q(m.content);
      a.model = q(m.model);
      a.quantization = q(m.quantization);
      for (const auto& sentence : m.sentences) {
        ShownSentence shown{q(sentence.text), sentence.supported, {}};
        for (const auto& f : sentence.unsupported_facts) shown.unsupported_facts << q(f);
        a.sentences.push_back(shown);
      }
      a.mode = m.sources.empty()      ? ShownAnswer::Mode::NotFound
               : m.model.empty()      ? ShownAnswer::Mode::Extractive
                                      : ShownAnswer::Mode::Generated;
      if (a.text == QObject::tr(kNotFoundText)) a.mode = ShownAnswer::Mode::NotFound;
      for (const auto& s : m.sources) {
        ShownSource shown;
        shown.number = s.number;
        shown.chunk_id = s.chunk_id.value_or(0);
        shown.document_id = s.document_id.value_or(0);
        shown.path = q(s.document_path);
        shown.title = q(s.document_title);
        shown.page_start = s.page_start;
        shown.page_end = s.page_end;
        shown.highlight_page = s.page_start;
        shown.highlight_text = q(s.excerpt);
        shown.heading_path = q(s.heading_path);
        shown.text = shown.highlight_text;
        a.sources.push_back(shown);
      }
      mark_cited(a);
    }
  }
  QVector<qint64> collections;
  if (auto ids = store_->chat_collections(chat_id))
    for (int64_t id : *ids) collections.push_back(id);
  emit chatLoaded(chat_id, turns, collections);
}

void EngineWorker::setChatCollections(qint64 chat_id, const QVector<qint64>& collections) {
  if (!store_ || chat_id <= 0) return;
  std::vector<int64_t> ids(collections.begin(), collections.end());
  if (auto status = store_->set_chat_collections(chat_id, ids); !status)
    pw::log::warn("chat collections not saved: {}", status.error().describe());
}

void EngineWorker::deleteChat(qint64 chat_id) {
  if (!store_) return;
  auto status = store_->delete_chat(chat_id);
  if (!status) pw::log::warn("chat not deleted: {}", status.error().describe());
  listChats();
}

}  // namespace pw::gui
