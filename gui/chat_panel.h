// The chat panel (centre of the main window): the conversation with your documents. A
// question shows the passages found at once, then "Reading N sources…" while the model reads,
// then the answer as it streams in (Markdown, [n] chips that open the source, flagged
// sentences marked), and a line saying what it is based on.
//
//   auto* chat = new pw::gui::ChatPanel(splitter);          // objectName "chatPanel"
//   connect(chat, &ChatPanel::questionSubmitted, controller, &AppController::ask);
//   chat->beginAnswer(question);  chat->showSources(partial);  chat->appendText(piece);  chat->finishAnswer(a);
//
// The panel only shows and reports; the AppController runs the EngineWorker.
// Object names: questionEdit, askButton, stopButton, exactSearchButton, transcript, answerStatus, answerProgress,
// modelCombo, modelNote, smallerCopyButton, copyProgress, cancelCopyButton, collectionsButton, copyAnswerButton, regenerateButton, exportButton,
// newChatButton, chatEmptyState; actions newChatAction (Ctrl+N), stopAction (Esc),
// focusQuestionAction (Ctrl+L), copyAnswerAction, regenerateAction, exportAction.
#pragma once

#include <QFrame>
#include <QTimer>
#include <QVector>

#include "gui/model_catalog.h"
#include "gui/transcript_html.h"
#include "gui/worker_values.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTextBrowser;
class QToolButton;

namespace pw::gui {

class AnnouncementLabel;

class ChatPanel : public QFrame {
  Q_OBJECT
 public:
  explicit ChatPanel(QWidget* parent = nullptr);

  QList<QAction*> chatActions() const;

  // The conversation.
  void beginAnswer(const QString& question);
  void showSources(const pw::gui::ShownAnswer& partial);
  void appendText(const QString& piece);
  void finishAnswer(const pw::gui::ShownAnswer& answer);
  void stopAnswer(const pw::gui::ShownAnswer& partial);
  void failAnswer(const pw::gui::UserError& error);
  void setTurns(const QVector<pw::gui::ChatTurn>& turns);
  void clearConversation();
  bool busy() const { return busy_; }
  const QVector<TurnState>& turns() const { return turns_; }
  QString lastQuestion() const;

  void setHasDocuments(bool has);
  void setModels(const std::vector<ModelEntry>& models, const QString& current);
  void setModelState(const QString& text);   // "Loading…", the loaded model's name, an error
  void setCollections(const QVector<QPair<qint64, QString>>& collections);
  // "Make a smaller copy" of the selected model: progress 0..1, or < 0 when not copying.
  void showCopyProgress(double fraction);
  QVector<qint64> checkedCollections() const;  // empty: all
  // Shows the choice of a reopened chat (empty: all); does not emit collectionsChosen.
  void setCheckedCollections(const QVector<qint64>& ids);
  // Exact search: list every matching passage instead of answering.
  bool exactSearch() const;

 signals:
  void questionSubmitted(const QString& question);
  void stopRequested();
  void newChatRequested();
  void regenerateRequested();
  void exportRequested();
  void addFilesRequested();
  void citationClicked(const pw::gui::ShownSource& source);
  void modelChosen(const QString& path);  // empty: no model (answers quote the documents)
  // Make a smaller copy of the model at `path` with quantization `target` ("Q4_K_M", ...).
  void smallerCopyRequested(const QString& path, const QString& target);
  void cancelCopyRequested();
  // The user changed the collections this chat searches (empty: all).
  void collectionsChosen(const QVector<qint64>& ids);

 private:
  void submit();
  void setBusy(bool busy);
  void render();
  void scheduleRender();
  void openLink(const QUrl& url);
  void announce(const QString& text);
  void changeEvent(QEvent* event) override;
  void updateCollectionsText();
  void styleQuestionBox();

  QStackedWidget* stack_ = nullptr;
  QTextBrowser* transcript_ = nullptr;
  QLineEdit* question_ = nullptr;
  QPushButton* ask_ = nullptr;
  QPushButton* stop_ = nullptr;
  QToolButton* exact_ = nullptr;
  AnnouncementLabel* status_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QComboBox* models_ = nullptr;
  QLabel* model_note_ = nullptr;
  QToolButton* smaller_copy_ = nullptr;
  QProgressBar* copy_progress_ = nullptr;
  QPushButton* cancel_copy_ = nullptr;
  std::vector<ModelEntry> model_entries_;
  void updateSmallerCopy();
  QToolButton* collections_ = nullptr;
  QMenu* collections_menu_ = nullptr;
  QPushButton* copy_ = nullptr;
  QPushButton* regenerate_ = nullptr;
  QPushButton* export_ = nullptr;
  QAction* new_chat_action_ = nullptr;
  QAction* stop_action_ = nullptr;
  QAction* focus_action_ = nullptr;
  QAction* copy_action_ = nullptr;
  QAction* regenerate_action_ = nullptr;
  QAction* export_action_ = nullptr;
  QVector<TurnState> turns_;
  QTimer render_timer_;
  bool busy_ = false;
  bool has_documents_ = false;
};

}  // namespace pw::gui
