// Small building blocks shared by the window's panels, so they look alike:
//
//   layout->addWidget(pw::gui::make_heading(tr("Library"), this));
//   layout->addWidget(pw::gui::make_hint(tr("No documents yet."), this));
//
// Fonts derive from the application font (never fixed pixel sizes), so the system's
// font size and accessibility settings carry through.
#pragma once

#include <QLabel>
#include <QString>

namespace pw::gui {

// A panel title: bold, a little larger than the body text.
QLabel* make_heading(const QString& text, QWidget* parent);

// Gives `widget` the application font times `scale` (bold if asked), and again whenever the
// application font changes (the desktop's font size setting), so larger text stays larger.
void follow_app_font(QWidget* widget, double scale, bool bold);

// Explanatory text for an empty panel: word-wrapped, in the palette's muted text colour.
QLabel* make_hint(const QString& text, QWidget* parent);

}  // namespace pw::gui
