#include "gui/chat_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

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
  QFont font = title->font();
  font.setBold(true);
  font.setPointSizeF(font.pointSizeF() * 1.5);
  title->setFont(font);
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
  layout->setSpacing(10);
  auto* heading = make_heading(tr("Chat"), this);
  heading->setObjectName("chatHeading");
  layout->addWidget(heading);
  layout->addWidget(make_empty_state(this), 1);

  auto* row = new QHBoxLayout;
  row->setSpacing(8);
  question_ = new QLineEdit(this);
  question_->setObjectName("questionEdit");
  question_->setPlaceholderText(tr("Ask a question about your documents\u2026"));
  question_->setAccessibleName(tr("Question"));
  question_->setAccessibleDescription(tr("Type a question and press Enter or Ask"));
  question_->setClearButtonEnabled(true);
  question_->setMinimumHeight(question_->sizeHint().height() + 6);
  row->addWidget(question_, 1);

  ask_ = new QPushButton(tr("&Ask"), this);
  ask_->setObjectName("askButton");
  ask_->setAccessibleName(tr("Ask"));
  ask_->setToolTip(tr("Ask the question (Enter)"));
  ask_->setEnabled(false);
  ask_->setMinimumHeight(question_->minimumHeight());
  row->addWidget(ask_);
  layout->addLayout(row);

  connect(question_, &QLineEdit::textChanged, this,
          [this](const QString& text) { ask_->setEnabled(!text.trimmed().isEmpty()); });
  connect(question_, &QLineEdit::returnPressed, this, &ChatPanel::submit);
  connect(ask_, &QPushButton::clicked, this, &ChatPanel::submit);
}

void ChatPanel::submit() {
  const QString question = question_->text().trimmed();
  if (question.isEmpty()) return;
  emit questionSubmitted(question);
}

}  // namespace pw::gui
