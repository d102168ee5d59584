// How the app looks on the desktops it meets (QT_QPA_PLATFORM=offscreen, run at
// QT_SCALE_FACTOR=2, a device pixel ratio of 2 like a 4K screen at 200 %):
//   - icons are drawn at the device pixels (crisp), never a small bitmap scaled up;
//   - the window lays out at that ratio without clipped or squeezed controls;
//   - a larger application font (the desktop's font size setting) enlarges the chat, the
//     library and the source panel, also when it changes while the app runs;
//   - the question box has a visible border in the light, a dark and a high-contrast palette.
#include <QtTest>

#include <cmath>

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTreeView>

#include "gui/app_controller.h"
#include "gui/app_icon.h"
#include "gui/chat_panel.h"
#include "gui/main_window.h"
#include "gui/status_icons.h"
#include "tests/gui/gui_test_helpers.h"

namespace {

using pw::gui_test::find;

QPalette dark_palette() {
  QPalette p;
  const QColor window(0x31, 0x36, 0x3b), base(0x23, 0x26, 0x29), text(0xef, 0xf0, 0xf1);
  for (auto [role, colour] : {std::pair{QPalette::Window, window}, {QPalette::WindowText, text}, {QPalette::Base, base},
                              {QPalette::AlternateBase, window}, {QPalette::Text, text}, {QPalette::Button, window},
                              {QPalette::ButtonText, text}, {QPalette::Highlight, QColor(0x3d, 0xae, 0xe9)},
                              {QPalette::HighlightedText, text}, {QPalette::PlaceholderText, QColor(0x7f, 0x8c, 0x8d)}})
    p.setColor(role, colour);
  p.setColor(QPalette::Light, window.lighter(150));
  p.setColor(QPalette::Mid, window.darker(125));
  p.setColor(QPalette::Dark, window.darker(150));
  return p;
}

// A high-contrast look: black surfaces, white text, yellow selection.
QPalette high_contrast_palette() {
  QPalette p;
  for (auto role : {QPalette::Window, QPalette::Base, QPalette::AlternateBase, QPalette::Button})
    p.setColor(role, Qt::black);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::PlaceholderText})
    p.setColor(role, Qt::white);
  p.setColor(QPalette::Highlight, QColor(0xff, 0xff, 0x00));
  p.setColor(QPalette::HighlightedText, Qt::black);
  return p;
}

