#include "gui/settings_dialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "gui/panel_parts.h"

namespace pw::gui {

namespace {

template <typename W>
W* named(W* w, const char* name, const QString& accessible, const QString& description) {
  w->setObjectName(name);
  w->setAccessibleName(accessible);
  w->setAccessibleDescription(description);
  w->setToolTip(description);
  return w;
}

// A line edit with a "Choose…" button beside it; the chooser opens with open() (no exec()).
QWidget* with_chooser(QLineEdit* edit, QWidget* parent, bool folder, const QString& title) {
  auto* box = new QWidget(parent);
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(edit, 1);
  auto* choose = new QPushButton(QObject::tr("Choose\u2026"), box);
  choose->setAccessibleName(QObject::tr("Choose %1").arg(edit->accessibleName()));
  row->addWidget(choose);
  QObject::connect(choose, &QPushButton::clicked, box, [edit, box, folder, title] {
    auto* dialog = new QFileDialog(box, title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(folder ? QFileDialog::Directory : QFileDialog::ExistingFile);
    if (!folder) dialog->setNameFilter(QObject::tr("GGUF models (*.gguf)"));
    QObject::connect(dialog, &QFileDialog::fileSelected, edit, &QLineEdit::setText);
    dialog->open();
  });
  return box;
}

}  // namespace

SettingsDialog::SettingsDialog(const AppSettings& settings, QWidget* parent) : QDialog(parent), base_(settings) {
  setObjectName("settingsDialog");
  setWindowTitle(tr("Preferences"));
  setAccessibleName(tr("Preferences"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

  threads_ = named(new QSpinBox(this), "threadsSpin", tr("Threads"),
                   tr("How many processor threads the model uses; Automatic uses one per core"));
  threads_->setRange(0, std::max(64, QThread::idealThreadCount()));
  threads_->setSpecialValueText(tr("Automatic"));
  threads_->setValue(settings.threads);
  context_ = named(new QSpinBox(this), "contextSpin", tr("Context length"),
                   tr("How many tokens the model reads at once: more fits more sources but needs more memory"));
  context_->setRange(512, 131072);
  context_->setSingleStep(512);
  context_->setSuffix(tr(" tokens"));
  context_->setValue(settings.context);
  temperature_ = named(new QDoubleSpinBox(this), "temperatureSpin", tr("Temperature"),
                       tr("Low values keep answers close to the sources; higher values vary the wording"));
  temperature_->setRange(0.0, 2.0);
  temperature_->setSingleStep(0.1);
  temperature_->setDecimals(2);
  temperature_->setValue(settings.temperature);
  sources_ = named(new QSpinBox(this), "sourcesSpin", tr("Sources per answer"),
                   tr("How many passages an answer is based on"));
  sources_->setRange(1, 20);
  sources_->setValue(settings.sources);
  embedding_ = named(new QLineEdit(settings.embedding_model, this), "embeddingModelEdit", tr("Embedding model"),
                     tr("A GGUF embedding model for search by meaning; empty: search by words only"));
  embedding_->setPlaceholderText(tr("None (search by words)"));
  data_folder_ = named(new QLineEdit(settings.data_folder, this), "dataFolderEdit", tr("Data folder"),
                       tr("Where the library database is kept; takes effect after a restart"));
  data_folder_->setPlaceholderText(QFileInfo(AppSettings{}.libraryPath()).absolutePath());

  form->addRow(tr("&Threads:"), threads_);
  form->addRow(tr("&Context length:"), context_);
  form->addRow(tr("T&emperature:"), temperature_);
  form->addRow(tr("&Sources per answer:"), sources_);
  form->addRow(tr("E&mbedding model:"), with_chooser(embedding_, this, false, tr("Choose an Embedding Model")));
  form->addRow(tr("&Data folder:"), with_chooser(data_folder_, this, true, tr("Choose the Data Folder")));
  layout->addLayout(form);
  auto* note = make_hint(tr("A new data folder is used the next time Pagewise starts."), this);
  layout->addWidget(note);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->setObjectName("settingsButtons");
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    emit settingsAccepted(values());
    accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  resize(sizeHint().width() * 5 / 4, sizeHint().height());
}

AppSettings SettingsDialog::values() const {
  AppSettings s = base_;
  s.threads = threads_->value();
  s.context = context_->value();
  s.temperature = temperature_->value();
  s.sources = sources_->value();
  s.embedding_model = embedding_->text().trimmed();
  s.data_folder = data_folder_->text().trimmed();
  return s;
}

}  // namespace pw::gui
