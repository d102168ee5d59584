#include <QtTest>

#include "gui/main_window.h"

class MainWindowTest : public QObject {
  Q_OBJECT
 private slots:
  void startsAndCloses() {
    pw::gui::MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.objectName(), QString("mainWindow"));
    QVERIFY(w.close());
  }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
