// The chat panel (centre of the main window): the conversation with your documents and the
// question line at the bottom. For now the conversation area shows an empty state.
// The panel only reports what the user did; whoever owns the answer pipeline connects to
// its signals (no logic in widgets).
//
//   auto* chat = new pw::gui::ChatPanel(splitter);          // objectName "chatPanel"
//   connect(chat, &pw::gui::ChatPanel::questionSubmitted, controller, &Controller::ask);
#pragma once

#include <QFrame>

class QLineEdit;
class QPushButton;

namespace pw::gui {

class ChatPanel : public QFrame {
  Q_OBJECT
 public:
  explicit ChatPanel(QWidget* parent = nullptr);

 signals:
  // The user pressed Ask (or Enter) with a non-empty question (trimmed).
  void questionSubmitted(const QString& question);
  // The user pressed the "Add Files…" button of the empty state.
  void addFilesRequested();

 private:
  void submit();
  QLineEdit* question_ = nullptr;
  QPushButton* ask_ = nullptr;
};

}  // namespace pw::gui
