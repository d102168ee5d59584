#include "gui/quantize_worker.h"

#include <QFileInfo>

#include <chrono>
#include <filesystem>

#include "engine/quantize/quantizer.h"

namespace pw::gui {

void QuantizeWorker::run(const QString& input, const QString& target_name, const QString& folder) {
  cancel_ = false;
  const QString name = QFileInfo(input).fileName();
  const auto target = quantize::parse_quant_target(target_name.toStdString());
  if (!target) {
    emit failed({tr("“%1” is not a size Pagewise can make.").arg(target_name), target_name});
    return;
  }
  const std::filesystem::path in(input.toStdString());
  const std::filesystem::path out =
      std::filesystem::path(folder.toStdString()) / quantize::suggest_output_path(in, *target).filename();
  std::error_code ec;
  std::filesystem::create_directories(out.parent_path(), ec);
  quantize::QuantizeOptions options;
  options.target = *target;
  options.cancel = &cancel_;
  auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  options.on_progress = [&](const quantize::QuantizeProgress& p) {
    // A few reports a second are enough for a progress bar.
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(100) && p.done_bytes < p.total_bytes) return;
    last = now;
    const double fraction = p.total_bytes ? static_cast<double>(p.done_bytes) / static_cast<double>(p.total_bytes) : 0;
    emit progress(fraction, QString::fromUtf8(p.tensor_name.data(), static_cast<qsizetype>(p.tensor_name.size())));
  };
  auto report = quantize::quantize_file(in, out, options);
  if (!report) {
    if (report.error().code() == ErrorCode::Cancelled) {
      emit cancelled();
      return;
    }
    const bool already = report.error().code() == ErrorCode::InvalidArgument && std::filesystem::exists(out, ec);
    const QString summary =
        report.error().code() == ErrorCode::Unsupported
            ? tr("“%1” is already a compressed model; a smaller copy would lose quality.").arg(name)
        : already ? tr("A smaller copy of “%1” already exists in your model folder.").arg(name)
                  : tr("A smaller copy of “%1” could not be made.").arg(name);
    emit failed({summary, QString::fromStdString(report.error().describe())});
    return;
  }
  emit finished(QString::fromStdString(out.string()));
}

}  // namespace pw::gui
