// gui_screen_reader_bridge_test: a finished answer reaches a real screen-reader bus.
//
// Runs the whole app on the X11 platform (Xvfb) with Qt's AT-SPI bridge switched on, inside a
// private D-Bus session where Debian's at-spi2-core provides the accessibility bus and its
// registry, as on a GNOME or KDE desktop with Orca running. The test then listens on that bus
// like a screen reader: it registers for the events Orca uses (with the registry, which tells
// the app's bridge to send them), asks a question through the real widgets, and checks what
// arrives: the answer's status line, an object of role "notification", becomes "showing" and
// changes its name to "Answer ready. … <the answer text>", and the object's name and role read
// back over the bus say the same. (Orca speaks a notification when it is shown; Qt 6.4's
// bridge drops QAccessible::Alert, so an alert alone would never be heard.)
//
// Run by ctest as: dbus-run-session -- xvfb-run -a gui_screen_reader_bridge_test (see
// CMakeLists.txt). Without a session bus or a display it exits with a message and code 77
// (ctest's SKIP_RETURN_CODE).
#include <QtTest>

#include <QAccessible>
#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusReply>
#include <QDBusVariant>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "gui/app_controller.h"
#include "gui/chat_panel.h"
#include "gui/main_window.h"
#include "tests/gui/gui_test_helpers.h"

namespace {

using pw::gui_test::find;
using pw::gui_test::samples_dir;

constexpr int kSkip = 77;

struct BusEvent {
  QString member;   // StateChanged, PropertyChange
  QString kind;     // "showing", "accessible-name", ...
  int detail1 = 0;
  QString sender;
  QString path;
};

// The listening side, as a screen reader has it: its own connection to the accessibility bus.
class Listener : public QObject {
  Q_OBJECT
 public:
  QList<BusEvent> events;

 public slots:
  void onEvent(const QDBusMessage& m) {
    const auto args = m.arguments();
    BusEvent e;
    e.member = m.member();
    e.kind = args.value(0).toString();
    e.detail1 = args.value(1).toInt();
    e.sender = m.service();
    e.path = m.path();
    events << e;
  }
};

// An asynchronous call answered by this very process (the app's bridge) on `bus`: waits with
// the event loop running, so the bridge can answer.
QVariant call_app(QDBusConnection& bus, const QString& service, const QString& path, const QString& interface,
                  const QString& method, const QVariantList& args) {
  QDBusMessage m = QDBusMessage::createMethodCall(service, path, interface, method);
  m.setArguments(args);
  QDBusPendingCall call = bus.asyncCall(m, 5000);
  QElapsedTimer clock;
  clock.start();
  while (!call.isFinished() && clock.elapsed() < 6000) QTest::qWait(10);
  const QDBusMessage reply = call.reply();
  if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty()) return {};
  QVariant v = reply.arguments().front();
  if (v.canConvert<QDBusVariant>()) v = v.value<QDBusVariant>().variant();
  return v;
}

}  // namespace

class ScreenReaderBridgeTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    // The bridge switched itself on because the session says a screen reader runs.
    QTRY_VERIFY_WITH_TIMEOUT(QAccessible::isActive(), 10000);

    pw::gui_test::open_app(dir_, "pagewise-gui-bridge-test", {1200, 760}, window_, app_);
    if (QTest::currentTestFailed()) return;
    QSignalSpy finished(app_, &pw::gui::AppController::indexingFinished);
    app_->addPathsTo("IT", {samples_dir() + "/northwind-it-quick-reference.md"});
    QVERIFY(finished.wait(30000));

    // The accessibility bus, as a screen reader finds it.
    QDBusMessage get = QDBusMessage::createMethodCall("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress");
    const QDBusMessage address = QDBusConnection::sessionBus().call(get, QDBus::Block, 5000);
    QVERIFY2(address.type() == QDBusMessage::ReplyMessage, qPrintable(address.errorMessage()));
    bus_ = std::make_unique<QDBusConnection>(
        QDBusConnection::connectToBus(address.arguments().value(0).toString(), "pagewise-screen-reader"));
    QVERIFY2(bus_->isConnected(), qPrintable(bus_->lastError().message()));
    for (const char* member : {"StateChanged", "PropertyChange"})
      QVERIFY(bus_->connect(QString(), QString(), "org.a11y.atspi.Event.Object", member, &listener_,
                            SLOT(onEvent(QDBusMessage))));
    // Registered with the registry: the app's bridge only sends the events someone asked for.
    for (const char* event : {"object:state-changed:showing", "object:property-change:accessible-name"}) {
      QDBusMessage reg = QDBusMessage::createMethodCall("org.a11y.atspi.Registry", "/org/a11y/atspi/registry",
                                                        "org.a11y.atspi.Registry", "RegisterEvent");
      reg << QString(event);
      QDBusMessage reply = bus_->call(reg, QDBus::Block, 5000);
      if (reply.type() == QDBusMessage::ErrorMessage) {  // newer registries take properties and the app too
        reg << QStringList() << QString();
        reply = bus_->call(reg, QDBus::Block, 5000);
      }
      QVERIFY2(reply.type() == QDBusMessage::ReplyMessage, qPrintable(reply.errorMessage()));
    }
    QTest::qWait(300);  // the registry's EventListenerRegistered reaches the app's bridge
  }

  void cleanupTestCase() {
    if (bus_) QDBusConnection::disconnectFromBus("pagewise-screen-reader");
    delete app_;
    delete window_;
  }

  void aFinishedAnswerIsAnnouncedOnTheAccessibilityBus() {
    listener_.events.clear();
    auto* edit = find<QLineEdit>(*window_, "questionEdit");
    QSignalSpy done(app_, &pw::gui::AppController::answerFinished);
    edit->setFocus(Qt::OtherFocusReason);
    QTest::keyClicks(edit, "How long must passwords be?");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(done.wait(30000));
    auto* chat = find<pw::gui::ChatPanel>(*window_, "chatPanel");
    QCOMPARE(chat->turns().back().phase, pw::gui::TurnState::Phase::Done);
    const QString answer_words = chat->turns().back().answer.text.section(' ', 0, 3).remove(QRegularExpression("\\[\\d+\\]"));

    // The status line's object on the bus (the bridge names objects by their accessible id).
    QAccessibleInterface* status = QAccessible::queryAccessibleInterface(find<QLabel>(*window_, "answerStatus"));
    QVERIFY(status);
    const QString path = QString("/org/a11y/atspi/accessible/%1").arg(QAccessible::uniqueId(status));

    auto seen = [&](const QString& member, const QString& kind) {
      for (const auto& e : listener_.events)
        if (e.member == member && e.kind == kind && e.path == path && (member != "StateChanged" || e.detail1 == 1))
          return true;
      return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(seen("StateChanged", "showing") && seen("PropertyChange", "accessible-name"), 5000);

    // Read back over the bus, as the screen reader does before speaking.
    QString sender;
    for (const auto& e : listener_.events)
      if (e.path == path) sender = e.sender;
    const QString role = call_app(*bus_, sender, path, "org.a11y.atspi.Accessible", "GetRoleName", {}).toString();
    QCOMPARE(role, QString("notification"));
    const QString name = call_app(*bus_, sender, path, "org.freedesktop.DBus.Properties", "Get",
                                  {QString("org.a11y.atspi.Accessible"), QString("Name")})
                             .toString();
    QVERIFY2(name.startsWith("Answer ready.") && name.contains("from 1 document"), qPrintable(name));
    QVERIFY2(name.contains(answer_words.trimmed()), qPrintable(name + " | " + answer_words));
  }

 private:
  QTemporaryDir dir_;
  pw::gui::MainWindow* window_ = nullptr;
  pw::gui::AppController* app_ = nullptr;
  std::unique_ptr<QDBusConnection> bus_;
  Listener listener_;
};

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") || qEnvironmentVariableIsEmpty("DISPLAY")) {
    std::fprintf(stderr, "SKIP: needs a D-Bus session and an X display (run through dbus-run-session and xvfb-run)\n");
    return kSkip;
  }
  // As a desktop does when Orca starts: the accessibility bus is up and says a screen reader
  // runs (dbus-send activates org.a11y.Bus from at-spi2-core's service file).
  if (std::system("dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus org.a11y.Bus.GetAddress "
                  ">/dev/null") != 0 ||
      std::system("dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus "
                  "org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:ScreenReaderEnabled "
                  "variant:boolean:true >/dev/null") != 0) {
    std::fprintf(stderr, "SKIP: no AT-SPI accessibility bus (Debian package at-spi2-core)\n");
    return kSkip;
  }
  qputenv("QT_QPA_PLATFORM", "xcb");
  qputenv("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1");
  QApplication app(argc, argv);
  ScreenReaderBridgeTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "screen_reader_bridge.moc"
