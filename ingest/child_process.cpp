#include "ingest/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace pw::ingest {
namespace {

constexpr size_t kMaxStderrBytes = 4096;
constexpr int kOutputFd = 3;

using Clock = std::chrono::steady_clock;

[[noreturn]] void exit_out_of_memory() { _exit(kChildExitOutOfMemory); }

// Current size of the address space, from /proc/self/statm (pages). 0 when unknown.
size_t current_address_space() {
  const int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  size_t pages = 0;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pages = pages * 10 + static_cast<size_t>(buf[i] - '0');
  return pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

void close_other_descriptors() {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, kOutputFd + 1, ~0U, 0) == 0) return;
#endif
  const long max_fd = sysconf(_SC_OPEN_MAX);
  for (long fd = kOutputFd + 1; fd < (max_fd > 0 && max_fd < 65536 ? max_fd : 65536); ++fd) close(static_cast<int>(fd));
}

[[noreturn]] void child_main(const std::function<void(int)>& work, const ChildLimits& limits, pid_t parent,
                             int out_fd, int err_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(kChildExitException);  // the parent is already gone

  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGXCPU})
    signal(sig, SIG_DFL);

  const int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    dup2(null_fd, 0);
    dup2(null_fd, 1);
  }
  dup2(err_fd, 2);
  if (out_fd != kOutputFd) dup2(out_fd, kOutputFd);
  close_other_descriptors();

  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  const auto cpu_seconds = static_cast<rlim_t>(limits.wall_time.count() / 1000 + 2);
  rlimit cpu{cpu_seconds, cpu_seconds + 1};
  setrlimit(RLIMIT_CPU, &cpu);
  rlimit as{};
  getrlimit(RLIMIT_AS, &as);
  const size_t wanted = current_address_space() + limits.memory_bytes;
  if (as.rlim_max == RLIM_INFINITY || wanted < as.rlim_max) {
    as.rlim_cur = wanted;
    setrlimit(RLIMIT_AS, &as);
  }
  std::set_new_handler(exit_out_of_memory);

  try {
    work(kOutputFd);
  } catch (const std::bad_alloc&) {
    _exit(kChildExitOutOfMemory);
  } catch (...) {
    _exit(kChildExitException);
  }
  _exit(0);
}

}  // namespace

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

ChildOutcome run_in_child(const std::function<void(int fd)>& work, const ChildLimits& limits) {
  ChildOutcome r;
  const auto start = Clock::now();
  const auto deadline = start + limits.wall_time;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    r.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return r;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    r.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return r;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    r.error = std::string("cannot start a process: ") + std::strerror(errno);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    return r;
  }
  if (pid == 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    child_main(work, limits, parent, out_pipe[1], err_pipe[1]);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);

  std::string err_text;
  bool killed_timeout = false, killed_output = false;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      killed_timeout = true;
      break;
    }
    const int ready = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (pollfd& p : fds) {
      if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(p.fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(p.fd);
        p.fd = -1;
        --open_fds;
        continue;
      }
      if (p.fd == out_pipe[0]) {
        r.output.append(buf, static_cast<size_t>(n));
      } else if (err_text.size() < kMaxStderrBytes) {
        err_text.append(buf, std::min(static_cast<size_t>(n), kMaxStderrBytes - err_text.size()));
      }
    }
    if (r.output.size() > limits.max_output_bytes) {
      killed_output = true;
      break;
    }
  }
  for (pollfd& p : fds)
    if (p.fd >= 0) close(p.fd);

  // Both pipes are closed: the child is exiting. Wait for it, but never past the deadline.
  int status = 0;
  bool reaped = false;
  if (!killed_timeout && !killed_output) {
    while (true) {
      const pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid || (w < 0 && errno != EINTR)) {
        reaped = w == pid;
        break;
      }
      if (Clock::now() >= deadline) {
        killed_timeout = true;
        break;
      }
      usleep(1000);
    }
  }
  if (!reaped) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();

  const bool stderr_says_oom = err_text.find("Out of memory") != std::string::npos ||
                               err_text.find("bad_alloc") != std::string::npos;
  if (killed_output) {
    r.kind = ChildOutcome::Kind::OutputTooLarge;
  } else if (killed_timeout) {
    r.kind = ChildOutcome::Kind::TimedOut;
  } else if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
    r.kind = r.exit_code == kChildExitOutOfMemory ? ChildOutcome::Kind::OutOfMemory : ChildOutcome::Kind::Exited;
  } else if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
    if (r.signal == SIGXCPU)
      r.kind = ChildOutcome::Kind::TimedOut;
    else if (stderr_says_oom || r.signal == SIGKILL)  // SIGKILL we did not send: the kernel's OOM killer
      r.kind = ChildOutcome::Kind::OutOfMemory;
    else
      r.kind = ChildOutcome::Kind::Crashed;
  } else {
    r.kind = ChildOutcome::Kind::Crashed;
  }
  return r;
}

}  // namespace pw::ingest
