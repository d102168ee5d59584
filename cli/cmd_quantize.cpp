// pagewise-cli quantize IN.gguf OUT.gguf TYPE [--threads N] [--force]: a smaller copy of an
// F32/F16/BF16 model (engine/quantize/quantizer.h). Progress goes to stderr (a bar on a
// terminal, one line per tensor otherwise); the summary goes to stdout. Ctrl-C (SIGINT) or
// SIGTERM stops cleanly: the temporary file is removed and the exit code is 130.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/command.h"
#include "engine/model_info/model_info.h"
#include "engine/quantize/quantizer.h"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

// Installs the handler for the command's lifetime and restores the old one afterwards.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string targets_list() {
  std::string s;
  for (auto t : pw::quantize::all_quant_targets()) s += (s.empty() ? "" : ", ") + std::string(pw::quantize::target_name(t));
  return s;
}

// Progress on stderr: a redrawn bar on a terminal, else one plain line per tensor.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool terminal) : terminal_(terminal) {}

  void update(const pw::quantize::QuantizeProgress& p) {
    const bool new_tensor = p.tensor_index != last_tensor_;
    last_tensor_ = p.tensor_index;
    if (!terminal_) {
      if (new_tensor)
        std::fprintf(stderr, "[%zu/%zu] %s -> %s\n", p.tensor_index + 1, p.tensor_count, std::string(p.tensor_name).c_str(),
                     std::string(pw::type_name(p.to)).c_str());
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!new_tensor && p.done_bytes != p.total_bytes && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const double fraction = p.total_bytes ? static_cast<double>(p.done_bytes) / static_cast<double>(p.total_bytes) : 1.0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    std::string name(p.tensor_name);
    if (name.size() > 32) name = name.substr(0, 29) + "...";
    std::fprintf(stderr, "\r[%s] %3d%%  %zu/%zu  %-32s -> %-5s", bar.c_str(), static_cast<int>(fraction * 100.0),
                 p.tensor_index + 1, p.tensor_count, name.c_str(), std::string(pw::type_name(p.to)).c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  void finish() {
    if (terminal_ && drawn_) std::fputc('\n', stderr);
    drawn_ = false;
  }

 private:
  bool terminal_;
  bool drawn_ = false;
  size_t last_tensor_ = static_cast<size_t>(-1);
  std::chrono::steady_clock::time_point last_draw_{};
};

int run_quantize(pw::cli::Args& args) {
  const auto threads_arg = args.take_option("threads", "t");
  const bool force = args.take_flag("force", "f");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("quantize", "unknown option '" + *unknown + "'");
  if (args.rest().size() != 3) return pw::cli::usage_error("quantize", "expected IN.gguf OUT.gguf TYPE");
  const std::string in = args.rest()[0], out = args.rest()[1], type = args.rest()[2];
  const auto target = pw::quantize::parse_quant_target(type);
  if (!target) return pw::cli::usage_error("quantize", "unknown type '" + type + "' (one of " + targets_list() + ")");

  pw::quantize::QuantizeOptions options;
  options.target = *target;
  options.overwrite = force;
  if (threads_arg) {
    try {
      size_t used = 0;
      const long n = std::stol(*threads_arg, &used);
      if (used != threads_arg->size() || n < 1 || n > 256) throw std::out_of_range("threads");
      options.threads = static_cast<unsigned>(n);
    } catch (...) {
      return pw::cli::usage_error("quantize", "--threads needs a number from 1 to 256");
    }
  }

  StopSignals signals;
  g_stop.store(false);
  options.cancel = &g_stop;
  ProgressPrinter printer(::isatty(STDERR_FILENO) == 1);
  options.on_progress = [&](const pw::quantize::QuantizeProgress& p) { printer.update(p); };

  auto report = pw::quantize::quantize_file(in, out, options);
  printer.finish();
  if (!report) {
    if (report.error().code() == pw::ErrorCode::Cancelled) {
      std::cerr << "pagewise-cli quantize: interrupted; nothing was written to " << out << "\n";
      return 130;
    }
    std::cerr << "pagewise-cli quantize: " << report.error().describe() << "\n";
    return 1;
  }

  using pw::model_info::format_bytes;
  const auto& r = *report;
  const double ratio = r.input_file_bytes ? static_cast<double>(r.output_file_bytes) / static_cast<double>(r.input_file_bytes) : 0.0;
  char line[160];
  std::cout << "quantized " << in << " -> " << out << " (" << pw::quantize::target_name(*target) << ")\n";
  std::cout << "  input:   " << format_bytes(r.input_file_bytes) << " (" << r.input_file_bytes << " bytes)\n";
  std::snprintf(line, sizeof line, "%.1f%% of the input, %.2fx smaller", ratio * 100.0, ratio > 0 ? 1.0 / ratio : 0.0);
  std::cout << "  output:  " << format_bytes(r.output_file_bytes) << " (" << r.output_file_bytes << " bytes), " << line << "\n";
  std::snprintf(line, sizeof line, "%.2f s with %u thread%s", r.seconds, r.threads, r.threads == 1 ? "" : "s");
  std::cout << "  time:    " << line << "\n";
  std::cout << "  tensors:";
  for (const auto& [t, n] : r.type_counts) std::cout << " " << n << " " << pw::type_name(t);
  std::cout << " (" << r.plan.tensors.size() << " in all)\n";
  if (r.plan.fallbacks)
    std::cout << "  note:    " << r.plan.fallbacks << " tensor(s) got a different type because their rows do not fit the blocks\n";
  return 0;
}

}  // namespace

PW_CLI_COMMAND(quantize, "quantize", "quantize IN.gguf OUT.gguf TYPE [--threads N] [--force]",
               "Make a smaller copy of an F32/F16/BF16 model (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K..Q6_K, Q3_K_M, Q4_K_M, Q5_K_M)",
               run_quantize);
