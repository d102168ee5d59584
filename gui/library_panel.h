// The library panel (left of the main window): the documents Pagewise knows about.
// For now a heading and an empty-state hint; the document list joins it later.
//
//   auto* library = new pw::gui::LibraryPanel(splitter);   // objectName "libraryPanel"
#pragma once

#include <QFrame>

namespace pw::gui {

class LibraryPanel : public QFrame {
  Q_OBJECT
 public:
  explicit LibraryPanel(QWidget* parent = nullptr);
};

}  // namespace pw::gui
