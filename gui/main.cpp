#include <QApplication>
#include <QCommandLineParser>

#include "engine/util/log.h"
#include "gui/main_window.h"
#include "pagewise/version.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("pagewise");
  QApplication::setApplicationDisplayName(PAGEWISE_NAME);
  QApplication::setApplicationVersion(PAGEWISE_VERSION);
  QCommandLineParser parser;
  parser.setApplicationDescription("Private answers from your documents, with pages you can check.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.process(app);
  pw::log::init({});
  pw::gui::MainWindow window;
  window.show();
  return app.exec();
}
