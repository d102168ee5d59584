// Ctrl-C (SIGINT) and SIGTERM as a cancel flag for long commands (quantize, generate): while a
// StopSignals lives, the signals set the flag instead of killing the process, so the command
// can stop cleanly (remove temporary files, print what it has). The old handlers come back
// when it is destroyed.
//
//   pw::cli::StopSignals signals;                 // flag cleared
//   options.cancel = &signals.flag();             // std::atomic<bool>, checked by the engine
//
// The handler is one-shot (SA_RESETHAND): a second Ctrl-C ends the process the usual way in
// case something does not react to the flag.
#pragma once

#include <atomic>
#include <csignal>

namespace pw::cli {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  const std::atomic<bool>& flag() const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace pw::cli
