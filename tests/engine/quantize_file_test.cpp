// quantize_file(): metadata carried over, output independent of threads, F16/BF16 inputs,
// refusals (quantized input, output == input through any link, existing output), and that a
// cancel, a failing write (RLIMIT_FSIZE in a child process: the disk-full path without root)
// or a missing folder leaves nothing behind; progress reports; odd shapes and 3-D tensors;
// NaN/Inf weights refused; suggested output names.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <limits>
#include <random>

#include "engine/gguf/gguf_writer.h"
#include "engine/quantize/quantizer.h"
#include "quantize_test_helpers.h"

namespace pw::quantize::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> folder_entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Bytes of `values` stored as `type` (F32, F16 or BF16 here), row by row.
std::vector<uint8_t> encode(const std::vector<float>& values, GgmlType type, uint64_t ne0) {
  const auto row = *row_size_bytes(type, ne0);
  std::vector<uint8_t> out(row * (values.size() / ne0));
  const quant::TypeKernels* k = quant::scalar_kernels_for(type);
  for (size_t r = 0; r < values.size() / ne0; ++r)
    k->quantize_row_reference(values.data() + r * ne0, out.data() + r * row, static_cast<int64_t>(ne0));
  return out;
}

// Rewrites `source` with its 2-D weights stored as `weights` and everything else as it was;
// with `round_trip`, the weights are stored as F32 holding exactly the `weights`-rounded values.
void write_converted(const fs::path& source_path, const fs::path& path, GgmlType weights, bool round_trip) {
  const gguf::GgufFile src = open_gguf(source_path);
  gguf::GgufWriter w;
  for (const auto& kv : src.metadata()) w.set_value(kv.key, kv.value);
  std::vector<std::vector<uint8_t>> keep;
  keep.reserve(src.tensors().size());
  for (const auto& t : src.tensors()) {
    std::vector<uint64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
    if (t.n_dims < 2) {
      ASSERT_TRUE(w.add_tensor(t.name, t.type, ne, t.bytes()).ok());
      continue;
    }
    std::vector<float> v = dequantize(t);
    keep.push_back(encode(v, weights, t.ne[0]));
    GgmlType type = weights;
    if (round_trip) {
      gguf::GgufTensor rounded = t;
      rounded.type = weights;
      rounded.row_bytes = *row_size_bytes(weights, t.ne[0]);
      rounded.data = keep.back().data();
      v = dequantize(rounded);
      keep.back() = encode(v, GgmlType::F32, t.ne[0]);
      type = GgmlType::F32;
    }
    ASSERT_TRUE(w.add_tensor(t.name, type, ne, keep.back()).ok());
  }
  auto s = w.write(path);
  ASSERT_TRUE(s.ok()) << s.error().describe();
}

struct SyntheticTensor {
  std::string name;
  std::vector<uint64_t> ne;
  GgmlType type = GgmlType::F32;
};

// A small llama-like model with the given tensors, random N(0, 1) weights.
void write_synthetic(const fs::path& path, const std::vector<SyntheticTensor>& tensors, uint32_t experts = 0, uint32_t alignment = 0) {
  gguf::GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_u32("llama.block_count", 1);
  w.set_u32("llama.attention.head_count", 2);
  if (experts) w.set_u32("llama.expert_count", experts);
  if (alignment) w.set_alignment(alignment);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<std::vector<uint8_t>> keep;
  keep.reserve(tensors.size());
  for (const SyntheticTensor& t : tensors) {
    uint64_t n = 1;
    for (uint64_t d : t.ne) n *= d;
    std::vector<float> v(n);
    for (float& x : v) x = normal(rng);
    keep.push_back(encode(v, t.type, t.ne[0]));
    ASSERT_TRUE(w.add_tensor(t.name, t.type, t.ne, keep.back()).ok());
  }
  auto s = w.write(path);
  ASSERT_TRUE(s.ok()) << s.error().describe();
}

