// The sources panel (right of the main window): the passages the current answer cites, and
// the one the user clicked shown in place: document title, heading path and page, the PDF
// page rendered with the passage highlighted (poppler-qt6), or for text and Markdown
// documents the text with the passage highlighted. "Open in Viewer" hands the file to the
// desktop's viewer.
//
//   auto* sources = new pw::gui::SourcesPanel(splitter);   // objectName "sourcesPanel"
//   sources->setSources(answer.sources);
//   sources->showSource(answer.sources[0]);                 // a [1] chip was clicked
//
// Object names: sourceList, sourceTitle, sourceHeading, sourcePage, pageView, sourceText,
// openInViewerButton, sourcesEmptyHint.
#pragma once

#include <QFrame>
#include <QVector>

#include "gui/answer_values.h"
#include "gui/pdf_page.h"

class QLabel;
class QListWidget;
class QPushButton;
class QScrollArea;
class QStackedWidget;
class QTextBrowser;

namespace pw::gui {

class SourcesPanel : public QFrame {
  Q_OBJECT
 public:
  explicit SourcesPanel(QWidget* parent = nullptr);

  void setSources(const QVector<pw::gui::ShownSource>& sources);
  void showSource(const pw::gui::ShownSource& source);
  void clear();

  // What is shown (tests, accessibility).
  const ShownSource& shownSource() const { return shown_; }
  int shownPage() const { return shown_page_; }
  bool passageHighlighted() const { return highlighted_; }
  // A page is being drawn (on a pool thread; the GUI thread never waits for Poppler).
  bool rendering() const { return rendering_; }

 signals:
  void openInViewerRequested(const QString& path);
  void pageShown(int page, bool highlighted);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void renderPage();
  void showRendered(const RenderedPage& page, int generation);

  QLabel* hint_ = nullptr;
  QListWidget* list_ = nullptr;
  QWidget* detail_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* heading_ = nullptr;
  QLabel* page_label_ = nullptr;
  QStackedWidget* view_stack_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  QLabel* page_view_ = nullptr;
  QTextBrowser* text_view_ = nullptr;
  QPushButton* open_ = nullptr;
  QVector<ShownSource> sources_;
  ShownSource shown_;
  int shown_page_ = 0;
  int rendered_width_ = 0;
  bool highlighted_ = false;
  bool rendering_ = false;
  int generation_ = 0;  // the latest render request; older results are dropped
};

// The text of a non-PDF source as HTML with `passage` highlighted (first occurrence,
// whitespace-insensitive); the whole text escaped when the passage is not found.
QString text_with_highlight_html(const QString& text, const QString& passage, const QString& highlight_colour);

}  // namespace pw::gui
