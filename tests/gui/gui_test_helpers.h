// What the GUI tests share: widgets found by object name, the sample documents and fixture
// paths, and a citation chip clicked the way a user clicks it.
//
//   auto* box = pw::gui_test::find<QLineEdit>(window, "questionBox");
//   QVERIFY(pw::gui_test::click_chip(pw::gui_test::find<QTextBrowser>(window, "transcript"), 0, 1));
//
// Header-only and Qt-only: it belongs to tests/gui and nothing outside it includes it.
#pragma once

#include <QDir>
#include <QObject>
#include <QString>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>

namespace pw::gui_test {

// The child of `root` of type T named `name`; warns (and returns null) when there is none, so
// a renamed widget fails the test with its name in the log.
template <typename T>
T* find(const QObject& root, const char* name) {
  auto* found = root.findChild<T*>(name);
  if (!found) qWarning("no %s named '%s'", T::staticMetaObject.className(), name);
  return found;
}

inline QString samples_dir() { return QString(PAGEWISE_SOURCE_DIR) + "/resources/samples"; }
inline QString shared(const QString& rel) { return QDir::cleanPath(QString(PAGEWISE_SHARED_DIR) + "/" + rel); }
inline QString stories_model() { return shared("fixtures/models/stories260K.gguf"); }

// Clicks the [n] chip of turn `turn` in the transcript like a user: finds the link's text
// position, scrolls it into view and clicks its rectangle. False when there is no such chip.
inline bool click_chip(QTextBrowser* browser, int turn, int number) {
  const QString href = QString("cite:%1:%2").arg(turn).arg(number);
  for (QTextBlock block = browser->document()->begin(); block.isValid(); block = block.next()) {
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment f = it.fragment();
      if (!f.isValid() || f.charFormat().anchorHref() != href) continue;
      QTextCursor cursor(browser->document());
      cursor.setPosition(f.position() + f.length() / 2);
      browser->setTextCursor(cursor);
      browser->ensureCursorVisible();
      QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, browser->cursorRect(cursor).center());
      return true;
    }
  }
  return false;
}

}  // namespace pw::gui_test