QuantizeOptions options(QuantTarget target, unsigned threads = 2) {
  QuantizeOptions o;
  o.target = target;
  o.threads = threads;
  return o;
}

TEST(QuantizeFile, MetadataCarriedOverWithQuantizationKeysAppended) {
  pw::test::TempDir dir;
  auto r = quantize_file(fixture("tiny-qwen2-F32.gguf"), dir / "out.gguf", options(QuantTarget::Q8_0));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const gguf::GgufFile in = open_gguf(fixture("tiny-qwen2-F32.gguf"));
  const gguf::GgufFile out = open_gguf(dir / "out.gguf");
  std::vector<std::string> expected_keys;
  for (const auto& kv : in.metadata()) {
    if (kv.key == "general.file_type") continue;
    expected_keys.emplace_back(kv.key);
    const gguf::GgufValue* v = out.find(kv.key);
    ASSERT_NE(v, nullptr) << kv.key;
    EXPECT_EQ(v->type(), kv.value.type()) << kv.key;
    EXPECT_TRUE(std::ranges::equal(v->encoded(), kv.value.encoded())) << kv.key;
  }
  expected_keys.push_back("general.quantization_version");
  expected_keys.push_back("general.file_type");
  std::vector<std::string> keys;
  for (const auto& kv : out.metadata()) keys.emplace_back(kv.key);
  EXPECT_EQ(keys, expected_keys);
  EXPECT_EQ(*out.get_u32("general.quantization_version"), 2u);
  EXPECT_EQ(*out.get_u32("general.file_type"), 7u);
  EXPECT_EQ(r->input_file_bytes, fs::file_size(fixture("tiny-qwen2-F32.gguf")));
  EXPECT_EQ(r->output_file_bytes, fs::file_size(dir / "out.gguf"));
}

TEST(QuantizeFile, OutputDoesNotDependOnThreadCount) {
  pw::test::TempDir dir;
  ASSERT_TRUE(quantize_file(fixture("tiny-llama-F32.gguf"), dir / "t1.gguf", options(QuantTarget::Q3_K_M, 1)).ok());
  ASSERT_TRUE(quantize_file(fixture("tiny-llama-F32.gguf"), dir / "t3.gguf", options(QuantTarget::Q3_K_M, 3)).ok());
  EXPECT_TRUE(pw::test::read_file(dir / "t1.gguf") == pw::test::read_file(dir / "t3.gguf"));
}

TEST(QuantizeFile, F16AndBf16InputsGiveWhatTheirValuesGiveAsF32) {
  for (GgmlType half : {GgmlType::F16, GgmlType::BF16}) {
    SCOPED_TRACE(std::string(type_name(half)));
    pw::test::TempDir dir;
    write_converted(fixture("tiny-llama-F32.gguf"), dir / "half.gguf", half, false);
    write_converted(fixture("tiny-llama-F32.gguf"), dir / "same-as-f32.gguf", half, true);
    ASSERT_EQ(open_gguf(dir / "half.gguf").find_tensor("output.weight")->type, half);
    for (QuantTarget target : {QuantTarget::Q5_1, QuantTarget::Q8_0}) {
      ASSERT_TRUE(quantize_file(dir / "half.gguf", dir / "a.gguf", options(target)).ok());
      ASSERT_TRUE(quantize_file(dir / "same-as-f32.gguf", dir / "b.gguf", options(target)).ok());
      EXPECT_TRUE(pw::test::read_file(dir / "a.gguf") == pw::test::read_file(dir / "b.gguf")) << target_name(target);
      fs::remove(dir / "a.gguf");
      fs::remove(dir / "b.gguf");
    }
  }
}

