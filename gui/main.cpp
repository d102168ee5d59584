// pagewise: the desktop app. --help and --version are answered before QApplication exists,
// so they work without a display (scripts, the package test, ssh sessions).
#include <QApplication>
#include <QSettings>
#include <QStringList>
#include <QTimer>

#include <iostream>

#include "engine/util/log.h"
#include "gui/app_controller.h"
#include "gui/app_icon.h"
#include "gui/command_line.h"
#include "gui/main_window.h"
#include "pagewise/version.h"

int main(int argc, char** argv) {
  if (auto code = pw::gui::handle_info_options(argc, argv, std::cout)) return *code;

  QApplication app(argc, argv);  // needs a display (or -platform offscreen); strips Qt's options
  pw::gui::CommandLine command_line;
  std::string error;
  if (!pw::gui::parse_command_line(argc, argv, command_line, error)) {
    std::cerr << error << "\n";
    return 2;
  }
  // Organisation and application name "pagewise": QSettings then lives in ~/.config/pagewise/.
  QApplication::setOrganizationName("pagewise");
  QApplication::setApplicationName("pagewise");
  QApplication::setApplicationDisplayName(PAGEWISE_NAME);
  QApplication::setApplicationVersion(PAGEWISE_VERSION);
  QApplication::setDesktopFileName("org.pagewise.Pagewise");
  QApplication::setWindowIcon(pw::gui::app_icon());

  pw::log::Options log_options;
  log_options.debug = command_line.debug;
  pw::log::init(log_options);
  pw::log::info("pagewise {} starting (Qt {})", PAGEWISE_VERSION, qVersion());

  QSettings settings;
  const pw::gui::AppSettings app_settings = pw::gui::AppSettings::load(settings);
  pw::gui::MainWindow window;
  pw::gui::AppController controller(&window, pw::gui::AppPaths::from(app_settings), app_settings);
  window.show();
  if (!command_line.files.empty()) {
    // Files named on the command line go the same way as File › Add Files…, once the event
    // loop runs (whoever handles filesChosen is connected by then).
    QStringList paths;
    for (const auto& f : command_line.files) paths << QString::fromStdString(f);
    QTimer::singleShot(0, &window, [&window, paths] { emit window.filesChosen(paths); });
  }
  const int code = app.exec();
  pw::log::info("pagewise exiting with code {}", code);
  return code;
}
