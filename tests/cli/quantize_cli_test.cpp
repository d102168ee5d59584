// pagewise-cli quantize: the summary and progress a person sees, usage errors, refusals, and
// that a failing write (RLIMIT_FSIZE, the disk-full path without root) or Ctrl-C (SIGINT)
// leaves nothing behind; the progress bar on a terminal (a pseudo-terminal here).
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <random>
#include <thread>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;

using pw::test::contains;

fs::path model_file(const std::string& name) { return pw::test::shared_path("fixtures/models/" + name); }

std::vector<std::string> folder_entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

size_t count_lines_starting(const std::string& text, const std::string& prefix) {
  size_t n = 0, pos = 0;
  while (pos < text.size()) {
    if (text.compare(pos, prefix.size(), prefix) == 0) ++n;
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return n;
}

// Starts pagewise-cli with stdout/stderr into files; `in_child` runs before exec.
pid_t spawn_cli(const std::vector<std::string>& args, const fs::path& out, const fs::path& err,
                const std::function<void()>& in_child = {}) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    if (in_child) in_child();
    std::vector<std::string> copy = args;
    std::string exe = PAGEWISE_CLI_PATH;
    std::vector<char*> argv{exe.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(CliQuantize, SummaryAndOnePlainProgressLinePerTensor) {
  pw::test::TempDir dir;
  const auto out = dir / "small.gguf";
  auto r = pw::test::run_cli({"quantize", model_file("tiny-qwen2-F32.gguf").string(), out.string(), "q4_k_m", "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "(Q4_K_M)")) << r.out;
  EXPECT_TRUE(contains(r.out, "input:   6.5 MiB (6837856 bytes)")) << r.out;
  EXPECT_TRUE(contains(r.out, "output:  ")) << r.out;
  EXPECT_TRUE(contains(r.out, "x smaller")) << r.out;
  EXPECT_TRUE(contains(r.out, "time:    ")) << r.out;
  // Types from tiny-qwen2-Q4_K_M.golden.json; the size is llama-quantize's file size too.
  EXPECT_TRUE(contains(r.out, "tensors: 12 q4_K 11 f32 3 q6_K (26 in all)")) << r.out;
  EXPECT_TRUE(contains(r.out, "output:  1.0 MiB (1073536 bytes), 15.7% of the input, 6.37x smaller")) << r.out;
  // stderr is not a terminal here: one plain line per tensor, no bar.
  EXPECT_EQ(count_lines_starting(r.err, "["), 26u) << r.err;
  EXPECT_TRUE(contains(r.err, "[1/26] output_norm.weight -> f32\n")) << r.err;
  EXPECT_TRUE(contains(r.err, "[26/26] blk.1.ffn_up.weight -> q4_K\n")) << r.err;
  EXPECT_FALSE(contains(r.err, "\r")) << r.err;

  auto ours = pw::gguf::GgufFile::open(out);
  ASSERT_TRUE(ours.ok()) << ours.error().describe();
  auto reference = pw::gguf::GgufFile::open(model_file("tiny-qwen2-Q4_K_M.gguf"));
  ASSERT_TRUE(reference.ok());
  ASSERT_EQ(ours->tensors().size(), reference->tensors().size());
  for (size_t i = 0; i < ours->tensors().size(); ++i) {
    EXPECT_EQ(ours->tensors()[i].name, reference->tensors()[i].name);
    EXPECT_EQ(ours->tensors()[i].type, reference->tensors()[i].type) << ours->tensors()[i].name;
  }
  EXPECT_TRUE(contains(r.out, "(" + std::to_string(fs::file_size(out)) + " bytes)")) << r.out;
}

TEST(CliQuantize, UsageErrors) {
  pw::test::TempDir dir;
  const std::string in = model_file("tiny-llama-F32.gguf").string(), out = (dir / "o.gguf").string();
  auto r = pw::test::run_cli({"quantize"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "usage: pagewise-cli quantize IN.gguf OUT.gguf TYPE")) << r.err;
  r = pw::test::run_cli({"quantize", in, out, "Q4_K_S"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown type 'Q4_K_S'")) << r.err;
  EXPECT_TRUE(contains(r.err, "Q4_K_M")) << r.err;
  r = pw::test::run_cli({"quantize", in, out, "Q8_0", "--threads", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--threads")) << r.err;
  r = pw::test::run_cli({"quantize", in, out, "Q8_0", "--fast"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown option '--fast'")) << r.err;
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

TEST(CliQuantize, RefusesItsInputQuantizedInputsAndExistingOutputs) {
  pw::test::TempDir dir;
  fs::copy_file(model_file("tiny-llama-F32.gguf"), dir / "in.gguf");
  const auto before = pw::test::read_file(dir / "in.gguf");
  auto r = pw::test::run_cli({"quantize", (dir / "in.gguf").string(), (dir / "in.gguf").string(), "Q8_0", "--force"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "is the input file")) << r.err;
  EXPECT_TRUE(pw::test::read_file(dir / "in.gguf") == before);

  r = pw::test::run_cli({"quantize", model_file("tiny-llama-Q4_K_M.gguf").string(), (dir / "x.gguf").string(), "Q4_0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "requantization is not supported")) << r.err;

  pw::test::write_file(dir / "taken.gguf", "mine", 4);
  r = pw::test::run_cli({"quantize", (dir / "in.gguf").string(), (dir / "taken.gguf").string(), "Q8_0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "already exists")) << r.err;
  EXPECT_EQ(pw::test::read_text(dir / "taken.gguf"), "mine");
  r = pw::test::run_cli({"quantize", (dir / "in.gguf").string(), (dir / "taken.gguf").string(), "Q8_0", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(pw::test::read_file(dir / "taken.gguf") == pw::test::read_file(model_file("tiny-llama-Q8_0.gguf")));
  EXPECT_EQ(folder_entries(dir.path()), (std::vector<std::string>{"in.gguf", "taken.gguf"}));
}

// RLIMIT_FSIZE makes the output's writes fail part-way, as a full disk would.
TEST(CliQuantize, FailedWriteLeavesNothing) {
  pw::test::TempDir logs, dir;
  const pid_t pid = spawn_cli({"quantize", model_file("tiny-llama-F32.gguf").string(), (dir / "out.gguf").string(), "Q8_0"},
                              logs / "out", logs / "err", [] {
                                signal(SIGXFSZ, SIG_IGN);
                                struct rlimit limit {300 * 1024, 300 * 1024};
                                setrlimit(RLIMIT_FSIZE, &limit);
                              });
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_exit_code(pid), 1);
  const std::string err = pw::test::read_text(logs / "err");
  EXPECT_TRUE(contains(err, "pagewise-cli quantize: ")) << err;
  EXPECT_TRUE(contains(err, "out.gguf")) << err;
  EXPECT_TRUE(folder_entries(dir.path()).empty()) << "left behind: " << folder_entries(dir.path()).front();
}

// A model big enough (24 MiB of F32) that quantizing it takes a while on one thread.
void write_big_model(const fs::path& path) {
  pw::gguf::GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_u32("llama.block_count", 6);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  std::vector<float> values(1024 * 1024);
  for (float& v : values) v = normal(rng);
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(values.data()), values.size() * 4);
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(w.add_tensor("blk." + std::to_string(i) + ".ffn_up.weight", pw::GgmlType::F32, {1024, 1024}, bytes).ok());
  ASSERT_TRUE(w.write(path).ok());
}

TEST(CliQuantize, InterruptRemovesTheTemporaryFile) {
  pw::test::TempDir logs, in_dir, dir;
  write_big_model(in_dir / "big.gguf");
  const pid_t pid = spawn_cli({"quantize", (in_dir / "big.gguf").string(), (dir / "out.gguf").string(), "Q6_K", "--threads", "1"},
                              logs / "out", logs / "err");
  ASSERT_GT(pid, 0);
  // Wait until the temporary file exists (the write has begun), then press Ctrl-C.
  bool started = false;
  for (int i = 0; i < 20000 && !started; ++i) {
    for (const auto& name : folder_entries(dir.path())) started |= name.rfind(".out.gguf.tmp-", 0) == 0;
    if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(started) << "no temporary file appeared";
  kill(pid, SIGINT);
  EXPECT_EQ(wait_exit_code(pid), 130) << pw::test::read_text(logs / "err");
  EXPECT_TRUE(contains(pw::test::read_text(logs / "err"), "interrupted; nothing was written")) << pw::test::read_text(logs / "err");
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

TEST(CliQuantize, ProgressBarOnATerminal) {
  pw::test::TempDir dir;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string exe = PAGEWISE_CLI_PATH;
    std::vector<std::string> args = {exe, "quantize", model_file("tiny-llama-F32.gguf").string(), (dir / "o.gguf").string(), "Q4_0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  std::string screen;
  char buf[4096];
  ssize_t n;
  while ((n = read(master, buf, sizeof buf)) > 0) screen.append(buf, static_cast<size_t>(n));  // EIO once the child is gone
  close(master);
  EXPECT_EQ(wait_exit_code(pid), 0) << screen;
  EXPECT_TRUE(contains(screen, "\r[")) << screen;
  EXPECT_TRUE(contains(screen, "[##############################] 100%")) << screen;
  EXPECT_TRUE(contains(screen, "21/21")) << screen;
  EXPECT_FALSE(contains(screen, "[1/21] ")) << "plain lines on a terminal: " << screen;
  EXPECT_TRUE(contains(screen, "tensors: 16 q4_0 5 f32 (21 in all)")) << screen;
}

}  // namespace