TEST(QuantizeFile, NonWeightTensorsKeepTheirTypeAndBytes) {
  pw::test::TempDir dir;
  write_synthetic(dir / "in.gguf", {{"blk.0.attn_norm.weight", {256}, GgmlType::BF16},
                                    {"blk.0.attn_q.weight", {256, 8}, GgmlType::BF16},
                                    {"blk.0.attn_q.bias", {8, 4}, GgmlType::F16},
                                    {"position_embd.weight", {256, 4}, GgmlType::F32}});
  ASSERT_TRUE(quantize_file(dir / "in.gguf", dir / "out.gguf", options(QuantTarget::Q4_K_M)).ok());
  const gguf::GgufFile in = open_gguf(dir / "in.gguf");
  const gguf::GgufFile out = open_gguf(dir / "out.gguf");
  EXPECT_EQ(out.find_tensor("blk.0.attn_q.weight")->type, GgmlType::Q4_K);
  for (const char* name : {"blk.0.attn_norm.weight", "blk.0.attn_q.bias", "position_embd.weight"}) {
    EXPECT_EQ(out.find_tensor(name)->type, in.find_tensor(name)->type) << name;
    EXPECT_TRUE(std::ranges::equal(out.find_tensor(name)->bytes(), in.find_tensor(name)->bytes())) << name;
  }
}

TEST(QuantizeFile, AlreadyQuantizedInputIsRefused) {
  pw::test::TempDir dir;
  for (const char* name : {"tiny-llama-Q4_0.gguf", "tiny-llama-Q4_K_M.gguf", "tiny-qwen3-Q8_0.gguf"}) {
    auto r = quantize_file(fixture(name), dir / "out.gguf", options(QuantTarget::Q4_0));
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().code(), ErrorCode::Unsupported);
    EXPECT_NE(r.error().describe().find("requantization is not supported"), std::string::npos) << r.error().describe();
    EXPECT_NE(r.error().describe().find(name), std::string::npos) << r.error().describe();
  }
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

TEST(QuantizeFile, OutputThatIsTheInputIsRefusedThroughAnyLink) {
  pw::test::TempDir dir;
  fs::copy_file(fixture("tiny-llama-F32.gguf"), dir / "in.gguf");
  fs::create_hard_link(dir / "in.gguf", dir / "hard.gguf");
  fs::create_symlink(dir / "in.gguf", dir / "soft.gguf");
  const auto before = pw::test::read_file(dir / "in.gguf");
  for (const char* out : {"in.gguf", "hard.gguf", "soft.gguf"}) {
    QuantizeOptions o = options(QuantTarget::Q4_0);
    o.overwrite = true;  // even then
    auto r = quantize_file(dir / "in.gguf", dir / out, o);
    ASSERT_FALSE(r.ok()) << out;
    EXPECT_EQ(r.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(r.error().message().find("is the input file"), std::string::npos) << r.error().describe();
  }
  EXPECT_TRUE(pw::test::read_file(dir / "in.gguf") == before);
  EXPECT_EQ(folder_entries(dir.path()), (std::vector<std::string>{"hard.gguf", "in.gguf", "soft.gguf"}));
}

TEST(QuantizeFile, ExistingOutputIsOnlyReplacedWhenAllowed) {
  pw::test::TempDir dir;
  pw::test::write_file(dir / "out.gguf", "keep", 4);
  auto r = quantize_file(fixture("tiny-llama-F32.gguf"), dir / "out.gguf", options(QuantTarget::Q8_0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("already exists"), std::string::npos);
  EXPECT_EQ(pw::test::read_text(dir / "out.gguf"), "keep");
  QuantizeOptions o = options(QuantTarget::Q8_0);
  o.overwrite = true;
  ASSERT_TRUE(quantize_file(fixture("tiny-llama-F32.gguf"), dir / "out.gguf", o).ok());
  EXPECT_TRUE(pw::test::read_file(dir / "out.gguf") == pw::test::read_file(fixture("tiny-llama-Q8_0.gguf")));
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"out.gguf"});
}

