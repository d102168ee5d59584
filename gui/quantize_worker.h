// "Make a smaller copy": runs our quantizer (engine/quantize) on its own QThread, so answers
// and indexing carry on meanwhile, reporting progress by queued signals.
//
//   auto* worker = new pw::gui::QuantizeWorker;   // moveToThread, start (see IngestWorker)
//   QMetaObject::invokeMethod(worker, [=] { worker->run(path, "Q4_K_M", user_model_folder); });
//   worker->cancel();                              // any thread; nothing is left behind
//
// The copy is written into `folder` (the user's model folder: the original may be read-only)
// under the name suggest_output_path() gives, atomically (quantize_file's guarantee).
#pragma once

#include <QObject>
#include <QString>

#include <atomic>

#include "gui/worker_values.h"

namespace pw::gui {

class QuantizeWorker : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  void cancel() { cancel_ = true; }

 public slots:
  void run(const QString& input, const QString& target, const QString& folder);

 signals:
  void progress(double fraction, const QString& tensor);
  void finished(const QString& output);
  void failed(const pw::gui::UserError& error);
  void cancelled();

 private:
  std::atomic<bool> cancel_{false};
};

}  // namespace pw::gui