// Relative luminance contrast between two colours (WCAG: 1 = none, 21 = black on white).
double contrast(const QColor& a, const QColor& b) {
  auto lum = [](const QColor& c) {
    auto ch = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF());
  };
  const double la = lum(a), lb = lum(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace

class AppearanceTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QCOMPARE(qApp->devicePixelRatio(), 2.0);  // main() asked for QT_SCALE_FACTOR=2
    pw::gui_test::open_app(dir_, "pagewise-gui-appearance-test", {1100, 700}, window_, app_);
  }

  void cleanupTestCase() {
    delete app_;
    delete window_;
  }

  void statusIconsAreDrawnAtTheDevicePixels() {
    for (const char* status : {"ok", "indexing", "needs_ocr", "encrypted", "damaged"}) {
      const QIcon icon = pw::gui::status_icon(status);
      const QPixmap sharp = icon.pixmap(QSize(16, 16), 2.0);
      QCOMPARE(sharp.devicePixelRatio(), 2.0);
      QCOMPARE(sharp.size(), QSize(32, 32));  // 32 x 32 device pixels for a 16 px icon
      // Painted at 32 px, the same picture as the 32 px icon; not the 16 px one blown up.
      const QImage drawn = sharp.toImage().convertToFormat(QImage::Format_ARGB32);
      const QImage direct = icon.pixmap(QSize(32, 32), 1.0).toImage().convertToFormat(QImage::Format_ARGB32);
      QCOMPARE(drawn.size(), direct.size());
      QVERIFY2(drawn == direct.convertToFormat(drawn.format()), status);
      const QImage blown_up = icon.pixmap(QSize(16, 16), 1.0).toImage().scaled(32, 32).convertToFormat(QImage::Format_ARGB32);
      QVERIFY2(drawn != blown_up, status);
    }
    // The window's own icon has pictures for double density (PNGs up to 256 px).
    const QPixmap app = pw::gui::app_icon().pixmap(QSize(64, 64), 2.0);
    QCOMPARE(app.size(), QSize(128, 128));
  }

  void theWindowLaysOutAtDoubleDensity() {
    QCOMPARE(window_->devicePixelRatio(), 2.0);
    const QImage shot = window_->grab().toImage();
    QCOMPARE(shot.size(), window_->size() * 2);
    // Every visible button shows its whole label and no control is squeezed below its
    // minimum or pushed outside the window.
    QStringList broken;
    const QRect inside = window_->rect();
    for (QWidget* w : window_->findChildren<QWidget*>()) {
      if (!w->isVisible() || w->window() != window_) continue;
      const QRect r(w->mapTo(window_, QPoint(0, 0)), w->size());
      const QString who = w->objectName().isEmpty() ? QString(w->metaObject()->className()) : w->objectName();
      if (!inside.contains(r) && !qobject_cast<QWidget*>(w->parent())->inherits("QAbstractScrollArea"))
        if (!inside.intersects(r) || r.right() > inside.right() + 1 || r.bottom() > inside.bottom() + 1)
          broken << who + " outside the window";
      // A label or button narrower than its text (plus a little frame) cuts the text off.
      if (auto* b = qobject_cast<QAbstractButton*>(w); b && !b->text().isEmpty()) {
        const int need = b->fontMetrics().horizontalAdvance(QString(b->text()).remove('&')) + 6;
        if (b->width() < need) broken << QString("%1 clipped (%2 < %3)").arg(who).arg(b->width()).arg(need);
      }
      if (auto* l = qobject_cast<QLabel*>(w); l && !l->wordWrap() && l->textFormat() != Qt::RichText && !l->text().isEmpty() &&
                                             !l->text().contains('\n') && l->pixmap().isNull()) {
        const int need = l->fontMetrics().horizontalAdvance(QString(l->text()).remove('&'));
        if (l->contentsRect().width() < need) broken << QString("%1 clipped (%2 < %3)").arg(who).arg(l->contentsRect().width()).arg(need);
      }
    }
    QVERIFY2(broken.isEmpty(), qPrintable(broken.join("\n")));
  }

  void aLargerApplicationFontEnlargesChatLibraryAndSources() {
    // The widgets whose text a user reads all day.
    const char* names[] = {"transcript", "questionEdit", "libraryTree", "documentDetails", "chatHeading",
                           "answerStatus", "sourceTitle", "sourceHeading"};
    QHash<QString, double> before;
    auto size_of = [&](const char* name) {
      auto* w = find<QWidget>(*window_, name);
      if (!w) return 0.0;
      if (auto* browser = qobject_cast<QTextBrowser*>(w)) return browser->document()->defaultFont().pointSizeF();
      return w->font().pointSizeF();
    };
    for (const char* n : names) before.insert(n, size_of(n));
    const QFont original = QApplication::font();
    QFont larger = original;
    larger.setPointSizeF(original.pointSizeF() * 1.5);
    QApplication::setFont(larger);  // what the desktop does when the user picks a larger size
    QCoreApplication::processEvents();
    QStringList unchanged;
    for (const char* n : names) {
      const double now = size_of(n);
      if (!(now >= before[n] * 1.4)) unchanged << QString("%1: %2 -> %3 pt").arg(n).arg(before[n]).arg(now);
    }
    QApplication::setFont(original);
    QCoreApplication::processEvents();
    QVERIFY2(unchanged.isEmpty(), qPrintable(unchanged.join("\n")));
  }

  void theQuestionBoxHasAVisibleBorderInEveryPalette() {
    const QPalette original = QApplication::palette();
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    auto* chat = find<QWidget>(*window_, "chatPanel");
    find<QWidget>(*window_, "transcript")->setFocus(Qt::OtherFocusReason);
    QTRY_VERIFY(!edit->hasFocus());
    QStringList faint;
    for (const auto& [name, palette] : {std::pair{QString("light"), original}, {QString("dark"), dark_palette()},
                                        {QString("high contrast"), high_contrast_palette()}}) {
      QApplication::setPalette(palette);
      QCoreApplication::processEvents();
      // The strongest contrast between the box's left edge (device pixels) and the panel's
      // background beside it.
      const QImage box = edit->grab().toImage();
      const QColor around = chat->palette().color(chat->backgroundRole());
      double best = 1;
      for (int x = 0; x < 4; ++x) best = std::max(best, contrast(box.pixelColor(x, box.height() / 2), around));
      if (best < 1.6) faint << QString("%1: border contrast %2").arg(name).arg(best, 0, 'f', 2);
    }
    QApplication::setPalette(original);
    QVERIFY2(faint.isEmpty(), qPrintable(faint.join("\n")));
  }

 private:
  QTemporaryDir dir_;
  pw::gui::MainWindow* window_ = nullptr;
  pw::gui::AppController* app_ = nullptr;
};

int main(int argc, char** argv) {
  qputenv("QT_SCALE_FACTOR", "2");
  QApplication app(argc, argv);
  AppearanceTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "appearance_test.moc"