TEST(QuantizeFile, CancelLeavesNothing) {
  pw::test::TempDir dir;
  std::atomic<bool> stop{false};
  int calls = 0;
  QuantizeOptions o = options(QuantTarget::Q4_K_M);
  o.cancel = &stop;
  o.on_progress = [&](const QuantizeProgress& p) {
    ++calls;
    if (p.tensor_index == 3) stop = true;
  };
  auto r = quantize_file(fixture("tiny-llama-F32.gguf"), dir / "out.gguf", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::Cancelled);
  EXPECT_GE(calls, 4);
  EXPECT_LT(calls, 10) << "kept going after the cancel";
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

// A write that fails part-way (what a full disk does) must leave neither the output nor the
// temporary file. RLIMIT_FSIZE makes write() fail with EFBIG past 256 KiB; it is set in a
// child process so the test process keeps its limits.
TEST(QuantizeFile, FailedWriteLeavesNothing) {
  pw::test::TempDir dir;
  int pipe_fd[2];
  ASSERT_EQ(pipe(pipe_fd), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipe_fd[0]);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit {256 * 1024, 256 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    auto r = quantize_file(fixture("tiny-llama-F32.gguf"), dir / "out.gguf", options(QuantTarget::Q8_0));
    const std::string message = r.ok() ? "" : r.error().describe();
    if (write(pipe_fd[1], message.data(), message.size()) < 0) _exit(3);
    _exit(r.ok() ? 0 : (r.error().code() == ErrorCode::Io ? 1 : 2));
  }
  close(pipe_fd[1]);
  char buf[512] = {};
  const ssize_t n = read(pipe_fd[0], buf, sizeof buf - 1);
  close(pipe_fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << "expected an Io error, got: " << std::string(buf, n > 0 ? size_t(n) : 0);
  EXPECT_NE(std::string(buf).find("out.gguf"), std::string::npos) << buf;
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

TEST(QuantizeFile, MissingInputOrOutputFolderIsAnErrorAndCreatesNothing) {
  pw::test::TempDir dir;
  auto r = quantize_file(dir / "absent.gguf", dir / "out.gguf", options(QuantTarget::Q8_0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::NotFound);
  r = quantize_file(fixture("tiny-llama-F32.gguf"), dir / "no-such-folder" / "out.gguf", options(QuantTarget::Q8_0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::NotFound);
  pw::test::write_file(dir / "junk.gguf", "GGUF\x03\0\0\0junk", 12);
  r = quantize_file(dir / "junk.gguf", dir / "out.gguf", options(QuantTarget::Q8_0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"junk.gguf"});
}

TEST(QuantizeFile, ProgressIsMonotonicAndComplete) {
  pw::test::TempDir dir;
  std::vector<QuantizeProgress> seen;
  QuantizeOptions o = options(QuantTarget::Q4_0);
  o.on_progress = [&](const QuantizeProgress& p) { seen.push_back(p); };
  auto r = quantize_file(fixture("tiny-gemma2-F32.gguf"), dir / "out.gguf", o);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(seen.empty());
  const gguf::GgufFile in = open_gguf(fixture("tiny-gemma2-F32.gguf"));
  uint64_t total = 0;
  for (const auto& t : in.tensors()) total += t.n_bytes;
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].done_bytes, seen[i - 1].done_bytes);
    EXPECT_GE(seen[i].tensor_index, seen[i - 1].tensor_index);
  }
  EXPECT_EQ(seen.back().done_bytes, total);
  EXPECT_EQ(seen.back().total_bytes, total);
  EXPECT_EQ(seen.back().tensor_index + 1, in.tensors().size());
  EXPECT_EQ(seen.back().tensor_count, in.tensors().size());
}

TEST(QuantizeFile, OddRowLengthsAndExpertTensorsRoundTrip) {
  pw::test::TempDir dir;
  write_synthetic(dir / "in.gguf",
                  {{"blk.0.ffn_up.weight", {96, 64}}, {"blk.0.attn_q.weight", {40, 8}}, {"blk.0.ffn_down_exps.weight", {256, 32, 4}},
                   {"blk.0.ffn_norm.weight", {96}}},
                  /*experts=*/4, /*alignment=*/64);
  auto r = quantize_file(dir / "in.gguf", dir / "out.gguf", options(QuantTarget::Q4_K_M));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->plan.fallbacks, 2u);
  const gguf::GgufFile in = open_gguf(dir / "in.gguf");
  const gguf::GgufFile out = open_gguf(dir / "out.gguf");
  EXPECT_EQ(out.alignment(), 64u);
  const std::map<std::string, std::pair<GgmlType, double>> want = {
      // type, largest RMSE accepted for N(0, 1) weights (about half the type's step)
      {"blk.0.ffn_up.weight", {GgmlType::Q5_0, 0.08}},              // Q4_K does not fit 96: Q5_0
      {"blk.0.attn_q.weight", {GgmlType::F16, 1e-3}},               // nothing fits 40: F16
      {"blk.0.ffn_down_exps.weight", {GgmlType::Q6_K, 0.04}},       // layer 0 of 1: more bits
      {"blk.0.ffn_norm.weight", {GgmlType::F32, 0.0}}};
  for (const auto& [name, expect] : want) {
    const gguf::GgufTensor* o = out.find_tensor(name);
    const gguf::GgufTensor* i = in.find_tensor(name);
    ASSERT_NE(o, nullptr) << name;
    EXPECT_EQ(o->type, expect.first) << name;
    EXPECT_EQ(o->n_dims, i->n_dims) << name;
    EXPECT_EQ(o->ne, i->ne) << name;
    EXPECT_EQ(o->file_offset % 64, 0u) << name;
    EXPECT_LE(rmse(dequantize(*o), dequantize(*i)), expect.second) << name;
  }
}

TEST(QuantizeFile, NonFiniteWeightsAreRefused) {
  pw::test::TempDir dir;
  gguf::GgufWriter w;
  w.set_string("general.architecture", "llama");
  std::vector<float> v(256 * 4, 0.5f);
  v[256 * 2 + 17] = std::numeric_limits<float>::infinity();
  ASSERT_TRUE(w.add_tensor("blk.0.attn_q.weight", GgmlType::F32, {256, 4},
                           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v.data()), v.size() * 4))
                  .ok());
  ASSERT_TRUE(w.write(dir / "in.gguf").ok());
  for (QuantTarget target : {QuantTarget::Q4_0, QuantTarget::Q4_K_M}) {
    auto r = quantize_file(dir / "in.gguf", dir / "out.gguf", options(target));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::Corrupt);
    EXPECT_NE(r.error().describe().find("row 2 holds a NaN or infinite value"), std::string::npos) << r.error().describe();
    EXPECT_NE(r.error().describe().find("blk.0.attn_q.weight"), std::string::npos) << r.error().describe();
    EXPECT_EQ(r.error().subject(), (dir / "in.gguf").string());
  }
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"in.gguf"});
}

TEST(QuantizeFile, SuggestedOutputNames) {
  EXPECT_EQ(suggest_output_path("/m/tiny-llama-F32.gguf", QuantTarget::Q4_K_M), "/m/tiny-llama-Q4_K_M.gguf");
  EXPECT_EQ(suggest_output_path("/m/Qwen2.5-0.5B-Instruct-bf16.gguf", QuantTarget::Q8_0), "/m/Qwen2.5-0.5B-Instruct-Q8_0.gguf");
  EXPECT_EQ(suggest_output_path("/m/phi.f16.gguf", QuantTarget::Q5_K_M), "/m/phi-Q5_K_M.gguf");
  EXPECT_EQ(suggest_output_path("model.gguf", QuantTarget::Q6_K), "model-Q6_K.gguf");
  EXPECT_EQ(suggest_output_path("/m/F16.gguf", QuantTarget::Q4_0), "/m/F16-Q4_0.gguf");
}

}  // namespace
}  // namespace pw::quantize::testing
