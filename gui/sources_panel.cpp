#include "gui/sources_panel.h"

#include <QDesktopServices>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include "gui/panel_parts.h"
#include "gui/pdf_page.h"

namespace pw::gui {

namespace {

QString page_words(const ShownSource& s) {
  return s.page_end > s.page_start ? QObject::tr("Pages %1\u2013%2").arg(s.page_start).arg(s.page_end)
                                   : QObject::tr("Page %1").arg(s.page_start);
}

bool is_pdf(const QString& path) { return path.endsWith(".pdf", Qt::CaseInsensitive); }

}  // namespace

QString text_with_highlight_html(const QString& text, const QString& passage, const QString& colour) {
  // Match the passage's words with any whitespace between them (the stored text was normalised).
  QStringList words = passage.simplified().split(' ', Qt::SkipEmptyParts);
  if (words.size() > 60) words = words.mid(0, 60);
  qsizetype begin = -1, end = -1;
  if (!words.isEmpty()) {
    QStringList escaped;
    for (const auto& w : words) escaped << QRegularExpression::escape(w);
    const QRegularExpression re(escaped.join(R"(\s+)"));
    const auto m = re.match(text);
    if (m.hasMatch()) {
      begin = m.capturedStart();
      end = m.capturedEnd();
      if (words.size() < passage.simplified().split(' ', Qt::SkipEmptyParts).size()) {
        // Long passage: extend the highlight over its length.
        end = std::min<qsizetype>(text.size(), begin + passage.size());
      }
    }
  }
  auto para = [](const QString& t) { return t.toHtmlEscaped().replace('\n', "<br>"); };
  if (begin < 0) return "<p>" + para(text) + "</p>";
  return QString("<p>%1<a name=\"passage\"></a><span style=\"background-color:%2;\">%3</span>%4</p>")
      .arg(para(text.left(begin)), colour, para(text.mid(begin, end - begin)), para(text.mid(end)));
}

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
  hint_ = make_hint(tr("When Pagewise answers, the passages it used appear here with their document and "
                       "page, so you can check every claim."),
                    this);
  hint_->setObjectName("sourcesEmptyHint");
  layout->addWidget(hint_);

  list_ = new QListWidget(this);
  list_->setObjectName("sourceList");
  list_->setAccessibleName(tr("Sources of the answer"));
  list_->setAccessibleDescription(tr("Select a source to show its page"));
  list_->setWordWrap(true);
  list_->setMaximumHeight(list_->fontMetrics().lineSpacing() * 8);
  list_->setVisible(false);
  layout->addWidget(list_);

  detail_ = new QWidget(this);
  auto* dl = new QVBoxLayout(detail_);
  dl->setContentsMargins(0, 0, 0, 0);
  title_ = new QLabel(detail_);
  title_->setObjectName("sourceTitle");
  title_->setWordWrap(true);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  heading_ = make_hint({}, detail_);
  heading_->setObjectName("sourceHeading");
  page_label_ = new QLabel(detail_);
  page_label_->setObjectName("sourcePage");
  open_ = new QPushButton(tr("Open in Viewer"), detail_);
  open_->setObjectName("openInViewerButton");
  open_->setAccessibleName(tr("Open in viewer"));
  open_->setAccessibleDescription(tr("Open the document in the desktop's document viewer"));
  auto* row = new QHBoxLayout;
  row->addWidget(page_label_, 1);
  row->addWidget(open_);
  dl->addWidget(title_);
  dl->addWidget(heading_);
  dl->addLayout(row);

  view_stack_ = new QStackedWidget(detail_);
  scroll_ = new QScrollArea(view_stack_);
  scroll_->setObjectName("pageScroll");
  scroll_->setWidgetResizable(false);
  scroll_->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
  scroll_->setBackgroundRole(QPalette::Dark);
  page_view_ = new QLabel;
  page_view_->setObjectName("pageView");
  page_view_->setAccessibleName(tr("Page image"));
  page_view_->setAlignment(Qt::AlignCenter);
  scroll_->setWidget(page_view_);
  text_view_ = new QTextBrowser(view_stack_);
  text_view_->setObjectName("sourceText");
  text_view_->setAccessibleName(tr("Source text"));
  text_view_->setAccessibleDescription(tr("The text of the cited document with the cited passage highlighted"));
  view_stack_->addWidget(scroll_);
  view_stack_->addWidget(text_view_);
  dl->addWidget(view_stack_, 1);
  detail_->setVisible(false);
  layout->addWidget(detail_, 1);
  layout->addStretch(0);
  setMinimumWidth(220);

  connect(list_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row >= 0 && row < sources_.size() && sources_[row].number != shown_.number) showSource(sources_[row]);
  });
  connect(open_, &QPushButton::clicked, this, [this] {
    if (shown_.path.isEmpty()) return;
    emit openInViewerRequested(shown_.path);
    QDesktopServices::openUrl(QUrl::fromLocalFile(shown_.path));
  });
}

