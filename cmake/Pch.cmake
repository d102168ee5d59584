# pagewise_precompile(target [EXTRA header...]): parse the system headers most of a target's
# files read once per target instead of once per file (a precompiled header).
#   pagewise_precompile(pagewise_engine CORE)                     # standard library + fmt
#   pagewise_precompile(pagewise-cli EXTRA <nlohmann/json.hpp>)   # ... and JSON
# Why: CI builds from a clean clone on two cores, and parsing these headers was a large share
# of its time (measured 1.5-1.7 CPU-s per file for the standard set below, 2.6 for
# nlohmann/json, 5 for the Qt Widgets set; loading the precompiled header costs ~0.3-0.7 s).
# Only system headers go in: the project's own headers change too often and must keep their
# own #include lines. A file that forgets a standard #include still builds here; configure
# with -DPAGEWISE_PCH=OFF to check that every file is complete on its own.
# Must not change: files compiled with their own instruction-set flags (*_avx2.cpp,
# *_avx512.cpp: -mavx2/-mavx512*) never use a header precompiled without those flags; GCC
# would refuse it (-Winvalid-pch, an error under -Werror), so they are skipped here.
option(PAGEWISE_PCH "Precompiled headers for the project's targets (faster clean builds)" ON)

set(PAGEWISE_PCH_STD_HEADERS
  <algorithm> <array> <atomic> <chrono> <cmath> <cstddef> <cstdint> <cstdio> <cstdlib>
  <cstring> <filesystem> <functional> <limits> <map> <memory> <mutex> <optional> <span>
  <string> <string_view> <thread> <unordered_map> <unordered_set> <utility> <vector>
  <fmt/core.h>)
# Qt Widgets headers most of gui/ and tests/gui read (the whole <QtWidgets> costs twice as much).
set(PAGEWISE_PCH_QT_HEADERS
  <QAccessible> <QAction> <QApplication> <QComboBox> <QDialog> <QDir> <QFileDialog> <QFileInfo>
  <QHBoxLayout> <QLabel> <QLineEdit> <QListWidget> <QMenu> <QMessageBox> <QObject>
  <QPushButton> <QRegularExpression> <QSettings> <QStandardPaths> <QString> <QStringList>
  <QTextBrowser> <QTimer> <QTreeView> <QVBoxLayout> <QVector> <QWidget>)

# GCC 12 reports its known false positives inside libstdc++'s std::string (GCC bugs 105329,
# 105651: memcpy "forming offset ... out of the bounds" of a string temporary, -Warray-bounds
# and the -Wstringop family) at -O2 when the standard headers come precompiled: the usual
# silence for system headers is lost. Seen here on engine/chat/template_format.cpp,
# template_lexer.cpp and cli/cmd_quantize.cpp. So:
# - the core libraries (engine, ingest, rag: the parsers of untrusted files and the kernels,
#   where those warnings matter; marked CORE) use the precompiled header only in builds below
#   -O2 (CI's sanitizer build, -O1, where they compile clean with it) and keep every warning
#   at -O2;
# - the front ends (cli, bench, gui: argument handling and widgets) use it in every build and,
#   at -O2 with GCC, turn those four warnings off, as the test suites do (tests/CMakeLists.txt).
function(pagewise_precompile target)
  if(NOT PAGEWISE_PCH)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 arg "CORE" "" "EXTRA")
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    string(TOUPPER "${CMAKE_BUILD_TYPE}" type)
    if("${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${type}}" MATCHES "-O[23s]|-Ofast")
      if(arg_CORE)
        return()
      endif()
      target_compile_options(${target} PRIVATE -Wno-array-bounds -Wno-stringop-overflow
                             -Wno-stringop-overread -Wno-restrict)
    endif()
  endif()
  target_precompile_headers(${target} PRIVATE ${PAGEWISE_PCH_STD_HEADERS} ${arg_EXTRA})
  get_target_property(sources ${target} SOURCES)
  foreach(src ${sources})
    if(src MATCHES "_avx2\\.cpp$" OR src MATCHES "_avx512\\.cpp$")
      set_source_files_properties(${src} TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    endif()
  endforeach()
endfunction()
