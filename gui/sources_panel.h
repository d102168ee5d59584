// The sources panel (right of the main window): the passages an answer cites, with their
// document and page. For now a heading and an empty-state hint.
//
//   auto* sources = new pw::gui::SourcesPanel(splitter);   // objectName "sourcesPanel"
#pragma once

#include <QFrame>

namespace pw::gui {

class SourcesPanel : public QFrame {
  Q_OBJECT
 public:
  explicit SourcesPanel(QWidget* parent = nullptr);
};

}  // namespace pw::gui
