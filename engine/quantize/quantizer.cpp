#include "engine/quantize/quantizer.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include "engine/gguf/gguf_writer.h"
#include "engine/model_info/model_facts.h"
#include "engine/quantize/quantize_keys.h"
#include "engine/quantize/tensor_converter.h"
#include "engine/quantize/tensor_type_rules.h"

namespace pw::quantize {

namespace {

bool is_float_type(GgmlType t) { return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16; }

// Refuses an output that is the input (same inode, also through hard or symbolic links) and,
// unless allowed, an output that exists.
Status check_output_path(const std::filesystem::path& input, const std::filesystem::path& output, bool overwrite) {
  struct stat in_st {}, out_st {};
  if (::stat(input.c_str(), &in_st) != 0)
    return Error(ErrorCode::NotFound, input.string(), std::string("cannot read it: ") + std::strerror(errno));
  if (::stat(output.c_str(), &out_st) != 0) return ok_status();  // does not exist yet
  if (in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino)
    return Error(ErrorCode::InvalidArgument, output.string(), "is the input file; choose another output name (the input is never overwritten)");
  if (S_ISDIR(out_st.st_mode)) return Error(ErrorCode::InvalidArgument, output.string(), "is a folder; give a file name");
  if (!overwrite) return Error(ErrorCode::InvalidArgument, output.string(), "already exists (allow overwriting to replace it)");
  return ok_status();
}

// Tells the kernel the input pages of a finished tensor are not needed any more, so a model
// larger than RAM does not push everything else out of memory while it is read once. Safe on
// the read-only private mapping: dropped pages are read again from the file if touched.
void release_input_pages(const uint8_t* data, uint64_t size) {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  if (page == 0 || size == 0) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + page - 1) / page * page;
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) / page * page;
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace

std::filesystem::path suggest_output_path(const std::filesystem::path& input, QuantTarget target) {
  std::string stem = input.stem().string();
  // Drop a trailing precision tag ("-F16", ".f32", "_BF16") that would now be wrong.
  for (const char* tag : {"F32", "F16", "BF16"}) {
    const std::string t = tag;
    if (stem.size() > t.size() + 1) {
      const char sep = stem[stem.size() - t.size() - 1];
      std::string tail = stem.substr(stem.size() - t.size());
      for (char& c : tail) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if ((sep == '-' || sep == '.' || sep == '_') && tail == t) {
        stem.resize(stem.size() - t.size() - 1);
        break;
      }
    }
  }
  return input.parent_path() / (stem + "-" + std::string(target_name(target)) + ".gguf");
}

Result<QuantizePlan> plan_quantization(const gguf::GgufFile& input, QuantTarget target) {
  for (const gguf::GgufTensor& t : input.tensors())
    if (type_info(t.type).quantized)
      return Error(ErrorCode::Unsupported, input.name(),
                   "already quantized (tensor '" + std::string(t.name) + "' is " + std::string(type_name(t.type)) +
                       "); requantization is not supported: start from the F32, F16 or BF16 file");
  auto facts = model_info::read_model_facts(input);
  if (!facts) return facts.error();

  std::vector<TensorDesc> in_order;
  in_order.reserve(input.tensors().size());
  for (const gguf::GgufTensor& t : input.tensors()) in_order.push_back({std::string(t.name), t.type, t.ne});
  const std::vector<size_t> order = reference_tensor_order(in_order);
  std::vector<TensorDesc> descs;
  descs.reserve(order.size());
  for (size_t i : order) descs.push_back(in_order[i]);
  auto choices = choose_tensor_types(*facts, descs, target);
  if (!choices) return choices.error().with_subject(input.name());

  QuantizePlan plan;
  plan.target = target;
  for (size_t k = 0; k < order.size(); ++k) {
    const gguf::GgufTensor& t = input.tensors()[order[k]];
    const TensorTypeChoice& c = (*choices)[k];
    if (c.type != t.type && !is_float_type(t.type))
      return Error(ErrorCode::Unsupported, input.name(),
                   "tensor '" + std::string(t.name) + "' is " + std::string(type_name(t.type)) + " and cannot be converted");
    PlannedTensor p;
    p.name = std::string(t.name);
    p.from = t.type;
    p.to = c.type;
    p.n_dims = t.n_dims;
    p.ne = t.ne;
    p.in_bytes = t.n_bytes;
    const auto row = row_size_bytes(c.type, t.ne[0]);
    if (!row) return Error(ErrorCode::Internal, input.name(), "tensor '" + p.name + "': chosen type does not fit its rows");
    p.out_bytes = *row * t.n_rows();
    p.fallback = c.fallback;
    plan.in_tensor_bytes += p.in_bytes;
    plan.out_tensor_bytes += p.out_bytes;
    plan.fallbacks += c.fallback ? 1 : 0;
    plan.tensors.push_back(std::move(p));
  }
  return plan;
}

Result<QuantizeReport> quantize_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                     const QuantizeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PW_TRY(check_output_path(input, output, options.overwrite));
  auto file = gguf::GgufFile::open(input);
  if (!file) return file.error();
  const gguf::GgufFile& in = *file;
  auto plan = plan_quantization(in, options.target);
  if (!plan) return plan.error();

