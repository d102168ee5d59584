#include "gui/about_dialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "gui/app_icon.h"
#include "gui/panel_parts.h"
#include "pagewise/version.h"

namespace pw::gui {

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
  setObjectName("aboutDialog");
  setWindowTitle(tr("About %1").arg(PAGEWISE_NAME));
  setAccessibleName(windowTitle());

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(24, 20, 24, 16);
  layout->setSpacing(12);

  auto* top = new QHBoxLayout;
  top->setSpacing(16);
  auto* icon = new QLabel(this);
  icon->setPixmap(app_icon().pixmap(64, 64));
  icon->setAlignment(Qt::AlignTop);
  top->addWidget(icon);

  auto* names = new QVBoxLayout;
  names->setSpacing(2);
  auto* name = new QLabel(QStringLiteral(PAGEWISE_NAME), this);
  name->setObjectName("aboutTitle");
  follow_app_font(name, 1.6, true);
  names->addWidget(name);
  auto* version = new QLabel(tr("Version %1").arg(QStringLiteral(PAGEWISE_VERSION)), this);
  version->setObjectName("aboutVersion");
  version->setTextInteractionFlags(Qt::TextSelectableByMouse);
  names->addWidget(version);
  names->addStretch(1);
  top->addLayout(names, 1);
  layout->addLayout(top);

  auto* text = new QLabel(this);
  text->setObjectName("aboutText");
  text->setWordWrap(true);
  text->setTextFormat(Qt::RichText);
  text->setTextInteractionFlags(Qt::TextBrowserInteraction);
  text->setOpenExternalLinks(true);
  text->setText(
      tr("<p>Private answers from your documents, with pages you can check. Pagewise runs entirely on this "
         "computer: your documents, questions and answers never leave it.</p>"
         "<p>Licence: GNU General Public License, version 3 or (at your option) any later version "
         "(GPL-3.0-or-later). This program comes with ABSOLUTELY NO WARRANTY. It is free software, and you are "
         "welcome to redistribute it under the conditions of that licence; see "
         "<a href='https://www.gnu.org/licenses/gpl-3.0.html'>gnu.org/licenses/gpl-3.0.html</a>.</p>"
         "<p>Built with Qt %1.</p>")
          .arg(QString::fromLatin1(QT_VERSION_STR)));
  text->setMinimumWidth(380);
  layout->addWidget(text);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  buttons->button(QDialogButtonBox::Close)->setObjectName("aboutCloseButton");
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

}  // namespace pw::gui
