#include "gui/chat_panel.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSet>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include "gui/announcement_label.h"
#include "gui/app_icon.h"
#include "gui/panel_parts.h"

namespace pw::gui {

namespace {

// Centred "Add documents to start" with a short explanation and a button.
QWidget* make_empty_state(ChatPanel* panel) {
  auto* box = new QWidget(panel);
  box->setObjectName("chatEmptyState");
  auto* layout = new QVBoxLayout(box);
  layout->setSpacing(10);
  layout->addStretch(3);

  auto* icon = new QLabel(box);
  icon->setPixmap(app_icon().pixmap(72, 72));
  icon->setAlignment(Qt::AlignHCenter);
  icon->setAccessibleName(QObject::tr("Pagewise"));
  layout->addWidget(icon);

  auto* title = new QLabel(QObject::tr("Add documents to start"), box);
  title->setObjectName("chatEmptyTitle");
  follow_app_font(title, 1.5, true);
  title->setAlignment(Qt::AlignHCenter);
  layout->addWidget(title);

  auto* hint = make_hint(QObject::tr("Add PDFs, text or Markdown files, then ask a question below. Answers cite "
                                     "the document and page they come from. Everything stays on this computer."),
                         box);
  hint->setObjectName("chatEmptyHint");
  hint->setAlignment(Qt::AlignHCenter);
  // A wrapped label needs a definite width to compute its height; centred by the stretches.
  hint->setFixedWidth(hint->fontMetrics().averageCharWidth() * 56);
  auto* hint_row = new QHBoxLayout;
  hint_row->addStretch(1);
  hint_row->addWidget(hint);
  hint_row->addStretch(1);
  layout->addLayout(hint_row);

  auto* add = new QPushButton(QObject::tr("Add Files\u2026"), box);
  add->setObjectName("emptyAddFilesButton");
  add->setAccessibleName(QObject::tr("Add files"));
  QObject::connect(add, &QPushButton::clicked, panel, &ChatPanel::addFilesRequested);
  layout->addWidget(add, 0, Qt::AlignHCenter);

  layout->addStretch(4);
  return box;
}

// A colour between two others (t = 0: a, t = 1: b).
QColor mix(const QColor& a, const QColor& b, double t) {
  return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                          static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                          static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

QAction* make_action(QObject* parent, const char* name, const QString& text, const QKeySequence& keys,
                     const QString& tip) {
  auto* a = new QAction(text, parent);
  a->setObjectName(name);
  a->setShortcut(keys);
  a->setToolTip(tip);
  a->setStatusTip(tip);
  a->setShortcutContext(Qt::WindowShortcut);
  return a;
}

QPushButton* make_button(const QString& text, const char* name, const QString& tip, QWidget* parent) {
  auto* b = new QPushButton(text, parent);
  b->setObjectName(name);
  b->setAccessibleName(QString(text).remove('&').remove(QChar(0x2026)));
  b->setAccessibleDescription(tip);
  b->setToolTip(tip);
  return b;
}

}  // namespace

ChatPanel::ChatPanel(QWidget* parent) : QFrame(parent) {
  setObjectName("chatPanel");
  setAccessibleName(tr("Chat"));
  setAccessibleDescription(tr("Questions and answers about your documents"));
  // The conversation sits on the base colour (like a document), the side panels on the window colour.
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(16, 14, 16, 14);
  layout->setSpacing(8);

  // Heading row: title, model selector, collections, new chat.
  auto* top = new QHBoxLayout;
  auto* heading = make_heading(tr("Chat"), this);
  heading->setObjectName("chatHeading");
  top->addWidget(heading);
  top->addStretch(1);
  auto* model_label = new QLabel(tr("&Model:"), this);
  models_ = new QComboBox(this);
  models_->setObjectName("modelCombo");
  models_->setAccessibleName(tr("Language model"));
  models_->setAccessibleDescription(tr("The model that writes answers; without one, answers quote the documents"));
  models_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  models_->setMinimumContentsLength(18);
  model_label->setBuddy(models_);
  top->addWidget(model_label);
  top->addWidget(models_);
  smaller_copy_ = new QToolButton(this);
  smaller_copy_->setObjectName("smallerCopyButton");
  smaller_copy_->setText(tr("Smaller Copy"));
  smaller_copy_->setAccessibleName(tr("Make a smaller copy"));
  smaller_copy_->setAccessibleDescription(
      tr("Make a compressed copy of the selected model: it needs less memory and answers faster"));
  smaller_copy_->setToolTip(smaller_copy_->accessibleDescription());
  smaller_copy_->setPopupMode(QToolButton::InstantPopup);
  auto* copy_menu = new QMenu(smaller_copy_);
  copy_menu->setObjectName("smallerCopyMenu");
  for (const auto& [words, technical] : {std::pair{tr("Faster"), QString("Q4_K_M")},
                                         std::pair{tr("Balanced"), QString("Q5_K_M")},
                                         std::pair{tr("Most accurate"), QString("Q8_0")}}) {
    QAction* a = copy_menu->addAction(QString("%1 (%2)").arg(words, technical));
    a->setData(technical);
    connect(a, &QAction::triggered, this, [this, technical] {
      emit smallerCopyRequested(models_->currentData().toString(), technical);
    });
  }
  smaller_copy_->setMenu(copy_menu);
  smaller_copy_->setEnabled(false);
  top->addWidget(smaller_copy_);
  collections_ = new QToolButton(this);
  collections_->setObjectName("collectionsButton");
  collections_->setText(tr("All collections"));
  collections_->setAccessibleName(tr("Collections to search"));
  collections_->setToolTip(tr("Choose which collections this chat searches"));
  collections_->setPopupMode(QToolButton::InstantPopup);
  collections_menu_ = new QMenu(collections_);
  collections_menu_->setObjectName("collectionsMenu");
  collections_->setMenu(collections_menu_);
  top->addWidget(collections_);
  auto* new_chat = make_button(tr("New Chat"), "newChatButton", tr("Start a new chat (Ctrl+N)"), this);
  top->addWidget(new_chat);
  layout->addLayout(top);
  model_note_ = make_hint({}, this);
  model_note_->setObjectName("modelNote");
  model_note_->setVisible(false);
  auto* note_row = new QHBoxLayout;
  note_row->addWidget(model_note_, 1);
  copy_progress_ = new QProgressBar(this);
  copy_progress_->setObjectName("copyProgress");
  copy_progress_->setAccessibleName(tr("Smaller copy progress"));
  copy_progress_->setRange(0, 100);
  copy_progress_->setMaximumWidth(160);
  copy_progress_->setVisible(false);
  cancel_copy_ = make_button(tr("Stop Copy"), "cancelCopyButton", tr("Stop making the smaller copy"), this);
  cancel_copy_->setVisible(false);
  note_row->addWidget(copy_progress_);
  note_row->addWidget(cancel_copy_);
  layout->addLayout(note_row);
  connect(cancel_copy_, &QPushButton::clicked, this, &ChatPanel::cancelCopyRequested);

  stack_ = new QStackedWidget(this);
  stack_->addWidget(make_empty_state(this));
  transcript_ = new QTextBrowser(this);
  transcript_->setObjectName("transcript");
  transcript_->setAccessibleName(tr("Conversation"));
  transcript_->setAccessibleDescription(tr("Questions, the passages found and the answers; citation numbers open the source"));
  transcript_->setOpenLinks(false);
  transcript_->setOpenExternalLinks(false);
  transcript_->setFrameShape(QFrame::NoFrame);
  transcript_->setHtml(QString("<p style=\"color:%1;\">%2</p>")
                           .arg(palette().color(QPalette::PlaceholderText).name(),
                                tr("Ask a question below. The passages found appear first, then the answer.")));
  stack_->addWidget(transcript_);
  layout->addWidget(stack_, 1);

  auto* status_row = new QHBoxLayout;
  status_ = new AnnouncementLabel(this);
  status_->setObjectName("answerStatus");
  status_->setAccessibleName(tr("Answer status"));
  progress_ = new QProgressBar(this);
  progress_->setObjectName("answerProgress");
  progress_->setAccessibleName(tr("Answer progress"));
  progress_->setRange(0, 0);
  progress_->setMaximumWidth(140);
  progress_->setMaximumHeight(status_->fontMetrics().height());
  progress_->setTextVisible(false);
  progress_->setVisible(false);
  status_row->addWidget(status_, 1);
  status_row->addWidget(progress_);
  copy_ = make_button(tr("Copy Answer"), "copyAnswerButton", tr("Copy the last answer with its sources"), this);
  regenerate_ = make_button(tr("Regenerate"), "regenerateButton", tr("Answer the last question again"), this);
  export_ = make_button(tr("Export\u2026"), "exportButton", tr("Save the chat as an answer memo (PDF or Markdown)"), this);
  for (auto* b : {copy_, regenerate_, export_}) {
    b->setEnabled(false);
    status_row->addWidget(b);
  }
  layout->addLayout(status_row);

  auto* row = new QHBoxLayout;
  row->setSpacing(8);
  question_ = new QLineEdit(this);
  question_->setObjectName("questionEdit");
  question_->setPlaceholderText(tr("Ask a question about your documents\u2026"));
  question_->setAccessibleName(tr("Question"));
  question_->setAccessibleDescription(tr("Type a question and press Enter or Ask"));
  question_->setClearButtonEnabled(true);
  styleQuestionBox();
  question_->setMinimumHeight(question_->sizeHint().height() + 6);
  row->addWidget(question_, 1);

  exact_ = new QToolButton(this);
  exact_->setObjectName("exactSearchButton");
  exact_->setText(tr("E&xact"));
  exact_->setCheckable(true);
  exact_->setAccessibleName(tr("Exact search"));
  exact_->setAccessibleDescription(tr("List every passage that contains the words, without writing an answer"));
  exact_->setToolTip(exact_->accessibleDescription());
  exact_->setMinimumHeight(question_->minimumHeight());
  row->addWidget(exact_);

  ask_ = new QPushButton(tr("&Ask"), this);
  ask_->setObjectName("askButton");
  ask_->setAccessibleName(tr("Ask"));
  ask_->setToolTip(tr("Ask the question (Enter)"));
  ask_->setEnabled(false);
  ask_->setMinimumHeight(question_->minimumHeight());
  row->addWidget(ask_);
  stop_ = make_button(tr("Stop"), "stopButton", tr("Stop the answer (Esc)"), this);
  stop_->setMinimumHeight(question_->minimumHeight());
  stop_->setVisible(false);
  row->addWidget(stop_);
  layout->addLayout(row);

  new_chat_action_ = make_action(this, "newChatAction", tr("&New Chat"), QKeySequence(Qt::CTRL | Qt::Key_N),
                                 tr("Start a new chat"));
  stop_action_ = make_action(this, "stopAction", tr("&Stop Answer"), QKeySequence(Qt::Key_Escape), tr("Stop the answer"));
  focus_action_ = make_action(this, "focusQuestionAction", tr("&Ask a Question"), QKeySequence(Qt::CTRL | Qt::Key_L),
                              tr("Move to the question box"));
  copy_action_ = make_action(this, "copyAnswerAction", tr("&Copy Answer with Sources"),
                             QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), tr("Copy the last answer with its sources"));
  regenerate_action_ = make_action(this, "regenerateAction", tr("&Regenerate"), QKeySequence(Qt::CTRL | Qt::Key_R),
                                   tr("Answer the last question again"));
  export_action_ = make_action(this, "exportAction", tr("&Export Answer Memo\u2026"), QKeySequence(Qt::CTRL | Qt::Key_E),
                               tr("Save the chat as an answer memo (PDF or Markdown)"));
  stop_action_->setEnabled(false);
  for (auto* a : chatActions()) addAction(a);