  gguf::GgufWriter writer;
  for (const gguf::GgufKeyValue& kv : in.metadata())
    if (!is_replaced_key(kv.key)) writer.set_value(kv.key, kv.value);
  writer.set_u32(kQuantizationVersionKey, kQuantizationVersion);
  writer.set_u32(kFileTypeKey, target_file_type(options.target));

  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::clamp(threads, 1u, 256u);
  const auto cancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };

  QuantizeProgress progress;
  progress.tensor_count = plan->tensors.size();
  progress.total_bytes = plan->in_tensor_bytes;
  uint64_t done_before_tensor = 0;
  for (size_t i = 0; i < plan->tensors.size(); ++i) {
    const PlannedTensor& p = plan->tensors[i];
    const gguf::GgufTensor* t = in.find_tensor(p.name);
    if (!t) return Error(ErrorCode::Internal, input.string(), "tensor '" + p.name + "' vanished");
    std::vector<uint64_t> ne(p.ne.begin(), p.ne.begin() + p.n_dims);
    auto source = [&, i, t](gguf::GgufDataSink& sink) -> Status {
      if (cancelled()) return Error(ErrorCode::Cancelled, "cancelled");
      const PlannedTensor& pt = plan->tensors[i];
      progress.tensor_index = i;
      progress.tensor_name = pt.name;
      progress.to = pt.to;
      const RowConversion job{t->data, pt.from, pt.to, t->ne[0], t->n_rows()};
      Status s = convert_rows(
          job, threads, [&](std::span<const uint8_t> bytes) { return sink.write(bytes); },
          [&](uint64_t rows_done) {
            progress.done_bytes = done_before_tensor + rows_done * t->row_bytes;
            if (options.on_progress) options.on_progress(progress);
            return !cancelled();
          });
      if (!s.ok()) return s.error().subject().empty() ? s.error().with_subject(input.string()) : s.error();
      release_input_pages(t->data, t->n_bytes);
      done_before_tensor += pt.in_bytes;
      return ok_status();
    };
    PW_TRY(writer.add_tensor(p.name, p.to, ne, source));
  }
  PW_TRY(writer.write(output));

  QuantizeReport report;
  report.input_file_bytes = in.file_size();
  std::error_code ec;
  report.output_file_bytes = std::filesystem::file_size(output, ec);
  if (ec) report.output_file_bytes = 0;
  std::map<uint32_t, size_t> counts;
  for (const PlannedTensor& p : plan->tensors) ++counts[static_cast<uint32_t>(p.to)];
  for (const auto& [type, n] : counts) report.type_counts.emplace_back(static_cast<GgmlType>(type), n);
  std::stable_sort(report.type_counts.begin(), report.type_counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  report.plan = std::move(*plan);
  report.threads = threads;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace pw::quantize
