#include "cli/stop_signals.h"

namespace pw::cli {
namespace {

std::atomic<bool> g_stop{false};  // lock-free: safe to set from a signal handler

extern "C" void on_stop_signal(int) { g_stop.store(true); }

}  // namespace

StopSignals::StopSignals() {
  g_stop.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

const std::atomic<bool>& StopSignals::flag() const { return g_stop; }

}  // namespace pw::cli
