#include "gui/library_panel.h"

#include <QVBoxLayout>

#include "gui/panel_parts.h"

namespace pw::gui {

LibraryPanel::LibraryPanel(QWidget* parent) : QFrame(parent) {
  setObjectName("libraryPanel");
  setAccessibleName(tr("Library"));
  setAccessibleDescription(tr("The documents in your library"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(14, 14, 10, 14);
  layout->setSpacing(8);
  auto* heading = make_heading(tr("Library"), this);
  heading->setObjectName("libraryHeading");
  layout->addWidget(heading);
  auto* hint = make_hint(tr("No documents yet.\n\nUse File \u203a Add Files\u2026 or Add Folder\u2026 to add PDF, "
                            "text and Markdown documents."),
                         this);
  hint->setObjectName("libraryEmptyHint");
  layout->addWidget(hint);
  layout->addStretch(1);
  setMinimumWidth(180);
}

}  // namespace pw::gui
