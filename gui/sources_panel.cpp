#include "gui/sources_panel.h"

#include <QVBoxLayout>

#include "gui/panel_parts.h"

namespace pw::gui {

SourcesPanel::SourcesPanel(QWidget* parent) : QFrame(parent) {
  setObjectName("sourcesPanel");
  setAccessibleName(tr("Sources"));
  setAccessibleDescription(tr("The passages the current answer cites, with document and page"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(10, 14, 14, 14);
  layout->setSpacing(8);
  auto* heading = make_heading(tr("Sources"), this);
  heading->setObjectName("sourcesHeading");
  layout->addWidget(heading);
  auto* hint = make_hint(tr("When Pagewise answers, the passages it used appear here with their document and "
                            "page, so you can check every claim."),
                         this);
  hint->setObjectName("sourcesEmptyHint");
  layout->addWidget(hint);
  layout->addStretch(1);
  setMinimumWidth(200);
}

}  // namespace pw::gui
