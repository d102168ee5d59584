// Runs a piece of work in a forked child process under a time and memory budget, and collects
// the bytes it writes to a pipe. Used to keep Poppler's crashes, hangs and runaway allocations
// on hostile PDFs away from the application: a crash inside a library cannot be caught, but a
// dead child can be reported.
//
//   pw::ingest::ChildLimits limits{.wall_time = std::chrono::seconds(60), .memory_bytes = 1 << 30};
//   pw::ingest::ChildOutcome r = pw::ingest::run_in_child([&](int fd) {
//     pw::ingest::write_all(fd, "result bytes");
//   }, limits);
//   if (r.kind == pw::ingest::ChildOutcome::Kind::Exited && r.exit_code == 0) use(r.output);
//
// The child: dies with the parent (PR_SET_PDEATHSIG), writes no core file, gets at most
// `memory_bytes` of address space on top of what it inherited (RLIMIT_AS), a CPU-time limit
// slightly above the wall-time budget as a backstop, stdout on /dev/null, stderr captured (the
// first 4 KiB, to recognise "Out of memory" aborts), default signal handlers, and no file
// descriptors but its pipe (so it never holds another child's pipe open). It leaves with
// _exit(), so no atexit handler or static destructor of the parent runs twice. The parent
// kills it with SIGKILL at the wall-time deadline or when its output passes max_output_bytes.
//
// Must not change: the work function runs in a copy of a possibly multi-threaded process, so it
// may only use code that does not depend on locks other threads could have held at fork time
// (malloc is fine in glibc; logging through spdlog is not: do not log in `work`).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace pw::ingest {

struct ChildLimits {
  std::chrono::milliseconds wall_time{60000};
  size_t memory_bytes = size_t{1} << 30;        // extra address space the child may map
  size_t max_output_bytes = size_t{512} << 20;  // more than this: killed, OutputTooLarge
};

struct ChildOutcome {
  enum class Kind {
    Exited,          // returned from work (exit_code 0) or called _exit itself
    Crashed,         // killed by a signal it raised (signal says which)
    TimedOut,        // over the wall-time budget (or the CPU backstop)
    OutOfMemory,     // an allocation failed under the memory budget
    OutputTooLarge,  // wrote more than max_output_bytes
    StartFailed,     // could not create the pipe or fork (error says why)
  };
  Kind kind = Kind::StartFailed;
  int exit_code = 0;
  int signal = 0;
  std::string output;  // everything the child wrote before it ended or was stopped
  std::string error;
  double seconds = 0;
};

ChildOutcome run_in_child(const std::function<void(int fd)>& work, const ChildLimits& limits);

// Writes all of `bytes` to fd, retrying partial writes and EINTR. False on failure.
bool write_all(int fd, std::string_view bytes);

// Exit codes the child uses for failures it can still report itself.
inline constexpr int kChildExitOutOfMemory = 101;
inline constexpr int kChildExitException = 102;

}  // namespace pw::ingest