  render_timer_.setSingleShot(true);
  render_timer_.setInterval(40);  // streamed pieces are drawn at most 25 times a second
  connect(&render_timer_, &QTimer::timeout, this, &ChatPanel::render);

  connect(question_, &QLineEdit::textChanged, this,
          [this](const QString& text) { ask_->setEnabled(!busy_ && !text.trimmed().isEmpty()); });
  connect(question_, &QLineEdit::returnPressed, this, &ChatPanel::submit);
  connect(ask_, &QPushButton::clicked, this, &ChatPanel::submit);
  connect(stop_, &QPushButton::clicked, this, &ChatPanel::stopRequested);
  connect(stop_action_, &QAction::triggered, this, [this] {
    if (busy_) emit stopRequested();
  });
  connect(new_chat, &QPushButton::clicked, new_chat_action_, &QAction::trigger);
  connect(new_chat_action_, &QAction::triggered, this, &ChatPanel::newChatRequested);
  connect(focus_action_, &QAction::triggered, this, [this] {
    question_->setFocus(Qt::ShortcutFocusReason);
    question_->selectAll();
  });
  connect(copy_, &QPushButton::clicked, copy_action_, &QAction::trigger);
  connect(copy_action_, &QAction::triggered, this, [this] {
    for (auto it = turns_.crbegin(); it != turns_.crend(); ++it) {
      if (it->phase == TurnState::Phase::Done || it->phase == TurnState::Phase::Stopped) {
        QApplication::clipboard()->setText(QString("%1\n\n%2").arg(it->question, answer_with_sources_text(it->answer)));
        announce(tr("Answer copied with its sources."));
        return;
      }
    }
  });
  connect(regenerate_, &QPushButton::clicked, regenerate_action_, &QAction::trigger);
  connect(regenerate_action_, &QAction::triggered, this, [this] {
    if (!busy_ && !turns_.isEmpty()) emit regenerateRequested();
  });
  connect(export_, &QPushButton::clicked, export_action_, &QAction::trigger);
  connect(export_action_, &QAction::triggered, this, [this] {
    if (!turns_.isEmpty()) emit exportRequested();
  });
  connect(transcript_, &QTextBrowser::anchorClicked, this, &ChatPanel::openLink);
  connect(models_, &QComboBox::activated, this, [this](int index) { emit modelChosen(models_->itemData(index).toString()); });
  connect(models_, &QComboBox::currentIndexChanged, this, &ChatPanel::updateSmallerCopy);
  setBusy(false);
}

QList<QAction*> ChatPanel::chatActions() const {
  return {new_chat_action_, stop_action_, focus_action_, copy_action_, regenerate_action_, export_action_};
}

void ChatPanel::submit() {
  const QString question = question_->text().trimmed();
  if (question.isEmpty() || busy_) return;
  emit questionSubmitted(question);
}

void ChatPanel::setBusy(bool busy) {
  busy_ = busy;
  ask_->setVisible(!busy);
  stop_->setVisible(busy);
  ask_->setEnabled(!busy && !question_->text().trimmed().isEmpty());
  stop_action_->setEnabled(busy);
  progress_->setVisible(busy);
  const bool has_answer = !turns_.isEmpty();
  for (auto* b : {copy_, regenerate_, export_}) b->setEnabled(!busy && has_answer);
  regenerate_action_->setEnabled(!busy && has_answer);
  copy_action_->setEnabled(has_answer);
  export_action_->setEnabled(!busy && has_answer);
  models_->setEnabled(!busy);
}

QString ChatPanel::lastQuestion() const { return turns_.isEmpty() ? QString() : turns_.back().question; }

void ChatPanel::beginAnswer(const QString& question) {
  TurnState turn;
  turn.question = question;
  turn.answer.question = question;
  turns_.push_back(turn);
  question_->clear();
  stack_->setCurrentWidget(transcript_);
  status_->setText(tr("Searching your documents\u2026"));
  setBusy(true);
  render();
}

void ChatPanel::showSources(const ShownAnswer& partial) {
  if (turns_.isEmpty()) return;
  TurnState& t = turns_.back();
  t.answer = partial;
  t.answer.question = t.question;
  const bool reading = partial.mode == ShownAnswer::Mode::Generated;
  t.phase = reading ? TurnState::Phase::Reading : TurnState::Phase::Streaming;
  status_->setText(reading ? (partial.sources.size() == 1 ? tr("Reading 1 source\u2026")
                                                          : tr("Reading %1 sources\u2026").arg(partial.sources.size()))
                           : basis_line(partial));
  render();
}

void ChatPanel::appendText(const QString& piece) {
  if (turns_.isEmpty()) return;
  TurnState& t = turns_.back();
  if (t.phase == TurnState::Phase::Reading) status_->setText(tr("Writing the answer\u2026"));
  t.phase = TurnState::Phase::Streaming;
  t.answer.text += piece;
  scheduleRender();
}

void ChatPanel::finishAnswer(const ShownAnswer& answer) {
  if (turns_.isEmpty()) return;
  TurnState& t = turns_.back();
  t.answer = answer;
  t.phase = TurnState::Phase::Done;
  setBusy(false);
  render();
  status_->setText(basis_line(answer));
  announce(spoken_answer(answer));
}

void ChatPanel::stopAnswer(const ShownAnswer& partial) {
  if (turns_.isEmpty()) return;
  TurnState& t = turns_.back();
  t.answer = partial;
  t.phase = TurnState::Phase::Stopped;
  setBusy(false);
  render();
  status_->setText(tr("Stopped."));
  announce(tr("Answer stopped."));
}

void ChatPanel::failAnswer(const UserError& error) {
  if (turns_.isEmpty()) return;
  TurnState& t = turns_.back();
  t.phase = TurnState::Phase::Failed;
  t.error = error.summary;
  setBusy(false);
  render();
  status_->setText(error.summary);
  announce(error.summary);
}

void ChatPanel::setTurns(const QVector<ChatTurn>& turns) {
  turns_.clear();
  for (const auto& t : turns) {
    TurnState s;
    s.question = t.question;
    s.answer = t.answer;
    s.phase = TurnState::Phase::Done;
    turns_.push_back(s);
  }
  stack_->setCurrentWidget(transcript_);
  status_->clear();
  setBusy(false);
  render();
}

void ChatPanel::clearConversation() {
  turns_.clear();
  status_->clear();
  setBusy(false);
  render();
  if (!has_documents_) stack_->setCurrentIndex(0);
  question_->setFocus(Qt::OtherFocusReason);
}

void ChatPanel::setHasDocuments(bool has) {
  has_documents_ = has;
  if (turns_.isEmpty()) stack_->setCurrentIndex(has ? 1 : 0);
}

void ChatPanel::updateSmallerCopy() {
  // Only unquantized weights can be made smaller (requantizing loses quality).
  const QString path = models_->currentData().toString();
  bool can = false;
  for (const auto& m : model_entries_)
    if (QString::fromStdString(m.path) == path)
      can = m.quantization == "F32" || m.quantization == "F16" || m.quantization == "BF16" || m.quantization.empty();
  smaller_copy_->setEnabled(can && !path.isEmpty() && !copy_progress_->isVisible());
}

void ChatPanel::showCopyProgress(double fraction) {
  const bool copying = fraction >= 0;
  copy_progress_->setVisible(copying);
  cancel_copy_->setVisible(copying);
  if (copying) copy_progress_->setValue(static_cast<int>(fraction * 100 + 0.5));
  updateSmallerCopy();
}

void ChatPanel::setModels(const std::vector<ModelEntry>& models, const QString& current) {
  model_entries_ = models;
  const QSignalBlocker block(models_);
  models_->clear();
  models_->addItem(tr("No model (quote the documents)"), QString());
  models_->setItemData(0, tr("Answers are the best passages themselves, quoted with their page"), Qt::ToolTipRole);
  for (const auto& m : models) {
    if (m.is_embedding) continue;
    if (!m.error.empty()) {
      // Listed greyed out with the reason, so a damaged download does not just vanish.
      const int row = models_->count();
      models_->addItem(tr("%1 (damaged, cannot be used)").arg(QString::fromStdString(m.file_name)),
                       QString::fromStdString(m.path));
      models_->setItemData(row, 0, Qt::UserRole - 1);
      models_->setItemData(row,
                           tr("This file is damaged or is not a model Pagewise can use: %1")
                               .arg(QString::fromStdString(m.error)),
                           Qt::ToolTipRole);
      continue;
    }
    QString label = QString::fromStdString(m.name);
    if (!m.tier.empty()) label += QString(" \u2014 %1 (%2)").arg(tr(m.tier.c_str()), QString::fromStdString(m.quantization));
    else if (!m.quantization.empty()) label += QString(" (%1)").arg(QString::fromStdString(m.quantization));
    const int row = models_->count();
    models_->addItem(label, QString::fromStdString(m.path));
    QString tip = tr("%1 parameters \u00B7 %2 on disk \u00B7 context %3 tokens")
                      .arg(QString::fromStdString(m.params), QString::fromStdString(m.size))
                      .arg(m.context);
    if (!m.memory_note.empty()) tip += "\n" + QString::fromStdString(m.memory_note);
    if (!m.fits) {
      tip += "\n" + tr("Too large for the free memory of this computer.");
      // Blocked: it clearly cannot run here.
      models_->setItemData(row, 0, Qt::UserRole - 1);
    }
    models_->setItemData(row, tip, Qt::ToolTipRole);
  }
  const int index = models_->findData(current);
  models_->setCurrentIndex(index >= 0 ? index : 0);
  updateSmallerCopy();
}

void ChatPanel::setModelState(const QString& text) {
  model_note_->setText(text);
  model_note_->setVisible(!text.isEmpty());
}

void ChatPanel::setCollections(const QVector<QPair<qint64, QString>>& collections) {
  QSet<qint64> unchecked;
  for (QAction* a : collections_menu_->actions())
    if (a->isCheckable() && !a->isChecked()) unchecked.insert(a->data().toLongLong());
  collections_menu_->clear();
  for (const auto& [id, name] : collections) {
    QAction* a = collections_menu_->addAction(name);
    a->setCheckable(true);
    a->setChecked(!unchecked.contains(id));
    a->setData(id);
    connect(a, &QAction::toggled, this, [this] {
      updateCollectionsText();
      emit collectionsChosen(checkedCollections());
    });
  }
  updateCollectionsText();
}

void ChatPanel::setCheckedCollections(const QVector<qint64>& ids) {
  for (QAction* a : collections_menu_->actions()) {
    if (!a->isCheckable()) continue;
    const QSignalBlocker block(a);
    a->setChecked(ids.isEmpty() || ids.contains(a->data().toLongLong()));
  }
  updateCollectionsText();
}

void ChatPanel::updateCollectionsText() {
  const auto checked = checkedCollections();
  int total = 0;
  for (QAction* a : collections_menu_->actions()) total += a->isCheckable();
  const QString text = checked.isEmpty() || checked.size() == total
                           ? tr("All collections")
                           : (checked.size() == 1 ? tr("1 collection") : tr("%1 collections").arg(checked.size()));
  collections_->setText(text);
  collections_->setAccessibleDescription(tr("This chat searches: %1").arg(text));
}

QVector<qint64> ChatPanel::checkedCollections() const {
  QVector<qint64> ids;
  bool all = true;
  for (QAction* a : collections_menu_->actions()) {
    if (!a->isCheckable()) continue;
    if (a->isChecked()) ids << a->data().toLongLong();
    else all = false;
  }
  return all ? QVector<qint64>{} : ids;
}

bool ChatPanel::exactSearch() const { return exact_->isChecked(); }

void ChatPanel::changeEvent(QEvent* event) {
  QFrame::changeEvent(event);
  // Dark mode switched on or off: the transcript's colours come from the palette.
  if (event->type() == QEvent::PaletteChange) {
    styleQuestionBox();
    render();
  }
  // A larger system font: the question box's style sheet is applied again, so its text
  // follows (a style sheet keeps the font it was polished with).
  if (event->type() == QEvent::FontChange && question_) {
    question_->setStyleSheet(QString());
    styleQuestionBox();
  }
}

void ChatPanel::styleQuestionBox() {
  if (!question_) return;  // a palette change during construction
  // The question box sits on the conversation's base colour, where a style's own frame (drawn
  // from the window colour) can vanish, as Fusion's does in a dark palette. Its border is
  // mixed from the text colour instead, so it shows in light, dark and high-contrast palettes;
  // with the focus it turns to the highlight colour and thickens.
  const QPalette p = palette();
  const QString border = mix(p.color(QPalette::Base), p.color(QPalette::Text), 0.45).name();
  const QString focus = p.color(QPalette::Highlight).name();
  question_->setStyleSheet(QString("QLineEdit#questionEdit { border: 1px solid %1; border-radius: 4px; padding: 3px 6px; }"
                                   "QLineEdit#questionEdit:focus { border: 2px solid %2; padding: 2px 5px; }")
                               .arg(border, focus));
}

void ChatPanel::scheduleRender() {
  if (!render_timer_.isActive()) render_timer_.start();
}

void ChatPanel::render() {
  render_timer_.stop();
  if (!transcript_) return;  // a palette change during construction
  QScrollBar* bar = transcript_->verticalScrollBar();
  const bool at_end = bar->value() >= bar->maximum() - 4;
  transcript_->setHtml(transcript_html(turns_, colors_from(palette())));
  if (at_end || busy_) bar->setValue(bar->maximum());
}

void ChatPanel::openLink(const QUrl& url) {
  const auto link = parse_citation_link(url);
  if (!link || link->turn < 0 || link->turn >= turns_.size()) return;
  for (const auto& s : turns_[link->turn].answer.sources) {
    if (s.number == link->number) {
      emit citationClicked(s);
      return;
    }
  }
}

void ChatPanel::announce(const QString& text) { status_->announce(text); }

}  // namespace pw::gui