void SourcesPanel::setSources(const QVector<ShownSource>& sources) {
  sources_ = sources;
  const QSignalBlocker block(list_);
  list_->clear();
  for (const auto& s : sources) {
    auto* item = new QListWidgetItem(QString("[%1] %2 \u2014 %3").arg(s.number).arg(s.title, page_words(s).toLower()), list_);
    item->setToolTip(s.snippet.isEmpty() ? s.text.left(300) : s.snippet);
  }
  list_->setVisible(!sources.isEmpty());
  hint_->setVisible(sources.isEmpty() && !detail_->isVisible());
}

void SourcesPanel::showSource(const ShownSource& source) {
  shown_ = source;
  hint_->setVisible(false);
  detail_->setVisible(true);
  for (int i = 0; i < sources_.size(); ++i) {
    if (sources_[i].number == source.number && sources_[i].chunk_id == source.chunk_id) {
      const QSignalBlocker block(list_);
      list_->setCurrentRow(i);
    }
  }
  title_->setText(source.title.isEmpty() ? QFileInfo(source.path).fileName() : source.title);
  heading_->setText(source.heading_path);
  heading_->setVisible(!source.heading_path.isEmpty());
  shown_page_ = source.highlight_page > 0 ? source.highlight_page : source.page_start;
  page_label_->setText(tr("Page %1").arg(shown_page_));
  open_->setEnabled(QFileInfo::exists(source.path));
  rendered_width_ = 0;
  renderPage();
}

void SourcesPanel::clear() {
  sources_.clear();
  shown_ = {};
  shown_page_ = 0;
  list_->clear();
  list_->setVisible(false);
  detail_->setVisible(false);
  hint_->setVisible(true);
}

void SourcesPanel::renderPage() {
  highlighted_ = false;
  const QColor colour(255, 214, 0);
  if (is_pdf(shown_.path)) {
    const int width = std::max(200, scroll_->viewport()->width() - 8);
    rendered_width_ = width;
    rendering_ = true;
    const int generation = ++generation_;
    page_view_->setText(tr("Drawing page %1\u2026").arg(shown_page_));
    view_stack_->setCurrentWidget(scroll_);
    // Poppler takes tens of milliseconds per page: drawn on a pool thread, shown when ready.
    auto* watcher = new QFutureWatcher<RenderedPage>(this);
    connect(watcher, &QFutureWatcher<RenderedPage>::finished, this, [this, watcher, generation] {
      showRendered(watcher->result(), generation);
      watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(render_pdf_page, shown_.path, shown_page_, shown_.highlight_text, width,
                                         devicePixelRatioF(), colour));
    return;
  }
  // Text and Markdown: the whole file when it is still there, else the stored passage.
  QString text = shown_.text;
  QFile file(shown_.path);
  if (file.size() < (8 << 20) && file.open(QIODevice::ReadOnly)) text = QString::fromUtf8(file.readAll());
  const QString html = text_with_highlight_html(text, shown_.highlight_text, colour.name());
  highlighted_ = html.contains("name=\"passage\"");
  text_view_->setHtml(html);
  view_stack_->setCurrentWidget(text_view_);
  if (highlighted_) text_view_->scrollToAnchor("passage");
  emit pageShown(shown_page_, highlighted_);
}

void SourcesPanel::showRendered(const RenderedPage& page, int generation) {
  if (generation != generation_) return;  // the user clicked another source meanwhile
  rendering_ = false;
  if (page.error.isEmpty()) {
    page_view_->setPixmap(QPixmap::fromImage(page.image));
    page_view_->resize(page_view_->sizeHint());
    highlighted_ = page.highlighted;
    page_view_->setAccessibleDescription(highlighted_ ? tr("Page %1 with the cited passage highlighted").arg(page.page)
                                                      : tr("Page %1").arg(page.page));
    view_stack_->setCurrentWidget(scroll_);
    if (!page.boxes.isEmpty()) {
      const double y = page.boxes.front().y() / page.image.devicePixelRatio();
      scroll_->verticalScrollBar()->setValue(static_cast<int>(std::max(0.0, y - 40)));
    }
  } else {
    // The page cannot be drawn: show the passage's text and say why.
    text_view_->setHtml(QString("<p><i>%1</i></p>").arg(page.error.toHtmlEscaped()) +
                        text_with_highlight_html(shown_.text, shown_.highlight_text, QColor(255, 214, 0).name()));
    view_stack_->setCurrentWidget(text_view_);
  }
  emit pageShown(page.page, highlighted_);
}

void SourcesPanel::resizeEvent(QResizeEvent* event) {
  QFrame::resizeEvent(event);
  if (detail_->isVisible() && is_pdf(shown_.path) && rendered_width_ > 0 &&
      std::abs(scroll_->viewport()->width() - 8 - rendered_width_) > 40)
    renderPage();
}

}  // namespace pw::gui
